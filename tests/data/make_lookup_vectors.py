"""Writes tests/data/lookup_vectors.json: the inputs both look-ups (`xemcat explain -` and the
look-up box) must answer identically. Run it again after the catalog changes codes:

    .venv/bin/python tests/data/make_lookup_vectors.py

Each vector is {"kind", "input", "expect"}; "expect" states what the input itself names (the
code an envelope or a bare name carries, the type of a code-less envelope), never what the
look-up happened to answer, and is null where only agreement is asserted (typos, fragments,
hostile text)."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from xemcat.catalog import load_catalog  # noqa: E402


def main() -> None:
    catalog = load_catalog(ROOT / "catalog")
    rnd = random.Random(18)
    vectors: list[dict] = []

    def add(kind: str, text: str, expect: dict | None = None) -> None:
        vectors.append({"kind": kind, "input": text, "expect": expect})

    for c in catalog.codes:
        add("code", c.code, {"code": c.code})
        add("code quoted", f"  `{c.code}` ", {"code": c.code})
        add("code upper case", c.code.upper(), {"code": c.code})
        i = rnd.randrange(1, len(c.code) - 1)
        add("typo: letter dropped", c.code[:i] + c.code[i + 1:])
        j = rnd.randrange(0, len(c.code) - 1)
        add("typo: letters swapped", c.code[:j] + c.code[j + 1] + c.code[j] + c.code[j + 2:])
        add("prefix", c.code[: max(3, len(c.code) // 2)])
        error = {"message": c.example_message, "type": c.type.value, "code": c.code, "param": c.example_param}
        add("envelope", json.dumps({"error": error}), {"code": c.code})
        add("envelope compact", json.dumps({"error": error}, separators=(",", ":")), {"code": c.code})
        add("message", c.example_message, {"code": c.code})  # each example message names its own code
        words = c.example_message.split()
        add("message fragment", " ".join(words[: max(2, len(words) // 2)]))
        # Fragments of what operators hold (issue 21): the code is right there, in any spelling.
        add("fragment: JSON pair", f'"code": "{c.code}"', {"code": c.code})
        add("fragment: key=value", f"level=error code={c.code} request_id=abc", {"code": c.code})
        add("fragment: Python repr", f"{{'error': {{'code': '{c.code}', 'type': None}}}}", {"code": c.code})
        add("fragment: upper case, hyphens", c.code.upper().replace("_", "-"), {"code": c.code})
        add("fragment: URL", f"https://docs.example/errors/{c.code}?ref=log", {"code": c.code})
    statuses = [400, 401, 403, 404, 409, 429, 500, 503]
    for c in catalog.codes[::2]:
        status = c.http[0].status if c.http else rnd.choice(statuses)
        body = json.dumps({"error": {"message": c.example_message, "type": c.type.value, "code": c.code}})
        add("raw response", f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nx-request-id: req_{c.code[:6]}\r\n"
                            f"\r\n{body}", {"code": c.code})
        add("raw response HTTP/2, header case", f"HTTP/2 {status}\nX-Request-Id: r-{rnd.randrange(10**6)}\n"
                                                f"retry-after: 3\n\n{body}", {"code": c.code})
    # A status the paste states beside the code's documented ones (issue 21: say what the paste
    # says, never contradict it): a documented one, another one, and one for a code with none.
    for c in catalog.codes:
        documented = [h.status for h in c.http]
        other = next(s for s in statuses if s not in documented)
        for status in (documented[:1] + [other]):
            body = json.dumps({"error": {"message": c.example_message, "type": c.type.value, "code": c.code}})
            add("raw response, pasted status", f"HTTP/1.1 {status} X\n\n{body}", {"code": c.code, "pasted_status": status})
    for status in sorted({h.status for c in catalog.codes for h in c.http}) + [418]:
        add("bare status", str(status), {"status": status})
        add("status line only", f"HTTP/1.1 {status} X\n\n", {"status": status})
    for t in catalog.envelope_types:
        add("no code, known type", json.dumps({"error": {"message": "refused", "type": t.type, "code": None}}),
            {"type": t.type})
        for h in t.http[:1]:
            add("no code, known type, status", f"HTTP/1.1 {h.status} X\n\n"
                + json.dumps({"error": {"message": "x", "type": t.type}}), {"type": t.type})
    rate = catalog.by_code.get("rate_limit_exceeded")
    if rate:
        add("429 with retry fields", "HTTP/1.1 429 Too Many Requests\nRetry-After: 17\nx-request-id: abc-123\n\n"
            + json.dumps({"error": {"message": "slow down", "type": rate.type.value, "code": rate.code,
                                    "retry_after": 17, "retry_strategy": {"initial_delay_ms": 250}}}),
            {"code": rate.code})
    for text in [
        '{"error": {"code": "scope_insuf', '{"error": {"code": "model_not_found", "type": "invalid_request',
        '{"error": {"message": "The tool name does not resolve", ', '{"error": {"code": "x", "retry_after": 30,',
        '{"error": {"code": NaN}}', '{"error": {"code": Infinity}}', '{"error": [1, 2, 3]}', '[{"error": {"code": "x"}}]',
        '{"error": {}}', '{"error": null}', '{"error": "internal_error"}', '{"error": {"code": 42}}',
        '{"error": {"code": ""}}', '{"error": {"code": "", "message": "The router hit an unexpected error."}}',
        '{"error": {"type": "service_unavailable_error", "message": "try later"}}', "{}", "{", "}{",
        '{"error": {"code": "scope_insufficient"}} trailing words', '{"a": 1} {"error": {"code": "internal_error"}}',
        '{"error": {"code": "ModelNotFound"}}', '{"error": {"code": "model-not-found"}}',
        '{"error": {"code": "x", "retry_after": 1e400}}', '{"error": {"code": "x", "retry_after": -0}}',
        '{"error": {"code": "x", "retry_after": 123456789012345678901234567890}}',
        '{"error": {"code": "x", "retry_after": ' + "9" * 5000 + '}}', '{"error": {"code": "x", "retry_after": 0.1}}',
        '{"error": {"code": "x", "retry_strategy": {"__proto__": {"a": 1}, "constructor": 2}}}',
    ]:
        add("broken or odd JSON", text)
    for text in [
        "", "   ", "\n\n\t", "\ufeff", "\ufeffinternal_error", "internal_error\u00a0", "\u200binternal_error",
        "not_a_code_at_all", "zzzz", "a", "_", "error", "not_found", "exceeded", "404", "HTTP/1.1 404 Not Found",
        "HTTP/1.1 503 Service Unavailable\n\n", "HTTP/2 429\nretry-after: 2", "x-request-id: abc\n\nhello",
        "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "\x1b]0;title\x07\x1b[2Jinternal_error",
        "\u202einternal_error", "x-request-id: a\u202eb\n\n{\"error\": {\"code\": \"internal_error\"}}",
        "the the the of of", "' OR 1=1 --", "$(rm -rf /)", "`rm -rf /`", "😀 model not found 😀", "𝓂𝑜𝒹𝑒𝓁_not_found",
        "İNTERNAL_ERROR", "model not found", "rate limit exceeded, retry later", "context length exceeded for this model",
        "x" * 300, "Authorization: Bearer abc\nx-request-id: q\n\n" + "{" * 50, "a: b\n" * 40 + "internal_error",
        "x-request-id: " + "r" * 500 + "\n\n{\"error\": {\"code\": \"internal_error\"}}",
        "retry-after: " + "9" * 300 + "\n\n{}", "x-request-id: " + "\U0001F600" * 250 + "\n\ninternal_error",
        "retry-after: " + "\U0001F600" * 150 + "\n\n{}", "HTTP/1.1 4290 X\n\nfoo", "HTTP/9 200\n\ncapacity_exceeded",
        "Error: 400 {'error': {'code': 'invalid_body'}}", "code=invalid_body", '"code": "invalid_body"',
        "error.code: invalid_body", "ERR invalid-body", "invalid_body.", "invalid_body\r\n", "\r\rinvalid_body",
        "x-request-id:\tabc\t\n\n{\"error\": {\"code\": \"invalid_body\"}}", "[" * 500 + "]" * 500,
    ]:
        add("edge or hostile", text)
    # Long inputs are stored as {"repeat": TEXT, "times": N} and expanded by the tests.
    for piece, times in (("x", 256 * 1024), ("x", 256 * 1024 + 1), ("\U0001F600", 256 * 1024),
                         ("\U0001F600", 256 * 1024 + 1), ("HTTP/1.1 429 X\nretry-after: " + " " * 50, 2000)):
        vectors.append({"kind": "long", "input": {"repeat": piece, "times": times}, "expect": None})
    out = Path(__file__).with_name("lookup_vectors.json")
    out.write_text(json.dumps(vectors, ensure_ascii=True, indent=0) + "\n", encoding="utf-8")
    print(f"{len(vectors)} vectors written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
