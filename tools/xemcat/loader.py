"""Load catalog YAML files into plain Python data plus a map of source positions.

PyYAML's constructors forget where a value came from and silently keep the last
of two duplicate keys. We compose the node graph with the C-accelerated loader
(positions are on every node) and build the Python values ourselves, recording
the 1-based line and column of every key and value and rejecting duplicate keys.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

try:  # libyaml is ~10x faster at scanning; fall back to pure Python if absent
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

Path_ = tuple[Any, ...]  # a path into the data: keys and list indices
_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")  # entry names safe to show inside a field path


@dataclass
class SourceFile:
    """One parsed catalog file: its data and where each part of it came from."""

    path: Path
    display: str  # the file name as reported to the writer
    data: Any
    line_count: int
    value_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    text: str = ""  # the file's text as parsed
    # Positions are only worked out (by parsing `text` again) when a problem needs one.
    positions_pending: bool = False

    def pos(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """The position of ``path``, or of the nearest enclosing value that has one."""
        if self.positions_pending:
            self.positions_pending = False
            fresh, _ = load_text(self.text, self.path, self.display, positions=True)
            if fresh is not None:
                self.value_pos, self.key_pos = fresh.value_pos, fresh.key_pos
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


def describe_path(data: Any, path: Path_) -> str:
    """Human name of a data path: ``codes.scope_insufficient.diagnostic`` rather than ``codes/3/diagnostic``."""
    parts: list[str] = []
    node = data
    for step in path:
        if isinstance(step, int):
            name = None
            if isinstance(node, list) and 0 <= step < len(node) and isinstance(node[step], dict):
                item = node[step]
                for k in ("code", "form", "type", "id"):
                    if isinstance(item.get(k), str) and _NAME.fullmatch(item[k]):
                        name = item[k]
                        break
            if name is not None:
                parts.append(name)
            elif parts:
                parts[-1] += f"[{step}]"
            else:
                parts.append(f"[{step}]")
            node = node[step] if isinstance(node, list) and 0 <= step < len(node) else None
        else:
            parts.append(step if _NAME.fullmatch(str(step)) else json.dumps(str(step), ensure_ascii=True))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "(file)"


def _clamp(mark: Any, line_count: int) -> tuple[int, int]:
    """1-based position of a YAML mark, never past the file's last line (libyaml may point at EOF)."""
    return _clamp_pos((mark.line + 1, mark.column + 1), line_count)


def load_file(path: Path, display: str | None = None, cache_dir: Path | None = None,
              cached_only: bool = False) -> tuple[SourceFile | None, list[Problem]] | None:
    """Parse one YAML file. Returns the file (or None if unusable) and its problems.

    With ``cache_dir``, the parsed data of a file is kept under the hash of its text (and of
    this module), like ruff's and mypy's caches: an unchanged file is not parsed again, and
    its positions are only recomputed if a problem has to be reported in it. With
    ``cached_only``, a file that is not in the cache is not parsed: the result is None.
    """
    display = display or str(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(display, 1, 1, "(file)", f"not valid UTF-8 text: {exc.reason} at byte {exc.start}")]
    except OSError as exc:
        return None, [Problem(display, 1, 1, "(file)", f"cannot read file: {exc.strerror}")]
    if cache_dir is None:
        return load_text(text, path, display)
    entry = cache_dir / hashlib.blake2b(raw, digest_size=20, key=_FINGERPRINT).hexdigest()
    try:
        data, line_count, saved = marshal.loads(entry.read_bytes())
        problems = [Problem(display, *p) for p in saved]
        src = SourceFile(path=path, display=display, data=data, line_count=line_count, text=text,
                         positions_pending=True)
        return (None if data == _EMPTY_MARK else src), problems
    except Exception:  # no entry, or an unreadable one: parse the file
        if cached_only:
            return None
    src, problems = load_text(text, path, display)
    if src is not None or problems:
        saved = [(p.line, p.col, p.field, p.message) for p in problems]
        payload = (src.data if src is not None else _EMPTY_MARK, src.line_count if src else 0, saved)
        try:
            blob = marshal.dumps(payload)
            cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(blob)
            os.replace(tmp, entry)
        except (OSError, ValueError):  # read-only tree, or a value marshal cannot store: no cache
            pass
    return src, problems


