"""`xemcat fmt`: rewrite catalog files in one canonical layout, comments kept (ruamel.yaml round trip).

Canonical layout:
  * keys in the order the schema lists them (unknown keys keep their place at the end);
  * 2-space mappings, list items indented 4 with the dash at 2 (`  - code: ...`);
  * prose fields (description, action, note, ...) on one line when `key: text` fits in
    100 columns, otherwise a folded `>-` block wrapped at 100 columns. Whitespace inside prose is
    not significant (the renderer folds it), so re-wrapping never changes the meaning;
  * other strings plain where YAML allows, quoted where it must; `null` spelled out.
A string the catalog's YAML 1.1 reading would take for something else (`on`, `Yes`, `~`,
`10:30`) stays quoted. A mapping that carries comments keeps its key order, so no comment moves
away from the key it is about; the header above a `---` line is kept as it is.
Before anything is written, the result is loaded the way `check` loads it and must give the
same data, with every comment still there; files are replaced atomically, with their mode.
Only regular files under the catalog directory are touched.
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, SingleQuotedScalarString

from .catalog import catalog_files
from .loader import load_text, reads_as_text
from .problems import display
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
        if order and not _has_comments(node):  # reordering would part a comment from its key
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
                    fits = col + len(str(key)) + 2 + len(one_line) <= WIDTH
                    if not one_line:  # only whitespace: kept as written (quoted); `check` says it is empty
                        node[key] = SingleQuotedScalarString(value)
                    elif fits and _plain_ok(one_line) and reads_as_text(one_line):
                        node[key] = one_line
                    else:
                        node[key] = _fold(value, col + 2)
                else:
                    node[key] = _scalar(value)
            elif isinstance(value, CommentedMap):
                _normalise(value, orders, col + 2)
            elif isinstance(value, CommentedSeq):
                _normalise(value, orders, col + 4)
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            if isinstance(item, (CommentedMap, CommentedSeq)):
                _normalise(item, orders, col)
            elif isinstance(item, str):
                node[i] = _scalar(item)
    return node


def _scalar(value: str) -> str:
    """A plain string as it should be written: quoted where YAML 1.1 would read it as another type."""
    return str(value) if reads_as_text(str(value)) else SingleQuotedScalarString(str(value))


def _has_comments(node: CommentedMap) -> bool:
    """Whether the mapping has comment lines of their own (above a key), which ruamel keeps with
    the key before them: reordering would move them away. A comment at the end of a key's line
    moves with its key."""
    ca = node.ca
    if ca.comment and any(ca.comment):
        return True
    for item in ca.items.values():
        for token in item if isinstance(item, list) else [item]:
            value = getattr(token, "value", None)
            if isinstance(value, str) and (not value.startswith("#") or value.rstrip("\n").count("\n")):
                return True
            if isinstance(token, list) and token:
                return True
    return False


def _comments(node: Any) -> list[str]:
    """Every comment line of a ruamel round-trip tree, sorted (a multiset to compare)."""
    seen: set[int] = set()
    lines: list[str] = []

    def take(token: Any) -> None:
        if isinstance(token, list):
            for t in token:
                take(t)
        elif token is not None and hasattr(token, "value") and id(token) not in seen:
            seen.add(id(token))
            lines.extend(part.strip() for part in token.value.splitlines() if part.strip().startswith("#"))

    def walk(n: Any) -> None:
        ca = getattr(n, "ca", None)
        if ca is not None:
            take(ca.comment)
            take(list(ca.items.values()))
            take(getattr(ca, "end", None))
        for child in (n.values() if isinstance(n, dict) else n if isinstance(n, list) else ()):
            walk(child)
    walk(node)
    return sorted(lines)


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


def _header(text: str) -> tuple[str, str]:
    """The part before the document (comments, directives and a `---` line) when the file has a
    `---` line before any content; else nothing. ruamel would drop the comments in it."""
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("---") and stripped[3:4] in ("", " ", "#"):
            return text[: offset + len(line)], text[offset + len(line):]
        if stripped and not stripped.startswith(("#", "%")):
            break
        offset += len(line)
    return "", text


def _data(text: str) -> Any:
    """The data `check` reads from ``text``, with prose whitespace folded as the pages fold it."""
    src, problems = load_text(text, Path("x.yaml"), "x.yaml")
    if src is None or problems:
        raise ValueError("the file does not load cleanly; run `xemcat check`")
    return _canonical_data(src.data)


def format_text(text: str, schema: dict) -> str:
    header, body = _header(text)
    y = _yaml()
    data = y.load(body)
    if not isinstance(data, CommentedMap):
        raise ValueError("not a mapping")
    comments = _comments(data)
    _normalise(data, _key_orders(schema), 0)
    out = io.StringIO()
    y.dump(data, out)
    result = header + out.getvalue()
    # Safety net: formatting may re-wrap prose and reorder keys, never change the data or drop a comment.
    if _data(text) != _data(result) or _comments(_yaml().load(out.getvalue())) != comments:
        raise ValueError("formatting would change the data or lose a comment; file left untouched (please report)")
    return result


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` all at once, keeping its mode; on any failure (a full
    disk) the file is as it was and no temporary file is left."""
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
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
    _, problems = check_catalog(catalog_dir)
    broken = {p.file for p in problems if p.field not in ("(template)",)
              and not p.message.startswith("unfinished")}
    status = 0
    root = catalog_dir.resolve()
    for path in targets:
        if refusal := _not_a_catalog_file(path, root):
            print(f"{display(path)}: not formatted: {refusal}", file=sys.stderr)
            status = 1
            continue
        if display(path) in broken:
            print(f"{display(path)}: not formatted: it has problems; fix them first (run `xemcat check`)",
                  file=sys.stderr)
            status = 1
            continue
        try:
            text = path.read_text(encoding="utf-8")
            formatted = format_text(text, schema)
        except (OSError, UnicodeDecodeError, YAMLError, ValueError) as exc:
            # check_catalog above reports unreadable, non-UTF-8 and invalid YAML files, which are
            # skipped; this is a file changed or removed since, said in one line, not a traceback.
            print(f"{display(path)}: not formatted: {' '.join(str(exc).split())}", file=sys.stderr)
            status = 1
            continue
        if formatted != text:
            if check:
                print(f"{path}: not canonical (run `xemcat fmt {path}`)")
                status = 1
            else:
                try:
                    write_atomic(path, formatted)
                except OSError as exc:
                    print(f"{display(path)}: not formatted: cannot write: {exc.strerror}", file=sys.stderr)
                    status = 1
                    continue
                print(f"formatted {path}")
    return status


def _not_a_catalog_file(path: Path, root: Path) -> str | None:
    """Why ``path`` is not a file `fmt` may rewrite, or None: it must be a regular YAML file
    under the catalog directory (not a FIFO or a device, which would hang or never end, and not
    the workflow or any other file outside the catalog)."""
    try:
        st = path.stat()
    except OSError as exc:
        return f"cannot read it: {exc.strerror}"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    if not path.resolve().is_relative_to(root):
        return f"it is outside the catalog directory ({display(root)})"
    if path.suffix not in (".yaml", ".yml"):
        return "not a .yaml or .yml file"
    return None
