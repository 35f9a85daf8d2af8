"""The machine-readable export: catalog.json, a stable contract for tools.

Format version 1 (docs/catalog-json.md describes each field; a test holds the two equal):
  {"version": 1,
   "codes": [{"code", "section", "http": [{"status", "when", "source", "scope"}],
              "retryable": true|false|null, "type": str|null, "description", "action",
              "example_message", "diagnostic": {"command": str|null, "text": str},
              "deprecated": {"since", "replacement", "reason"}|null,
              "removed": {"date", "replacement", "reason"}|null, "former_names": [{"name", "renamed"}],
              "added": str|null, "doc_url", "error_codes_url",
              "troubleshooting_url",
              "retryable_scope", "type_scope"}],
   "envelope_types": [...], "rate_limit": {...}, "correlation_header": {...}, "published": bool}
null means "not documented". Fields are only ever added; a removal bumps "version".
"""

from __future__ import annotations

import json
from typing import Any

from .model import Catalog
from .pages import doc_url
from .view import view

FORMAT_VERSION = 1


def catalog_document(catalog: Catalog, base_url: str, page_urls: dict[str, str],
                     published: bool) -> dict[str, Any]:
    base = base_url if base_url.endswith("/") else base_url + "/"
    error_codes = base + page_urls["error_codes"]
    scope = catalog.scope
    codes = []
    for c in catalog.codes:
        codes.append({
            "code": c.code,
            "section": c.section_id,
            "http": [{"status": h.status, "when": h.when, "source": h.source, "scope": scope(h.source)}
                     for h in c.http],
            "retryable": c.retryable.value if c.retryable.known else None,
            "type": c.type.value if c.type.known else None,
            "description": c.description,
            "action": c.action,
            "example_message": c.example_message,
            "diagnostic": {"command": c.diagnostic.command, "text": c.diagnostic.text},
            "deprecated": ({"since": c.deprecated.since, "replacement": c.deprecated.replacement,
                            "reason": c.deprecated.reason} if c.deprecated else None),
            "removed": ({"date": c.removed.date, "replacement": c.removed.replacement, "reason": c.removed.reason}
                        if c.removed else None),
            "former_names": [{"name": f.name, "renamed": f.renamed} for f in c.former_names],
            "added": c.added,
            "doc_url": doc_url(base, c.code),
            "error_codes_url": f"{error_codes}#{c.code}",
            "troubleshooting_url": f"{base}{page_urls['troubleshooting']}#{c.code}",
            "retryable_scope": scope(c.retryable.source),
            "type_scope": scope(c.type.source),
        })
    rate = catalog.rate_limit_extras
    return {
        "version": FORMAT_VERSION,
        "codes": codes,
        # Added in version 1 for the look-up box: what to do without a code, on a 429, and with
        # the correlation header. Text fields are inline Markdown, like the codes' texts.
        "envelope_types": [{"type": t.type, "http": [{"status": h.status, "when": h.when, "source": h.source}
                                                    for h in t.http],
                            "when_code_missing": t.when_code_missing,
                            "advice_basis": t.advice_basis,
                            "codes": [c.code for c in view(catalog).codes_by_type.get(t.type, ())]}
                           for t in catalog.envelope_types],
        "rate_limit": {"status": rate["status"], "note": rate["note"],
                       "fields": [{"name": f["name"], "meaning": f["meaning"]} for f in rate["fields"]]
                       + [{"name": rate["header"]["name"], "meaning": rate["header"]["meaning"], "header": True}]},
        "correlation_header": {"name": catalog.correlation_header["name"],
                               "advice": catalog.correlation_header["advice"]},
        # False for a local build: its doc_url links point at the writer's machine, not the site.
        "published": published,
    }


def catalog_json(catalog: Catalog, base_url: str, page_urls: dict[str, str], published: bool) -> str:
    return json.dumps(catalog_document(catalog, base_url, page_urls, published), indent=2, ensure_ascii=False) + "\n"
