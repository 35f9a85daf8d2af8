"""What an operator pastes into the look-up box, and what they must get back (issue 21).

Each row of SCENARIOS is a situation from an incident: what the operator holds, pasted as is,
starting at Home, on a desktop and a phone. The expected answer is taken from the catalog (the
code a paste names, the codes documented with a status), never from the look-up's own output.
"""

from __future__ import annotations

import json

import pytest

from conftest import LOOKUP_READY, open_page

RATE = "rate_limit_exceeded"
SCOPE = "scope_insufficient"
CONTEXT = "context_length_exceeded"

# (situation, paste, expected): expected is ("code", CODE) for the code's whole entry,
# ("status", N) for the codes documented with HTTP N, or ("unknown", WORD) for the honest answer.
SCENARIOS = [
    ("bare code from a dashboard", SCOPE, ("code", SCOPE)),
    ("code in backquotes from chat", f"`{SCOPE}`", ("code", SCOPE)),
    ("whole envelope", json.dumps({"error": {"message": "x", "type": "permission_error", "code": SCOPE}}),
     ("code", SCOPE)),
    ("JSON fragment without braces", f'"code": "{CONTEXT}"', ("code", CONTEXT)),
    ("key=value log line", f"ts=2026-11-30T03:12:09Z level=error code={RATE} req=abc", ("code", RATE)),
    ("key: value log line", f"error.code: {SCOPE}", ("code", SCOPE)),
    ("Python dict repr from a traceback",
     f"openai.BadRequestError: Error code: 400 - {{'error': {{'code': '{CONTEXT}', 'param': None}}}}",
     ("code", CONTEXT)),
    ("JavaScript object from a console", f"{{ error: {{ code: '{RATE}', type: 'rate_limit_error' }} }}",
     ("code", RATE)),
    ("upper case with hyphens from a ticket title", SCOPE.upper().replace("_", "-"), ("code", SCOPE)),
    ("URL from a log", f"GET https://docs.example/errors/{RATE}?src=router", ("code", RATE)),
    ("raw HTTP response with headers",
     "HTTP/2 429\r\nx-request-id: req_7f3\r\nretry-after: 3\r\n\r\n"
     + json.dumps({"error": {"message": "slow down", "type": "rate_limit_error", "code": RATE}}), ("code", RATE)),
    ("stack trace line", f"  File \"client.py\", line 88, in call\nXemError: {CONTEXT}: prompt too long",
     ("code", CONTEXT)),
    ("a bare status from a graph", "404", ("status", 404)),
    ("a status line only", "HTTP/1.1 429 Too Many Requests", ("status", 429)),
    ("a status nobody documents", "418", ("status", 418)),
    ("a code the catalog does not have", json.dumps({"error": {"code": "brand_new_code"}}),
     ("unknown", "brand_new_code")),
    ("a type the catalog does not have",
     'HTTP/1.1 503 X\n\n{"error": {"type": "service_unavailable_error", "message": "try later"}}',
     ("unknown", "service_unavailable_error")),
]


@pytest.fixture(scope="module", params=[(1280, 900), (375, 800)], ids=["desktop", "phone"])
def home(request, browser, site):
    width, height = request.param
    with open_page(browser, site, "/", width=width, height=height, ready=LOOKUP_READY) as page:
        yield page


def ask(page, paste: str) -> dict:
    page.fill("#xem-lookup-input", paste)
    page.locator("#xem-lookup-input").press("Enter")  # one step: paste, Enter
    page.wait_for_function("() => !document.querySelector('.xem-lookup-result').hidden")
    return page.evaluate("""() => {
        const r = document.querySelector('.xem-lookup-result'), top = r.getBoundingClientRect().top;
        return {text: r.innerText, top, vh: innerHeight,
                code: (r.querySelector('.xem-lookup-code strong') || {}).textContent || null,
                links: [...r.querySelectorAll('a')].map(a => a.getAttribute('href'))};
    }""")


@pytest.mark.parametrize("situation, paste, expected", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_each_paste_lands_on_its_answer_in_one_step(home, catalog, situation, paste, expected):
    home.evaluate("window.scrollTo(0, 0)")
    got = ask(home, paste)
    assert got["top"] < got["vh"], "the answer starts below the first screen"
    kind, value = expected
    if kind == "code":
        entry = catalog.by_code[value]
        assert got["code"] == value, (situation, got["text"][:200])
        # The whole row: the action, the diagnostic (or the honest "none"), the row's permalink.
        assert entry.action.split("`")[0].strip()[:30] in got["text"]
        assert (entry.diagnostic.command or "no dedicated diagnostic") in got["text"]
        assert any(h.endswith(f"troubleshooting/#{value}") for h in got["links"]), got["links"]
    elif kind == "status":
        documented = [c.code for c in catalog.codes if value in [h.status for h in c.http]]
        assert got["code"] is None
        for code in documented:
            assert any(h.endswith(f"#{code}") for h in got["links"]), (value, code)
        if not documented:
            assert f"No code is documented with HTTP {value}" in got["text"]
    else:
        assert got["code"] is None and value in got["text"]
        assert "Not documented here yet" in got["text"] and "x-request-id" in got["text"]
        assert any(h.endswith("contributing/#adding-or-changing-a-code") for h in got["links"])
