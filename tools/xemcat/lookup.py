"""Find the code from what an operator has in hand: an `error.code` value, a JSON envelope, a
raw HTTP response with headers, or a message copied from a log.

This module is the specification of the look-up. `index(catalog)` computes the look-up index,
which the build publishes as lookup.json; `interpret(text, index)` reads a paste against it.
`xemcat explain -` runs it here; the look-up box (docs/assets/xem-lookup.js) runs the same
steps on the same lookup.json, compiling the same patterns, and shows the same phrases. A
shared file of test vectors (tests/lookup_vectors.json) holds both to identical answers.
Everything the two could do differently is data here: patterns are written in the syntax
Python's `re` and JavaScript's RegExp read alike (no \\s, \\b or named groups; anchored
patterns must match the whole string), whitespace is a list of characters, lengths count code
points, ties keep the catalog's order.

Input is untrusted: anything may be pasted. It is capped in size, control characters are
dropped, no pattern backtracks more than linearly, nothing is evaluated; broken JSON is
reported, then read leniently.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from . import phrases, text
from .model import Catalog, ErrorCode
from .view import CodeView, view

FORMAT_VERSION = 1
MAX_INPUT = 256 * 1024  # code points; a response with headers and body is far smaller
REQUEST_ID_MAX, RETRY_VALUE_MAX, NAME_MAX = 200, 100, 80
PATTERNS = {
    # Dropped from a paste before anything else: controls (C0 but tab and line breaks, DEL, C1),
    # separators, and invisible formatting (bidi controls and isolates, zero-width characters,
    # the soft hyphen, the byte-order mark), which would reorder or hide what is shown.
    "control": "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\xad\\u061c\\u180e\\u200b-\\u200f"
               "\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff]",
    "line_break": "\\r\\n|\\r|\\n",
    "status_line": "^[ \\t]*HTTP/[0-9](?:\\.[0-9])?[ \\t]+([0-9]{3})(?![0-9A-Za-z_])",
    "header": "^([A-Za-z0-9-]{1,64}):[ \\t]*(.*)$",
    "name": "^[A-Za-z0-9_.-]{1,80}$",
    "word": "[a-z0-9']+",
    # A code as it may be written anywhere in a paste (`code=X`, `'code': 'X'`, X-Y, X in a
    # URL or a stack trace), matched after lower-casing, with `-` read as `_`.
    "token": "[a-z0-9]+(?:[_-][a-z0-9]+)*",
    "status": "^[1-5][0-9][0-9]$",
    # A field of an envelope whose JSON is broken (KEY is replaced by the field's name); a value
    # may be cut off where the paste ends: take what is there.
    "lenient_field": '"KEY"[ \\t\\r\\n]*:[ \\t\\r\\n]*"([^"\\\\]{1,300})',
    "lenient_retry_after": '"retry_after"[ \\t\\r\\n]*:[ \\t\\r\\n]*([0-9]{1,9})',
}
# What trimming removes at both ends (JavaScript's trim() and Python's strip() differ).
WHITESPACE = "\t\n\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufeff"
QUOTES = "`\"' "  # stripped around a bare code
STOP_WORDS = tuple(sorted("a an and are as at be but by can for from has have in is it its no not of on or that the "
                          "this to was with".split()))
LENIENT_FIELDS = ("code", "type", "message")
RETRY_FIELDS = ("retry_after", "retry_strategy")
CLOSEST_MIN, CLOSEST_MAX, PREFIX_MAX = 0.4, 5, 8
MESSAGE_MIN, MESSAGE_MAX = 0.6, 3

_RE = {name: re.compile(p) for name, p in PATTERNS.items() if name != "lenient_field"}


def words(message: str) -> list[str]:
    """The words of a text that the look-up compares: lower case, stop words left out."""
    return [w for w in _RE["word"].findall(message.lower()) if w not in STOP_WORDS]


def index(catalog: Catalog, page_urls: dict[str, str] | None = None) -> dict[str, Any]:
    """The look-up index, published as lookup.json: everything the look-up reads and shows.
    ``page_urls`` gives the pages' URLs from the site root (for the box's links)."""
    v = view(catalog)
    rate = catalog.rate_limit_extras
    return {
        "version": FORMAT_VERSION,
        "max_input": MAX_INPUT,
        "patterns": PATTERNS,
        "whitespace": WHITESPACE,
        "quotes": QUOTES,
        "stop_words": list(STOP_WORDS),
        # Prose is given as pieces (text.segments): the box shows a code piece as code.
        "correlation_header": {"name": catalog.correlation_header["name"],
                               "advice": text.segments(catalog.correlation_header["advice"])},
        "rate_limit": {"status": rate["status"], "note": text.segments(rate["note"]),
                       "fields": [{"name": f["name"], "meaning": text.segments(f["meaning"])} for f in rate["fields"]]
                       + [{"name": rate["header"]["name"], "meaning": text.segments(rate["header"]["meaning"])}]},
        "codes": [_code_entry(c, v.codes[c.code]) for c in catalog.codes],
        # A former name reads as the code it became (catalog `former_names`).
        "renamed": {f.name: {"code": c.code, "date": f.renamed} for c in catalog.codes for f in c.former_names},
        "types": [{"type": t.type, "advice": text.segments(t.when_code_missing), "general": t.general_advice}
                  for t in catalog.envelope_types],
        "pages": dict(page_urls or {}),
        "phrases": {**phrases.LOOKUP, "general_guidance": phrases.GENERAL_GUIDANCE, "caveat": phrases.CAVEAT},
    }


def _code_entry(c: ErrorCode, shown: CodeView) -> dict[str, Any]:
    """A code in the look-up index: what matching reads, and what the answer shows."""
    return {
        "code": c.code,
        "words": list(dict.fromkeys(words(c.example_message))),
        "statuses": list(dict.fromkeys(h.status for h in c.http)),
        "type": c.type.value if c.type.known else None,
        "facts": shown.facts_line,
        "description": text.segments(c.description),
        "action": text.segments(c.action),
        "command": c.diagnostic.command,
        "caveat": text.segments(shown.form.note) if shown.form and shown.form.note else None,
        "diagnostic": text.segments(c.diagnostic.text),
        "removed": {"date": c.removed.date, "replacement": c.removed.replacement} if c.removed else None,
    }


@dataclass
class Lookup:
    """What a paste says: the code it names (or the closest ones) and the context around it.
    The same fields, under the same names, are what the look-up box computes."""

    code: str | None = None
    candidates: list[str] = field(default_factory=list)
    type: str | None = None  # the envelope's type, when it is one the catalog lists
    type_codes: list[str] = field(default_factory=list)  # with no code: the codes of that type (and status)
    status: int | None = None
    request_id: str | None = None
    retry: dict[str, Any] = field(default_factory=dict)  # retry_after, retry_strategy, Retry-After
    rate_limited: bool = False
    status_codes: list[str] = field(default_factory=list)  # a bare status: the codes documented with it
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _say(data: dict[str, Any], key: str, **values: Any) -> str:
    return data["phrases"][key].format(**values)


def _trim(value: str, chars: str) -> str:
    return value.strip(chars)


def interpret(pasted: str, data: dict[str, Any]) -> Lookup:
    """Read a paste against the look-up index ``data`` and say which code it is about."""
    found = Lookup()
    if len(pasted) > data["max_input"]:
        found.notes.append(_say(data, "too_large", kib=data["max_input"] // 1024))
        return found
    pasted = _trim(_RE["control"].sub("", pasted), data["whitespace"])
    if not pasted:
        found.notes.append(_say(data, "empty"))
        return found
    body = _read_headers(pasted, found, data)
    error = _read_envelope(body, found, data)
    codes = {c["code"]: c for c in data["codes"]}
    if error is not None:
        code = error.get("code")
        envelope_type = error.get("type") if isinstance(error.get("type"), str) else None
        found.retry.update({k: error[k] for k in RETRY_FIELDS if k in error})
        if isinstance(code, str) and code:
            _name(code, data, found)
        elif isinstance(error.get("message"), str):
            _message(error["message"], data, found, quiet=True)
        if found.code is None and any(t["type"] == envelope_type for t in data["types"]):
            found.type = envelope_type
            found.type_codes = [c["code"] for c in data["codes"] if c["type"] == envelope_type and (
                found.status is None or not c["statuses"] or found.status in c["statuses"])]
        elif found.code is None and envelope_type:
            found.notes.append(_say(data, "unknown_type", type=envelope_type))
            _report_missing(data, found)
    else:
        token = _trim(body, data["quotes"])
        if _RE["status"].fullmatch(token) or (not token and found.status is not None):
            _status(int(token) if token else found.status, data, found)
        elif _named_in(pasted, data, found):  # the whole paste: a URL line reads like a header
            pass
        elif _RE["name"].fullmatch(token):
            _name(token, data, found)
        elif body:
            _message(body, data, found)
    if found.code is not None and found.status is not None:
        _pasted_status(found.status, codes[found.code]["statuses"], data, found)
    if found.code is not None and codes[found.code]["removed"]:
        _removed(found.code, codes[found.code]["removed"], data, found)
    rate = data["rate_limit"]["status"]
    found.rate_limited = bool(found.status == rate or found.retry
                              or (found.code and rate in codes[found.code]["statuses"]))
    return found


def _cut(value: str, n: int) -> str:
    return value[:n]


def _read_headers(pasted: str, found: Lookup, data: dict[str, Any]) -> str:
    """Status line and headers, if the paste is a raw HTTP response; returns the rest."""
    lines = _RE["line_break"].split(pasted)
    status = _RE["status_line"].match(lines[0])
    if status:
        found.status = int(status.group(1))
        lines = lines[1:]
    header = data["correlation_header"]["name"].lower()
    i = 0
    while i < len(lines) and (m := _RE["header"].fullmatch(lines[i])):
        name, value = m.group(1).lower(), _trim(m.group(2), data["whitespace"])
        if name == header:
            found.request_id = _cut(value, REQUEST_ID_MAX)
        elif name == "retry-after":
            found.retry["Retry-After"] = _cut(value, RETRY_VALUE_MAX)
        i += 1
    return _trim("\n".join(lines[i:]), data["whitespace"])


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")  # Python reads NaN and Infinity; JSON (and the box) do not


def _float(text: str) -> float | None:
    """A JSON number as the box's JavaScript reads it: a double; one too large is null there."""
    value = float(text)
    return value if math.isfinite(value) else None


