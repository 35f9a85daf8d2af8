"""Terminal rendering of one code, in the spirit of `rustc --explain`, and of a look-up's answer.

The values come from the derived view (view.py) and the look-up (lookup.py); the phrases from
phrases.py, which the look-up box shows too.
"""

from __future__ import annotations

import json
from typing import Any

from . import phrases, terminal
from .lookup import Lookup
from .model import Catalog
from .pages import PAGE, doc_url, page_url
from .text import joined, plain
from .view import view



def explain_code(catalog: Catalog, code: str, site_url: str) -> str:
    """One code's entry for a terminal; ``code`` is a code of the catalog."""
    entry = view(catalog).codes[code]
    c = entry.entry
    section = next(s for s in catalog.sections if s.id == c.section_id)
    lines = [f"{c.code}  ({section.title})", "", plain(c.description), "",
             f"  HTTP        {entry.http_label}"]
    lines += [f"                {h.status}: {plain(h.when)}" for h in c.http if h.when]
    lines += [
        f"  Type        {entry.type_label}",
        f"  Retryable   {entry.retryable_label}",
        f"  Action      {plain(c.action)}",
        f"  Diagnostic  {c.diagnostic.text}",
    ]
    if entry.form and entry.form.note:
        lines.append(f"              {phrases.CAVEAT} {plain(entry.form.note)}")
    lines.append(f"  Docs        {doc_url(site_url, c.code)}")
    if c.deprecated:
        rep = f"; use {c.deprecated.replacement}" if c.deprecated.replacement else ""
        lines.insert(2, f"DEPRECATED since {c.deprecated.since}{rep}. {plain(c.deprecated.reason)}\n")
    return "\n".join(lines)


def list_codes(catalog: Catalog) -> str:
    width = max(len(c.code) for c in catalog.codes)
    return "\n".join(f"{c.code:<{width}}  {' / '.join(str(h.status) for h in c.http) or '-':<9}  "
                     f"{'[deprecated] ' if c.deprecated else ''}{plain(c.description)}" for c in catalog.codes)


def explain_paste(catalog: Catalog, found: Lookup, data: dict[str, Any], site_url: str) -> tuple[str, bool]:
    """The answer to a paste (see lookup.py) for a terminal; False when no code or type was found."""
    say = data["phrases"]
    out = [terminal.line(note) for note in found.notes]  # a note may quote the paste: one line, escaped
    if say["report_missing"].format(header=data["correlation_header"]["name"]) in found.notes:
        base = site_url if site_url.endswith("/") else site_url + "/"
        out.append(f"  {say['how_to_add']}: {base}{page_url(PAGE['contributing'].file)}#adding-or-changing-a-code")
    if found.code:
        out.append(explain_code(catalog, found.code, site_url))
    elif found.type:
        advice = next(t for t in data["types"] if t["type"] == found.type)
        listed = say["type_status_codes"].format(status=found.status) if found.status else say["type_codes"]
        out += [say["type_without_code"].format(type=found.type),
                f"  {say['what_to_do']} {joined(advice['advice'])}"
                + (f" ({say['general_guidance']})" if advice["general"] else ""),
                f"  {listed} " + (", ".join(found.type_codes) or say["none"])]
    elif found.status_codes:
        out.append(f"{say['status_codes'].format(status=found.status)} " + ", ".join(found.status_codes))
    elif found.candidates:
        out.append(f"{say['no_single_code']} " + ", ".join(found.candidates))
    else:
        out.append(f"{say['nothing_found']} (run `xemcat explain --list` for all codes)")
    if found.rate_limited:
        rate = data["rate_limit"]
        out.append(f"\n{say['rate_limited'].format(status=rate['status'])} {joined(rate['note'])}")
        for f in rate["fields"]:
            value = found.retry.get(f["name"])
            shown = json.dumps(value, ensure_ascii=False)[:200] if value is not None else say["not_in_paste"]
            out.append(f"  {f['name']} = {shown}: {joined(f['meaning'])}")
    if found.request_id:
        header = data["correlation_header"]
        out.append(f"\n{header['name']}: {found.request_id}\n  {say['quote_request_id']} {joined(header['advice'])}")
    return "\n".join(out), bool(found.code or found.type or found.status_codes)
