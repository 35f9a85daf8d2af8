"""Load catalog YAML files into plain Python data plus the position of every key and value.

PyYAML's constructors forget where a value came from and silently keep the last of two
duplicate keys. So the file is composed into a node graph by libyaml (every node carries its
position) and walked here, building plain dicts, lists and scalars. A catalog is a small tree
of text, so the walk refuses what a catalog never needs and an attacker or a slip can abuse:
duplicate keys, anchors and aliases (a few nested aliases expand into billions of values),
explicit tags (`!!int abc`), and nesting deeper than ``MAX_DEPTH``. Each refusal is a problem
at FILE:LINE:COL; nothing here raises for bad input.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

try:  # libyaml composes ~14x faster; the pure-Python loader gives the same nodes
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader, with a shortcut for the scalars that are most of a catalog: quoted or
    block text, and plain text whose first character cannot start a number, bool, null or date
    (the only implicit types), resolve to strings without trying each type's regex."""

    _typed_first = frozenset(k for k in _Base.yaml_implicit_resolvers if k)

    def resolve(self, kind, value, implicit):  # noqa: ANN001 - PyYAML's signature
        if kind is yaml.ScalarNode and value and (not implicit[0] or value[0] not in self._typed_first):
            return "tag:yaml.org,2002:str"
        return super().resolve(kind, value, implicit)


_RESOLVER = _Loader("")  # for the scalars the shortcut leaves to the implicit-type regexes

def reads_as_text(value: str) -> bool:
    """Whether ``value``, written as a plain (unquoted) scalar, is read back as this text: not
    as a number, boolean, null or date, as YAML 1.1 reads `on`, `Yes`, `~`, `10:30` or `0o7`."""
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) in (_STR, _TIMESTAMP)


MAX_DEPTH = 16  # the deepest catalog path is 7 levels (codes.N.http.N.status); leave room
Path_ = tuple[Any, ...]  # a path into the data: keys and list indices
_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")  # entry names safe to show inside a field path
_MAP, _SEQ, _STR = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:str"
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_CONSTRUCT = yaml.constructor.SafeConstructor()


@dataclass
class SourceFile:
    """One parsed catalog file: its data and where each part of it came from."""

    path: Path
    display: str  # the file name as reported to the writer
    data: Any
    text: str = ""
    value_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def pos(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """The position of ``path``, or of the nearest enclosing value that has one."""
        table = self.key_pos if key else self.value_pos
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.value_pos:
                return self.value_pos[p]
            p = p[:-1]
        return self.value_pos.get((), (1, 1))

    def problem(self, path: Path_, message: str, *, key: bool = False, field_name: str | None = None) -> Problem:
        line, col = self.pos(path, key=key)
        return Problem(self.display, line, col, field_name or describe_path(self.data, path), message)


# The field that names an entry of each list whose entries have names; other lists' items
# (an HTTP status, a former name) are shown by their index.
_NAMED_BY = {"codes": "code", "commands": "form", "envelope_types": "type"}


def describe_path(data: Any, path: Path_) -> str:
    """Human name of a data path: ``codes.scope_insufficient.diagnostic`` rather than ``codes/3/diagnostic``."""
    parts: list[str] = []
    node = data
    for i, step in enumerate(path):
        if isinstance(step, int):
            item = node[step] if isinstance(node, list) and 0 <= step < len(node) else None
            key = _NAMED_BY.get(path[i - 1]) if i else None
            name = item.get(key) if isinstance(item, dict) else None
            if isinstance(name, str) and _NAME.fullmatch(name):
                parts.append(name)
            elif parts:
                parts[-1] += f"[{step}]"
            else:
                parts.append(f"[{step}]")
            node = item
        else:
            parts.append(step if _NAME.fullmatch(str(step)) else json.dumps(str(step), ensure_ascii=True))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "(file)"


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def load_file(path: Path, display: str | None = None) -> tuple[SourceFile | None, list[Problem]]:
    """Read and parse one file. Returns the file (None if unusable) and its problems."""
    display = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 1, 1, "(file)", f"cannot read file: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(display, line, col, "(file)",
                              f"not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded; save the file as UTF-8")]
    return load_text(text, path, display)


def load_text(text: str, path: Path, display: str) -> tuple[SourceFile | None, list[Problem]]:
    """Parse YAML text into a SourceFile with positions, or None and the reason."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, text, display)]
    except yaml.reader.ReaderError as exc:  # control characters and the like
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        line, col = line_col(text, _reader_error_index(text, char, exc.position))
        return None, [Problem(display, line, col, "(yaml)",
                              f"character U+{ord(char):04X} is not allowed in YAML: {exc.reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(display, 1, 1, "(yaml)", f"YAML error: {' '.join(str(exc).split())}")]
    if root is None:
        return None, [Problem(display, 1, 1, "(file)", "file is empty; expected a mapping of catalog fields")]
    src = SourceFile(path=path, display=display, data=None, text=text)
    walk = _Walk(src)
    src.data = walk.value(root, (), 0)
    return src, [Problem(display, line, col, describe_path(src.data, p) if p else "(yaml)", message)
                 for p, line, col, message in walk.refused]


def _reader_error_index(text: str, char: str, position: int) -> int:
    """Where in TEXT the character the YAML reader refused is. libyaml counts UTF-8 bytes, not
    characters, so its position is late by one for each earlier non-ASCII character; the reader
    stops at the first character it refuses, so that character's first occurrence is the place."""
    found = text.find(char)
    return found if found >= 0 else position


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, display: str) -> Problem:
    """A syntax error where it starts: an unclosed quote or bracket is reported at its opening."""
    problem = exc.problem or "invalid YAML"
    mark = exc.problem_mark
    opened = exc.context_mark
    what = re.fullmatch(r"while (?:scanning|parsing) an? (.*)", exc.context or "")
    if mark is not None and text[mark.index:mark.index + 1] == "\t":
        problem = "a tab cannot indent YAML; indent with spaces"
    elif "escape" in problem and mark is not None:
        # libyaml points at the escape: the string itself is closed, only the escape is wrong.
        at = mark.index if text[mark.index:mark.index + 1] == "\\" else mark.index - 1
        bad = text[at:at + 2]
        problem = (f"`{bad}` is not an escape YAML knows in a double-quoted string; write `\\\\` for a "
                   "backslash, or use single quotes")
    elif opened is not None and what and ("quoted" in what.group(1) or "flow" in what.group(1)):
        mark = opened  # the scanner only notices at the end of the file or of the block
        problem = f"the {what.group(1)} that starts here is never closed ({problem})"
    elif exc.context:
        problem = f"{problem} ({exc.context})"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    last = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    if line > max(last, 1):  # libyaml may point just past the last line
        line, col = max(last, 1), 1
    return Problem(display, line, col, "(yaml)", f"YAML syntax error: {problem}")