def _int(text: str) -> int | float | None:
    """An integer as JavaScript reads it: exact up to 15 digits, else the nearest double."""
    return int(text) if len(text.lstrip("-")) <= 15 else _float(text)


def _read_envelope(body: str, found: Lookup, data: dict[str, Any]) -> dict[str, Any] | None:
    """The `error` object of a JSON envelope in the body; broken JSON is read leniently."""
    start, end = body.find("{"), body.rfind("}")
    if start < 0:
        return None
    try:
        parsed = json.loads(body[start:end + 1] if end > start else body[start:], parse_constant=_no_constant,
                            parse_float=_float, parse_int=_int)
    except (ValueError, RecursionError):
        found.notes.append(_say(data, "bad_json"))
        parsed = {"error": {}}
        for key in LENIENT_FIELDS:
            if m := re.search(data["patterns"]["lenient_field"].replace("KEY", key), body):
                parsed["error"][key] = m.group(1)
        if after := _RE["lenient_retry_after"].search(body):
            parsed["error"]["retry_after"] = int(after.group(1))
    error = parsed.get("error") if isinstance(parsed, dict) else None
    return error if isinstance(error, dict) and error else None


def _spelled(word: str) -> str:
    """A code as the catalog spells it: lower case, `_` where a writer may put `-`."""
    return word.lower().replace("-", "_")


