"""Terminal rendering of one code, in the spirit of `rustc --explain`."""

from __future__ import annotations

import difflib
import json
import re

from .model import Catalog
from .render import http_short, retryable_text, type_text


def _plain(text: str) -> str:
    """Inline Markdown to terminal text: keep backticks, drop link targets and emphasis marks."""
    text = " ".join(text.split())
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    return re.sub(r"(?<![\w`])[*_]{1,2}([^*_`]+)[*_]{1,2}(?![\w`])", r"\1", text)


def explain_code(catalog: Catalog, code: str, site_url: str) -> tuple[str, bool]:
    entry = catalog.by_code.get(code) or catalog.by_code.get(code.lower())
    if entry is None:
        near = difflib.get_close_matches(code.lower(), list(catalog.by_code), n=3, cutoff=0.5)
        near += [c for c in catalog.by_code if code.lower() in c and c not in near][:3]
        msg = f"xemcat: unknown error code `{code}`"
        if near:
            msg += "\nclosest codes: " + ", ".join(near[:5])
        return msg + "\n(run `xemcat explain --list` for all codes)", False
    section = next(s for s in catalog.sections if s.id == entry.section_id)
    base = site_url if site_url.endswith("/") else site_url + "/"
    def scoped(text: str, source: str | None) -> str:
        scope = catalog.scope(source)
        return f"{text} ({scope})" if scope else text
    lines = [
        f"{entry.code}  ({section.title})",
        "",
        _plain(entry.description),
        "",
        "  HTTP        " + (" / ".join(scoped(str(h.status), h.source) for h in entry.http) or http_short(entry.http)),
    ]
    for h in entry.http:
        if h.when:
            lines.append(f"                {h.status}: {_plain(h.when)}")
    lines += [
        f"  Type        {scoped(type_text(entry.type), entry.type.source)}",
        f"  Retryable   {scoped(retryable_text(entry.retryable), entry.retryable.source)}",
        f"  Action      {_plain(entry.action)}",
        f"  Diagnostic  {entry.diagnostic.text}",
        f"  Docs        {base}error-codes/#{entry.code}",
    ]
    if entry.deprecated:
        rep = f"; use {entry.deprecated.replacement}" if entry.deprecated.replacement else ""
        lines.insert(2, f"DEPRECATED since {entry.deprecated.since}{rep}. {_plain(entry.deprecated.reason)}\n")
    return "\n".join(lines), True


def list_codes(catalog: Catalog) -> str:
    width = max(len(c.code) for c in catalog.codes)
    return "\n".join(f"{c.code:<{width}}  {http_short(c.http) if c.http else '-':<9}  "
                     f"{'[deprecated] ' if c.deprecated else ''}{_plain(c.description)}" for c in catalog.codes)


def explain_paste(catalog: Catalog, found, site_url: str) -> tuple[str, bool]:
    """The answer to a paste (see lookup.py) for a terminal; False when no code or type was found."""
    out = list(found.notes)
    types = {t.type: t for t in catalog.envelope_types}
    if found.code:
        out.append(explain_code(catalog, found.code, site_url)[0])
    elif found.type in types:
        t = types[found.type]
        same = [c.code for c in catalog.codes if c.type.value == found.type
                and (found.status is None or not c.http or found.status in [h.status for h in c.http])]
        out += [f"The envelope has no `code`; its type is `{found.type}`.",
                f"  What to do  {_plain(t.when_code_missing)}"
                + (" (General guidance, not from the router's documentation.)" if t.general_advice else ""),
                f"  Codes documented with this type{f' and status {found.status}' if found.status else ''}: "
                + (", ".join(same) or "none")]
    elif found.candidates:
        out.append("No single code matches. Closest codes: " + ", ".join(found.candidates))
    else:
        out.append("No code found in the input (run `xemcat explain --list` for all codes).")
    rate = catalog.rate_limit_extras
    limited = found.status == rate["status"] or found.retry or any(
        h.status == rate["status"] for h in (catalog.by_code[found.code].http if found.code else ()))
    if limited:
        out.append(f"\nRate limited ({rate['status']}): {_plain(rate['note'])}")
        meanings = {f["name"]: f["meaning"] for f in rate["fields"]}
        meanings[rate["header"]["name"]] = rate["header"]["meaning"]
        for name, meaning in meanings.items():
            value = found.retry.get(name)
            shown = json.dumps(value, ensure_ascii=False)[:200] if value is not None else "(not in the input)"
            out.append(f"  {name} = {shown}: {_plain(meaning)}")
    if found.request_id:
        header = catalog.correlation_header
        out.append(f"\n{header['name']}: {found.request_id}\n  Quote this value. {_plain(header['advice'])}")
    return "\n".join(out), bool(found.code or found.type in types)
