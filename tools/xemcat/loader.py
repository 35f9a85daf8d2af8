"""Load catalog YAML files into plain Python data plus a map of source positions.

PyYAML's constructors forget where a value came from and silently keep the last
of two duplicate keys. We compose the node graph with the C-accelerated loader
(positions are on every node) and build the Python values ourselves, recording
the 1-based line and column of every key and value and rejecting duplicate keys.
"""

from __future__ import annotations

import json
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
    line = min(mark.line + 1, max(line_count, 1))
    col = mark.column + 1 if mark.line + 1 <= line_count else 1
    return line, col


def load_file(path: Path, display: str | None = None) -> tuple[SourceFile | None, list[Problem]]:
    """Parse one YAML file. Returns the file (or None if unusable) and its problems."""
    display = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(display, 1, 1, "(file)", f"not valid UTF-8 text: {exc.reason} at byte {exc.start}")]
    except OSError as exc:
        return None, [Problem(display, 1, 1, "(file)", f"cannot read file: {exc.strerror}")]
    line_count = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
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
    if root is None:
        return None, [Problem(display, 1, 1, "(file)", "file is empty; expected a mapping of catalog fields")]

    src = SourceFile(path=path, display=display, data=None, line_count=line_count)
    problems: list[Problem] = []
    constructor = yaml.constructor.SafeConstructor()

    def pos(node: yaml.Node) -> tuple[int, int]:
        return _clamp(node.start_mark, line_count)

    duplicates: list[tuple[Path_, int, int, int]] = []  # reported once the field names are known
    active: set[int] = set()  # nodes being built: guards against recursive aliases

    def build(node: yaml.Node, here: Path_) -> Any:
        src.value_pos[here] = pos(node)
        if id(node) in active:
            line, col = pos(node)
            problems.append(Problem(display, line, col, ".".join(map(str, here)) or "(file)",
                                    "recursive YAML alias; the catalog must be a tree"))
            return None
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            active.add(id(node))
            try:
                return build_collection(node, here)
            finally:
                active.discard(id(node))
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # dates in the catalog are plain YYYY-MM-DD text, not datetime objects
        try:
            return constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            line, col = pos(node)
            problems.append(Problem(display, line, col, ".".join(map(str, here)) or "(file)",
                                    f"cannot read value: {exc.problem}"))
            return None
        except (ValueError, OverflowError) as exc:  # e.g. an impossible timestamp
            line, col = pos(node)
            problems.append(Problem(display, line, col, ".".join(map(str, here)) or "(file)",
                                    f"cannot read value: {exc}"))
            return None

    def build_collection(node: yaml.Node, here: Path_) -> Any:
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            first_seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    line, col = pos(key_node)
                    problems.append(Problem(display, line, col, describe_path(src.data or out, here) if here else "(file)",
                                            "a mapping key must be a plain name, not a list or mapping"))
                    continue
                key = str(key_node.value)
                kl, kc = pos(key_node)
                if key in first_seen:
                    duplicates.append((here + (key,), kl, kc, first_seen[key]))
                    continue
                first_seen[key] = kl
                src.key_pos[here + (key,)] = (kl, kc)
                out[key] = build(value_node, here + (key,))
            return out
        return [build(item, here + (i,)) for i, item in enumerate(node.value)]

    try:
        src.data = build(root, ())
    except RecursionError:
        return None, [Problem(display, 1, 1, "(file)", "nesting is too deep to be a catalog file")]
    for path, line, col, first in duplicates:
        key = path[-1]
        problems.append(Problem(display, line, col, describe_path(src.data, path),
                                f"duplicate key `{key}` (first defined at line {first}); "
                                "YAML keeps only one of them, so remove or rename the other"))
    return src, problems