def _named_in(text: str, data: dict[str, Any], found: Lookup) -> bool:
    """Codes of the catalog written anywhere in the text. One: that is the answer. Several: the
    candidates, in the order they appear. An exact code beats any message similarity."""
    names = {c["code"] for c in data["codes"]} | set(data["renamed"])
    named = list(dict.fromkeys(_current(t, data, found) for t in map(_spelled, _RE["token"].findall(text.lower()))
                               if t in names))
    if len(named) == 1:
        found.code = named[0]
    elif named:
        found.candidates = named[:PREFIX_MAX]
        found.notes.append(_say(data, "several_named", count=len(named)))
    return bool(named)


def _status(status: int, data: dict[str, Any], found: Lookup) -> None:
    """A bare HTTP status: the codes documented with it."""
    found.status = status
    found.status_codes = [c["code"] for c in data["codes"] if status in c["statuses"]]
    if not found.status_codes:  # say so, rather than "no code found" alone
        found.notes.append(_say(data, "no_status_codes", status=status, header=data["correlation_header"]["name"]))


def _name(word: str, data: dict[str, Any], found: Lookup) -> None:
    """An `error.code` value, whole or the start of one."""
    word = _spelled(word)
    names = [c["code"] for c in data["codes"]]
    if word in names or word in data["renamed"]:
        found.code = _current(word, data, found)
        return
    starting = [n for n in names if n.startswith(word) or f"_{word}" in n]
    if len(starting) == 1:
        found.code = starting[0]
        return
    found.candidates = starting[:PREFIX_MAX] or _closest(word, names)
    if starting:
        found.notes.append(_say(data, "several_codes", count=len(starting), word=word))
    else:
        found.notes.append(_say(data, "unknown_code", word=word))
        _report_missing(data, found)


