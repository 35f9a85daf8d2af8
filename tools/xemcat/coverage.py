"""What the catalog does not document yet: for each fact kind, the codes that still lack a
documented value. `xemcat coverage` prints it and the Contributing page lists it, so filling
the catalog in is visible work rather than a guess (a fact nobody stated stays unknown)."""

from __future__ import annotations

import json
from typing import Any

from .model import Catalog

# Fact kind -> (what the pages call it, whether a code has it documented).
FACTS = {
    "http": ("HTTP status", lambda c: bool(c.http)),
    "type": ("envelope type", lambda c: c.type.known),
    "retryable": ("retry behaviour", lambda c: c.retryable.known),
}


def coverage(catalog: Catalog) -> dict[str, Any]:
    """Per fact kind: how many codes document it, and which do not."""
    codes = catalog.codes
    return {
        "codes": len(codes),
        "facts": {kind: {"label": label, "documented": sum(map(known, codes)),
                         "missing": [c.code for c in codes if not known(c)]}
                  for kind, (label, known) in FACTS.items()},
    }


def format_coverage(report: dict[str, Any], fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(report, indent=2)
    lines = [f"{report['codes']} codes in the catalog"]
    for fact in report["facts"].values():
        lines.append(f"\n{fact['label']}: documented for {fact['documented']}, missing for {len(fact['missing'])}")
        lines += [f"  {code}" for code in fact["missing"]]
    return "\n".join(lines)