# Cache entries depend on the text and on this parser: any edit to this file invalidates them.
_FINGERPRINT = hashlib.blake2b(Path(__file__).read_bytes() + yaml.__version__.encode(), digest_size=16).digest()
_EMPTY_MARK = "\0xemcat:unusable\0"  # a file that yields problems but no data


def _clamp_pos(pos: tuple[int, int], line_count: int) -> tuple[int, int]:
    line, col = pos
    if line > max(line_count, 1):
        return max(line_count, 1), 1
    return line, col


def load_text(text: str, path: Path, display: str,
              positions: bool = False) -> tuple[SourceFile | None, list[Problem]]:
    """Parse YAML text. Positions of keys and values are only needed to report a problem, so
    by default they are worked out later, by parsing again, the first time one is asked for;
    a clean catalog never builds them (at 10,000 codes: a third less time and memory)."""
    line_count = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    src = SourceFile(path=path, display=display, data=None, line_count=line_count, text=text)
    problems: list[Problem] = []
    try:
        data, found = _build(text, src, record=positions)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _clamp(mark, line_count) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        if exc.context:
            ctx_line = _clamp(exc.context_mark, line_count)[0] if exc.context_mark else None
            what = f"{what} ({exc.context}" + (f" at line {ctx_line})" if ctx_line else ")")
        return None, [Problem(display, line, col, "(yaml)", f"YAML syntax error: {what}")]
    except yaml.reader.ReaderError as exc:  # control characters and the like
        before = text[: exc.position]
        line = min(before.count("\n") + 1, max(line_count, 1))
        col = exc.position - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return None, [Problem(display, line, col, "(yaml)",
                              f"character U+{ord(char):04X} is not allowed in YAML: {exc.reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(display, 1, 1, "(yaml)", f"YAML error: {' '.join(str(exc).split())}")]
    except RecursionError:
        return None, [Problem(display, 1, 1, "(file)", "nesting is too deep to be a catalog file")]
    if found is None:
        return None, [Problem(display, 1, 1, "(file)", "file is empty; expected a mapping of catalog fields")]
    src.data = data
    if not positions:
        src.positions_pending = True
    if any(line > max(line_count, 1) for line, _ in src.value_pos.values()):
        src.value_pos = {k: _clamp_pos(v, line_count) for k, v in src.value_pos.items()}
        src.key_pos = {k: _clamp_pos(v, line_count) for k, v in src.key_pos.items()}
    for path_, line, col, message in found:
        field_name = describe_path(data, path_) if path_ else "(file)"
        line, col = _clamp_pos((line, col), line_count)
        problems.append(Problem(display, line, col, field_name, message))
    return src, problems


_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _build(text: str, src: SourceFile, record: bool = True) -> tuple[Any, list | None]:
    """Build plain data from libyaml's event stream, recording positions as we go.

    Working on events rather than a composed node graph skips a whole tree of Python objects:
    on a 10,000-code catalog this halves the load time. Returns (data, problems) where problems
    are (path, line, col, message); problems is None for an empty document. With ``record``
    False no position table is built (see ``load_text``).
    """
    loader = _Loader(text)
    constructor = yaml.constructor.SafeConstructor()
    implicit_first = loader.yaml_implicit_resolvers  # first characters that may start a non-string
    value_pos = src.value_pos
    key_pos = src.key_pos
    found: list[tuple[Path_, int, int, str]] = []
    anchors: dict[str, Any] = {}
    open_ids: set[int] = set()  # containers still being built: an alias to one is a cycle
    # Each frame: [container, path, is_map, pending_key (or _NO_KEY), first_line_of_keys, skip]
    stack: list[list] = []
    root: list[Any] = []
    NO_KEY = _NO_KEY
    ScalarEvent, AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
    MappingStartEvent, SequenceStartEvent = yaml.MappingStartEvent, yaml.SequenceStartEvent
    MappingEndEvent, SequenceEndEvent = yaml.MappingEndEvent, yaml.SequenceEndEvent
    saw_document = False

    def scalar_value(ev: Any) -> Any:
        value = ev.value
        tag = ev.tag
        if tag is None or tag == "!":
            # Quoted, or plain text whose first character cannot start a number, bool or null.
            if not ev.implicit[0] or (value and value[0] not in implicit_first):
                return value
            tag = loader.resolve(yaml.ScalarNode, value, ev.implicit)
        if tag == _STR:
            return value
        if tag == _TIMESTAMP:
            return value  # dates in the catalog are plain YYYY-MM-DD text, not datetime objects
        node = yaml.ScalarNode(tag, value, ev.start_mark, ev.end_mark, ev.style)
        return constructor.construct_object(node, deep=True)

    def place(value: Any, ev: Any) -> bool:
        """Put a finished value into the current container. False if it was a (bad) key."""
        line, col = ev.start_mark.line + 1, ev.start_mark.column + 1
        if not stack:
            root.append(value)
            if record:
                value_pos[()] = (line, col)
            return True
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if frame[2]:  # mapping
            if frame[3] is NO_KEY:
                if isinstance(value, (dict, list)):
                    found.append((path, line, col, "a mapping key must be a plain name, not a list or mapping"))
                    frame[3] = None
                    frame[5] = True  # skip the value that follows
                    return False
                key = str(value)
                if key in frame[4]:
                    found.append((path + (key,), line, col,
                                  f"duplicate key `{key}` (first defined at line {frame[4][key]}); "
                                  "YAML keeps only one of them, so remove or rename the other"))
                    frame[5] = True
                else:
                    frame[4][key] = line
                    if record:
                        key_pos[path + (key,)] = (line, col)
                frame[3] = key
                return False
            key = frame[3]
            frame[3] = NO_KEY
            if frame[5]:
                frame[5] = False
                return True
            container[key] = value
            return True
        container.append(value)
        return True

    def child_path() -> Path_:
        if not stack:
            return ()
        frame = stack[-1]
        if frame[2]:
            return frame[1] + (frame[3],) if frame[3] not in (NO_KEY, None) else frame[1] + ("?",)
        return frame[1] + (len(frame[0]),)

    try:
        while True:
            ev = loader.get_event()
            if ev is None:
                break
            cls = ev.__class__
            if cls is ScalarEvent and stack and not ev.anchor:
                # Fast path for the bulk of a catalog: a plain string key or value in a mapping.
                frame = stack[-1]
                v = ev.value
                if frame[2] and not frame[5] and ev.tag is None and (not ev.implicit[0] or (v and v[0] not in implicit_first)):
                    mark = ev.start_mark
                    if frame[3] is NO_KEY:
                        seen = frame[4]
                        if v not in seen:
                            line = mark.line + 1
                            seen[v] = line
                            if record:
                                key_pos[frame[1] + (v,)] = (line, mark.column + 1)
                            frame[3] = v
                            continue
                    elif frame[3] is not None:
                        if record:
                            value_pos[frame[1] + (frame[3],)] = (mark.line + 1, mark.column + 1)
                        frame[0][frame[3]] = v
                        frame[3] = NO_KEY
                        continue
            if cls is ScalarEvent:
                here = child_path()
                is_key = bool(stack) and stack[-1][2] and stack[-1][3] is NO_KEY
                value = scalar_value(ev)
                if not is_key and not (stack and stack[-1][5]):
                    if record:
                        value_pos[here] = (ev.start_mark.line + 1, ev.start_mark.column + 1)
                if ev.anchor:
                    anchors[ev.anchor] = value
                place(value, ev)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                here = child_path()
                container: Any = {} if cls is MappingStartEvent else []
                if ev.anchor:
                    anchors[ev.anchor] = container
                if not (stack and stack[-1][5]) and not (stack and stack[-1][2] and stack[-1][3] is NO_KEY):
                    if record:
                        value_pos[here] = (ev.start_mark.line + 1, ev.start_mark.column + 1)
                open_ids.add(id(container))
                stack.append([container, here, cls is MappingStartEvent, NO_KEY, {}, False, ev])
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                frame = stack.pop()
                open_ids.discard(id(frame[0]))
                place(frame[0], frame[6])
            elif cls is AliasEvent:
                if ev.anchor not in anchors:
                    raise yaml.composer.ComposerError(None, None, f"found undefined alias {ev.anchor!r}",
                                                      ev.start_mark)
                value = anchors[ev.anchor]
                if id(value) in open_ids:
                    found.append((child_path()[:-1], ev.start_mark.line + 1, ev.start_mark.column + 1,
                                  "recursive YAML alias; the catalog must be a tree"))
                    value = None
                place(value, ev)
            elif cls is yaml.DocumentStartEvent:
                if saw_document:
                    raise yaml.composer.ComposerError(
                        "expected a single document in the stream", None,
                        "but found another document", ev.start_mark)
                saw_document = True
    finally:
        loader.dispose()
    if not root:
        return None, None
    return root[0], found


_NO_KEY = object()