def _current(name: str, data: dict[str, Any], found: Lookup) -> str:
    """A code's name today: a former name reads as the code it became, and the answer says so."""
    renamed = data["renamed"].get(name)
    if renamed is None:
        return name
    note = _say(data, "renamed", old=name, code=renamed["code"], date=renamed["date"])
    if note not in found.notes:
        found.notes.append(note)
    return renamed["code"]


def _removed(code: str, removed: dict[str, Any], data: dict[str, Any], found: Lookup) -> None:
    """A tombstoned code: when it was removed and what clients receive instead."""
    if removed["replacement"]:
        found.notes.append(_say(data, "removed_replaced", code=code, date=removed["date"],
                                replacement=removed["replacement"]))
    else:
        found.notes.append(_say(data, "removed_code", code=code, date=removed["date"]))


def _pasted_status(status: int, documented: list[int], data: dict[str, Any], found: Lookup) -> None:
    """The paste's own status beside the code's documented ones, when they are not the same:
    the answer shows what the operator got without contradicting it or the catalog."""
    if not documented:
        found.notes.append(_say(data, "status_undocumented", status=status))
    elif status not in documented:
        found.notes.append(_say(data, "status_differs", status=status,
                                documented=" / ".join(str(s) for s in documented)))


def _report_missing(data: dict[str, Any], found: Lookup) -> None:
    """A code or a type the catalog does not know: the same next step, however it was pasted."""
    note = _say(data, "report_missing", header=data["correlation_header"]["name"])
    if note not in found.notes:
        found.notes.append(note)


def _pairs(word: str) -> set[str]:
    return {word[i:i + 2] for i in range(len(word) - 1)}


def _closest(word: str, names: list[str]) -> list[str]:
    """Codes sharing most letter pairs with the word (Dice's coefficient): a forgiving "did you
    mean". Ties keep the catalog's order."""
    mine = _pairs(word)
    scored = []
    for name in names:
        theirs = _pairs(name)
        total = len(mine) + len(theirs)
        scored.append((2 * len(mine & theirs) / total if total else 0, name))
    ranked = sorted((s for s in scored if s[0] >= CLOSEST_MIN), key=lambda s: -s[0])
    return [name for _, name in ranked[:CLOSEST_MAX]]


def _message(message: str, data: dict[str, Any], found: Lookup, quiet: bool = False) -> None:
    """A message: the code whose example message it covers best (names in it may differ)."""
    mine = set(words(message))
    if not mine:
        return
    scored = [(sum(w in mine for w in c["words"]) / max(len(c["words"]), 1), c["code"]) for c in data["codes"]]
    ranked = sorted(scored, key=lambda s: -s[0])
    if ranked[0][0] >= MESSAGE_MIN and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
        found.code = ranked[0][1]
    else:
        found.candidates = [code for score, code in ranked[:MESSAGE_MAX] if score > 0]
        if not quiet:
            found.notes.append(_say(data, "no_message_match"))
