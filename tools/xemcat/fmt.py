"""`xemcat fmt`: rewrite catalog files in one canonical layout, comments kept (ruamel.yaml round trip).

Canonical layout:
  * keys in the order the schema lists them (unknown keys keep their place at the end);
  * 2-space mappings, list items indented 4 with the dash at 2 (`  - code: ...`);
  * prose fields (description, action, note, ...) on one line when `key: text` fits in
    100 columns, otherwise a folded `>-` block wrapped at 100 columns. Whitespace inside prose is
    not significant (the renderer folds it), so re-wrapping never changes the meaning;
  * other strings plain where YAML allows, quoted where it must; `null` spelled out.
The result is checked to load to the same data before anything is written, and files are
replaced atomically.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString

from .catalog import catalog_files
from .vocabulary import TEXT_KEYS

WIDTH = 100


def _yaml() -> YAML:
    y = YAML()
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096  # we wrap prose ourselves; never let the emitter break other lines
    y.preserve_quotes = False
    y.representer.add_representer(type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return y


def _key_orders(schema: dict) -> dict[str, list[str]]:
    """Property order of every object in the schema, keyed by a frozenset of its properties."""
    orders: dict[frozenset, list[str]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                orders[frozenset(props)] = list(props)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(schema)
    return orders


def _order_for(keys: list[str], orders: dict[frozenset, list[str]]) -> list[str] | None:
    best = None
    for props, order in orders.items():
        if set(keys) <= props and (best is None or len(order) < len(best)):
            best = order
    return best


def _fold(text: str, indent: int) -> FoldedScalarString:
    text = " ".join(text.split())
    folded = FoldedScalarString(text)
    width = WIDTH - indent
    positions, start = [], 0
    while len(text) - start > width:
        cut = text.rfind(" ", start, start + width + 1)
        if cut <= start:
            cut = text.find(" ", start + width)
            if cut == -1:
                break
        positions.append(cut)
        start = cut + 1
    folded.fold_pos = positions
    return folded


def _normalise(node: Any, orders: dict, col: int) -> Any:
    """Canonicalise in place; ``col`` is the column of this mapping's keys."""
    if isinstance(node, CommentedMap):
        order = _order_for([str(k) for k in node], orders)
        if order:
            rank = {k: i for i, k in enumerate(order)}
            current = list(node.keys())
            wanted = sorted(current, key=lambda k: (rank.get(str(k), len(rank)), current.index(k)))
            if wanted != current:
                for k in wanted:  # move_to_end keeps each key's attached comments
                    node.move_to_end(k)
        for key in list(node.keys()):
            value = node[key]
            if isinstance(value, str):
                if key in TEXT_KEYS:
                    one_line = " ".join(value.split())
                    if col + len(str(key)) + 2 + len(one_line) <= WIDTH and _plain_ok(one_line):
                        node[key] = one_line
                    else:
                        node[key] = _fold(value, col + 2)
                else:
                    node[key] = str(value)
            elif isinstance(value, CommentedMap):
                _normalise(value, orders, col + 2)
            elif isinstance(value, CommentedSeq):
                _normalise(value, orders, col + 4)
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            if isinstance(item, (CommentedMap, CommentedSeq)):
                _normalise(item, orders, col)
            elif isinstance(item, str):
                node[i] = str(item)
    return node


def _plain_ok(text: str) -> bool:
    """Text that reads naturally as a plain one-line scalar (otherwise fold it: no quoting needed)."""
    return bool(text) and ": " not in text and " #" not in text and text[0] not in "`'\"&*!|>%@{[-?:,#"


def _canonical_data(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {str(k): _canonical_data(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical_data(v) for v in value]
    if isinstance(value, str) and key in TEXT_KEYS:
        return " ".join(value.split())
    return value


def format_text(text: str, schema: dict) -> str:
    y = _yaml()
    data = y.load(text)
    if not isinstance(data, CommentedMap):
        raise ValueError("not a mapping")
    _normalise(data, _key_orders(schema), 0)
    out = io.StringIO()
    y.dump(data, out)
    result = out.getvalue()
    # Safety net: formatting may re-wrap prose and reorder keys, never change the data.
    before, after = YAML(typ="safe").load(text), YAML(typ="safe").load(result)
    if _canonical_data(before) != _canonical_data(after):
        raise ValueError("formatting would change the data; file left untouched (please report)")
    return result


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def format_catalog(catalog_dir: Path, check: bool = False, paths: list[Path] | None = None) -> int:
    schema = json.loads((catalog_dir / "schema.json").read_text(encoding="utf-8"))
    targets = paths or catalog_files(catalog_dir)
    # A file the schema rejects (an unknown field, a wrong shape) is not rewritten: the canonical
    # layout is defined for valid entries, and moving a mistake around hides it from the writer.
    from .catalog import check_catalog
    from .problems import display
    _, problems = check_catalog(catalog_dir)
    broken = {p.file for p in problems if p.field not in ("(template)",)
              and not p.message.startswith("unfinished")}
    status = 0
    for path in targets:
        if display(path) in broken:
            print(f"{display(path)}: not formatted: it has problems; fix them first (run `xemcat check`)",
                  file=sys.stderr)
            status = 1
            continue
        try:
            text = path.read_text(encoding="utf-8")
            formatted = format_text(text, schema)
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}:1:1: (file): cannot read: {exc}", file=sys.stderr)
            status = 1
            continue
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            print(f"{path}:{line}:{col}: (yaml): cannot format, fix the YAML first: {getattr(exc, 'problem', exc)}",
                  file=sys.stderr)
            status = 1
            continue
        except ValueError as exc:
            print(f"{path}:1:1: (file): {exc}", file=sys.stderr)
            status = 1
            continue
        if formatted != text:
            if check:
                print(f"{path}: not canonical (run `xemcat fmt {path}`)")
                status = 1
            else:
                _write_atomic(path, formatted)
                print(f"formatted {path}")
    return status
