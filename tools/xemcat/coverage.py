"""What the catalog does not document yet: for each fact kind, the codes that still lack a
documented value. `xemcat coverage` prints it and the Contributing page lists it, so filling
the catalog in is visible work rather than a guess (a fact nobody stated stays unknown)."""

from __future__ import annotations

import json
from typing import Any

from .model import Catalog
from .phrases import FACT_NAMES


def coverage(catalog: Catalog) -> dict[str, Any]:
    """Per fact kind: how many codes document it, and which do not."""
    codes = catalog.codes
    return {
        "codes": len(codes),
        "facts": {kind: {"label": label, "documented": sum(c.documented[kind] for c in codes),
                         "missing": [c.code for c in codes if not c.documented[kind]]}
                  for kind, label in FACT_NAMES.items()},
    }


def format_coverage(report: dict[str, Any], fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(report, indent=2)
    lines = [f"{report['codes']} codes in the catalog"]
    for fact in report["facts"].values():
        lines.append(f"\n{fact['label']}: documented for {fact['documented']}, missing for {len(fact['missing'])}")
        lines += [f"  {code}" for code in fact["missing"]]
    return "\n".join(lines)