class _Walk:
    """Builds plain data from a node graph, recording positions and refusing what a catalog
    must not contain. Visits each node once, so aliases cannot make it expand anything."""

    def __init__(self, src: SourceFile):
        self.src = src
        self.refused: list[tuple[Path_, int, int, str]] = []
        self.seen: set[int] = set()
        self.maybe_typed = _Loader._typed_first

    def refuse(self, node: yaml.Node, path: Path_, message: str) -> None:
        self.refused.append((path, node.start_mark.line + 1, node.start_mark.column + 1, message))

    def value(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        if id(node) in self.seen:  # the second use of an anchored node: an alias
            line, col = self.src.key_pos.get(path) or self.src.value_pos.get(path[:-1], (1, 1))
            self.refused.append((path, line, col, "YAML anchors and aliases (`&name`, `*name`) are not "
                                                  "allowed in the catalog: write the value out where it is used"))
            return None
        self.src.value_pos[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self.refuse(node, path, f"nested more than {MAX_DEPTH} levels deep; no catalog field is")
            return None
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if node.tag not in (_MAP, _SEQ):
            self.refuse(node, path, f"explicit YAML tag `{node.tag}` is not allowed; remove it")
            return None
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self.mapping(node, path, depth)

    def mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        seen, typed, value_pos = self.seen, self.maybe_typed, self.src.value_pos
        for key_node, value_node in node.value:
            key = key_node.value
            if key_node.tag != _STR or key_node.__class__ is not yaml.ScalarNode or id(key_node) in seen:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.refuse(key_node, path, "merge keys (`<<:`) are not allowed in the catalog: "
                                                "write the fields out")
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    self.refuse(key_node, path, "a mapping key must be a plain name, not a list or mapping")
                    continue
                key = str(self.scalar(key_node, path))
            mark = key_node.start_mark
            if "\t" in key and not key_node.style:
                # libyaml reads a tab inside a plain key; PyYAML's own parser refuses it. Refused
                # here too, so the catalog means the same whichever parser is installed.
                self.refuse(key_node, path, f"a tab inside the key {key!r}: keys are names; use spaces between "
                                            "the key, the colon and the value")
                continue
            if key in first_line:
                self.refuse(key_node, path + (key,), f"duplicate key `{key}` (first defined at line "
                                                     f"{first_line[key]}); YAML keeps only one of them, "
                                                     "so remove or rename the other")
                continue
            first_line[key] = mark.line + 1
            here = path + (key,)
            self.src.key_pos[here] = (mark.line + 1, mark.column + 1)
            text = value_node.value
            if (value_node.tag == _STR and id(value_node) not in seen and value_node.__class__ is yaml.ScalarNode
                    and (value_node.style or not text or text[0] not in typed)):
                # The bulk of a catalog, inlined: a string value under a key.
                seen.add(id(value_node))
                vmark = value_node.start_mark
                value_pos[here] = (vmark.line + 1, vmark.column + 1)
                out[key] = text
            else:
                out[key] = self.value(value_node, here, depth + 1)
        return out

    def scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        value, tag = node.value, node.tag
        if tag == _STR and (node.style or not value or value[0] not in self.maybe_typed):
            return value  # the bulk of a catalog: text that could not have meant anything else
        implicit = _RESOLVER.resolve(yaml.ScalarNode, value, (not node.style, True))
        if tag != implicit:
            self.refuse(node, path, f"explicit YAML tag `{node.tag}` is not allowed; remove it")
            return node.value
        if node.tag in (_STR, _TIMESTAMP):
            return node.value  # dates in the catalog are YYYY-MM-DD text, not datetime objects
        if node.tag == _INT and not _DECIMAL.fullmatch(value):
            # YAML 1.1 reads 0403 as octal (259), 1:30 as 90, 0x1F as hex: not what a writer meant.
            self.refuse(node, path, f"the number `{value}` is not written in decimal (YAML would read it as "
                                    f"{_CONSTRUCT.yaml_constructors[_INT](_CONSTRUCT, node)}); write it as "
                                    "digits without a leading zero, or quote it if it is text")
            return value
        if node.tag == _FLOAT:
            self.refuse(node, path, f"`{value}` is read as a fraction; the catalog's numbers are whole numbers "
                                    "(write `403`, not `403.0`), or quote it if it is text")
            return value
        # The constructor for the resolved tag alone: construct_object would keep every node.
        return _CONSTRUCT.yaml_constructors[node.tag](_CONSTRUCT, node)
