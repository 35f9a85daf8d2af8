"""Find the code from what an operator has in hand: an `error.code` value, a JSON envelope, a
raw HTTP response with headers, or a message copied from a log. `xemcat explain -` prints the
answer; the look-up box on the site (docs/assets/xem-lookup.js) follows the same steps in the
browser, reading catalog.json.

Input is untrusted: anything may be pasted. It is capped in size, control characters are
dropped, and nothing from it is ever evaluated; broken JSON is reported, then read leniently.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from .model import Catalog

MAX_INPUT = 256 * 1024  # a response with headers and body is far smaller
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_STATUS_LINE = re.compile(r"^\s*HTTP/\d(?:\.\d)?\s+(\d{3})\b")
_HEADER = re.compile(r"^([A-Za-z0-9-]{1,64}):[ \t]*(.*?)\s*$")
_WORD = re.compile(r"[a-z0-9']+")
_STOP = set("a an and are as at be but by can for from has have in is it its no not of on or that the this to "
            "was with".split())


@dataclass
class Lookup:
    """What a paste says: the code it names (or the closest ones) and the context around it."""

    code: str | None = None
    candidates: list[str] = field(default_factory=list)
    type: str | None = None
    status: int | None = None
    request_id: str | None = None
    retry: dict[str, Any] = field(default_factory=dict)  # retry_after, retry_strategy, Retry-After
    notes: list[str] = field(default_factory=list)


def interpret(text: str, catalog: Catalog, correlation_header: str = "x-request-id") -> Lookup:
    """Read a paste and say which code it is about."""
    found = Lookup()
    if len(text) > MAX_INPUT:
        found.notes.append(f"The paste is larger than {MAX_INPUT // 1024} KiB; paste only the status line, "
                           "headers and body of one response.")
        return found
    text = _CONTROL.sub("", text).strip()
    if not text:
        found.notes.append("Nothing to look up: paste a code, an envelope, a response or a message.")
        return found
    body = _read_headers(text, found, correlation_header.lower())
    error = _read_envelope(body, found)
    if error:
        code = error.get("code")
        found.type = error.get("type") if isinstance(error.get("type"), str) else None
        for key in ("retry_after", "retry_strategy"):
            if key in error:
                found.retry[key] = error[key]
        if isinstance(code, str) and code:
            _name(code, catalog, found)
        elif isinstance(error.get("message"), str):
            _message(error["message"], catalog, found, quiet=True)
        return found
    if re.fullmatch(r"[A-Za-z0-9_.\-]{1,80}", body.strip("`\"' ")):
        _name(body.strip("`\"' "), catalog, found)
    elif body:
        _message(body, catalog, found)
    return found


def _read_headers(text: str, found: Lookup, header: str) -> str:
    """Status line and headers, if the paste is a raw HTTP response; returns the rest."""
    lines = text.splitlines()
    status = _STATUS_LINE.match(lines[0]) if lines else None
    if status:
        found.status = int(status.group(1))
        lines = lines[1:]
    i = 0
    while i < len(lines) and _HEADER.match(lines[i]) and not lines[i].lstrip().startswith("{"):
        name, value = _HEADER.match(lines[i]).groups()
        if name.lower() == header:
            found.request_id = value[:200]
        elif name.lower() == "retry-after":
            found.retry["Retry-After"] = value[:100]
        i += 1
    return "\n".join(lines[i:]).strip()


def _read_envelope(body: str, found: Lookup) -> dict[str, Any] | None:
    """The `error` object of a JSON envelope in the body; broken JSON is read leniently."""
    start, end = body.find("{"), body.rfind("}")
    if start < 0:
        return None
    try:
        data = json.loads(body[start:end + 1] if end > start else body[start:])
    except (ValueError, RecursionError) as exc:
        found.notes.append(f"The JSON could not be read ({getattr(exc, 'msg', 'too deeply nested')}); "
                           "looking for its fields anyway.")
        # A value may be cut off where the paste ends: take what is there.
        data = {"error": {k: m.group(1) for k in ("code", "type", "message")
                          if (m := re.search(rf'"{k}"\s*:\s*"([^"\\]{{1,300}})', body))}}
        if after := re.search(r'"retry_after"\s*:\s*(\d{1,9})', body):
            data["error"]["retry_after"] = int(after.group(1))
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, dict) and error else None


def _name(word: str, catalog: Catalog, found: Lookup) -> None:
    """An `error.code` value, whole or the start of one."""
    word = word.lower()
    if word in catalog.by_code:
        found.code = word
        return
    starting = [c for c in catalog.by_code if c.startswith(word) or f"_{word}" in c]
    if len(starting) == 1:
        found.code = starting[0]
        return
    found.candidates = starting[:8] or difflib.get_close_matches(word, list(catalog.by_code), n=5, cutoff=0.5)
    found.notes.append(f"`{word}` is not a code in the catalog." if not starting else
                       f"{len(starting)} codes match `{word}`.")


def _message(text: str, catalog: Catalog, found: Lookup, quiet: bool = False) -> None:
    """A message: the code whose example message it covers best (names in it may differ)."""
    words = {w for w in _WORD.findall(text.lower()) if w not in _STOP}
    if not words:
        return
    scored = []
    for entry in catalog.codes:
        theirs = {w for w in _WORD.findall(entry.example_message.lower()) if w not in _STOP}
        scored.append((len(words & theirs) / max(len(theirs), 1), entry.code))
    scored.sort(reverse=True)
    if scored[0][0] >= 0.6 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        found.code = scored[0][1]
    else:
        found.candidates = [code for score, code in scored[:3] if score > 0]
        if not quiet:
            found.notes.append("No code's message matches this text closely.")
