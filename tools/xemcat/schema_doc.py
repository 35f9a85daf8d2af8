"""The field reference of the Contributing page, read from catalog/schema.json (one source)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .vocabulary import resolve_ref


@dataclass(frozen=True)
class FieldDoc:
    """One row of the Contributing page's field reference, read from schema.json."""

    path: str
    required: bool
    kind: str
    description: str
    example: str


def _kind(node: dict, root: dict) -> str:
    node = resolve_ref(node, root)
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    if "anyOf" in node:
        return " or ".join(_kind(b, root) for b in node["anyOf"])
    t = node.get("type")
    if t == "integer" and "minimum" in node:
        return f"integer {node['minimum']}–{node['maximum']}"
    if t == "object":
        props = list(node.get("properties", {}))
        return "mapping" + (f" ({', '.join(props)})" if props else "")
    if t == "array":
        items = node.get("items")
        return "list" + (f", each {_kind(items, root)}" if isinstance(items, dict) else "")
    # Prose and one-line text are the strings whose pattern is the `text` or `line` definition's.
    pattern, defs = node.get("pattern"), root.get("$defs", {})
    if t == "string" and pattern is not None and pattern == defs.get("text", {}).get("pattern"):
        return "text (inline Markdown)"
    if t == "string" and pattern is not None and pattern == defs.get("line", {}).get("pattern"):
        return "one line of plain text"
    if isinstance(t, list):
        return " or ".join(t)
    return t or "value"


def _example(node: dict, root: dict) -> str:
    node = resolve_ref(node, root)
    examples = node.get("examples")
    if not examples:
        return ""
    return json.dumps(examples[0], ensure_ascii=False)


def field_docs(schema: dict, definition: str | None = None) -> list[FieldDoc]:
    """One row per field (nested one level into mappings) of a $defs entry, or of the file."""
    node = resolve_ref({"$ref": f"#/$defs/{definition}"}, schema) if definition else schema
    required = set(node.get("required", []))
    rows = []
    for name, prop in node.get("properties", {}).items():
        full = resolve_ref(prop, schema)
        rows.append(FieldDoc(name, name in required, _kind(prop, schema), full.get("description", ""),
                             _example(prop, schema)))
        if full.get("type") == "object" and "properties" in full and definition:
            sub_required = set(full.get("required", []))
            for sub, sp in full["properties"].items():
                sfull = resolve_ref(sp, schema)
                rows.append(FieldDoc(f"{name}.{sub}", sub in sub_required, _kind(sp, schema),
                                     sfull.get("description", ""), _example(sp, schema)))
    return rows
