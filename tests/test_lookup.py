"""The look-up box in Chromium and `xemcat explain -` in the terminal answer the same inputs
(issue 12): a code, a JSON envelope, a raw HTTP response with headers, a message; a missing
`code`; a 429; and hostile input, which is shown as text only."""

from __future__ import annotations

import collections
import contextlib
import json
import subprocess

import pytest

from conftest import LOOKUP_READY, serve, xemcat
from xemcat.text import segments
from xemcat.vocabulary import command_pattern


def envelope(entry, **extra) -> str:
    error = {"message": entry.example_message, "type": entry.type.value, "code": entry.code, "param": None}
    return json.dumps({"error": {**error, **extra}})


def response(entry, status: int | None = None, headers: str = "x-request-id: req_42abc\r\n") -> str:
    """The raw response an operator copies, with the code's documented status unless told."""
    status = status or next((h.status for h in entry.http), 400)
    return f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{headers}\r\n{envelope(entry)}"


# ---------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def box(browser, site):
    with serve(site) as url:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        requested = []
        ctx.route("**/*", lambda r: (requested.append(r.request.url),
                                     r.continue_() if r.request.url.startswith(url) else r.abort()))
        page = ctx.new_page()
        page.goto(url + "/troubleshooting/")
        page.wait_for_selector(LOOKUP_READY)
        yield page
        assert all(u.startswith(url) for u in requested), "the look-up box made a third-party request"
        ctx.close()


def ask(page, text: str) -> dict:
    page.fill("#xem-lookup-input", text)
    page.click(".xem-lookup button[type=submit]")
    return page.evaluate("""() => {
        const r = document.querySelector('.xem-lookup-result');
        return {text: r.innerText, links: [...r.querySelectorAll('a')].map(a => a.getAttribute('href')),
                code: (r.querySelector('.xem-lookup-code strong') || {}).textContent || null,
                command: (r.querySelector('.xem-lookup-cmd code') || {}).textContent || null,
                caveat: (r.querySelector('.xem-cmd-note') || {}).textContent || null,
                tags: [...r.querySelectorAll('*')].map(e => e.tagName.toLowerCase())};
    }""")


def test_every_code_from_its_envelope_shows_action_diagnostic_and_links(box, catalog):
    for entry in catalog.codes:
        got = ask(box, envelope(entry))
        assert got["code"] == entry.code
        assert " ".join(entry.action.replace("`", "").split())[:40] in got["text"]
        if entry.diagnostic.command:
            assert got["command"] == entry.diagnostic.command
            form = next(c for c in catalog.commands if command_pattern(c.form).fullmatch(entry.diagnostic.command))
            # The registry's caveat about the command travels with it (and only a real one).
            caveat = "Caveat: " + "".join(piece for _, piece in segments(form.note)) if form.note else None
            assert (" ".join(got["caveat"].split()) if got["caveat"] else None) == caveat, entry.code
        else:
            assert "no dedicated diagnostic" in got["text"]
        assert f"#{entry.code}" in got["links"][0] and got["links"][1].endswith(f"codes/{entry.code}/")


@pytest.mark.parametrize("kind", ["name", "response", "message", "prefix"])
def test_every_code_from_every_input_kind(box, catalog, kind):
    wrong = {}
    for entry in catalog.codes:
        text = {"name": f"  `{entry.code}` ", "response": response(entry), "message": entry.example_message,
                "prefix": entry.code[:-1]}[kind]
        got = ask(box, text)
        if got["code"] != entry.code and not (kind == "prefix" and entry.code in got["text"]):
            wrong[entry.code] = got["text"][:120]
        if kind == "response":
            assert "x-request-id: req_42abc" in got["text"] and "Quote this value" in got["text"]
    assert wrong == {}


def test_missing_code_gives_the_type_advice_and_its_codes(box, catalog):
    t = next(t for t in catalog.envelope_types if any(c.type.value == t.type for c in catalog.codes))
    got = ask(box, json.dumps({"error": {"message": "refused", "type": t.type, "code": None, "param": None}}))
    assert f"its type is {t.type}" in got["text"]
    for c in (c for c in catalog.codes if c.type.value == t.type):
        assert c.code in got["text"]


def test_a_429_shows_what_retry_after_and_retry_strategy_say_with_the_pasted_values(box, catalog):
    entry = catalog.by_code["rate_limit_exceeded"]
    text = ("HTTP/1.1 429 Too Many Requests\nRetry-After: 17\nx-request-id: abc-123\n\n"
            + envelope(entry, retry_after=17, retry_strategy={"initial_delay_ms": 250, "max_delay_ms": 8000}))
    got = ask(box, text)
    assert "Rate limited (429)" in got["text"]
    assert "retry_after = 17" in got["text"] and '"initial_delay_ms":250' in got["text"]
    assert 'Retry-After = "17"' in got["text"] and "abc-123" in got["text"]


@pytest.mark.parametrize("text, words", [
    ('{"error": {"code": "scope_insuf', "could not be read"),
    ("x" * (1024 * 1024), "larger than 256 KiB"),
    ("zzzz_not_a_code", "not a code"),
])
def test_broken_and_oversized_input_gets_a_plain_message(box, text, words):
    got = ask(box, text)
    assert words in got["text"]


def test_hostile_input_is_shown_only_as_text(box):
    dialogs = []
    box.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    payload = ('HTTP/1.1 400 X\nx-request-id: <img src=x onerror=alert(1)>\n\n{"error": {"code": null, '
               '"type": "<script>alert(2)</script>", "message": "<b onmouseover=alert(3)>hi</b>\\u0000\\u001b[31m"}}')
    got = ask(box, payload)
    allowed = {"p", "strong", "code", "a", "div", "pre", "button", "ul", "li", "bdi"}
    assert set(got["tags"]) <= allowed, got["tags"]
    assert "<img src=x onerror=alert(1)>" in got["text"]  # shown, as text
    box.wait_for_timeout(200)
    assert dialogs == []


def test_without_javascript_the_box_is_a_search_of_the_site(browser, site):
    """Before (or without) its script the box is there, in place, and still does something:
    the plain form opens Troubleshooting with the paste as the site search's query."""
    with serve(site) as url:
        ctx = browser.new_context(java_script_enabled=False)
        page = ctx.new_page()
        page.goto(url + "/")
        assert page.locator(".xem-lookup textarea").is_visible()
        page.fill(".xem-lookup textarea", "scope_insufficient")
        page.click(".xem-lookup button[type=submit]")
        page.wait_for_url("**/troubleshooting/?q=scope_insufficient")
        assert page.locator("table.xem-troubleshooting tbody tr").count() > 20
        ctx.close()


@contextlib.contextmanager
def enter_while_the_index_loads(browser, site):
    """Home with lookup.json held back, "scope_insufficient" typed and Enter pressed; the block
    gets the page and the held request, to let through (`continue_`) or fail (`abort`)."""
    with serve(site) as url:
        ctx = browser.new_context()
        held = []
        ctx.route("**/lookup.json", lambda route: held.append(route))
        page = ctx.new_page()
        page.goto(url + "/")
        while not held:
            page.wait_for_timeout(20)
        page.locator(".xem-lookup textarea").press_sequentially("scope_insufficient")
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
        assert page.url == url + "/" and page.locator(".xem-lookup-result").is_hidden()
        try:
            yield page, held[0]
        finally:
            ctx.close()


def test_enter_before_the_index_arrives_answers_in_place_when_it_does(browser, site):
    """An operator who pastes and presses Enter while lookup.json is still on its way gets the
    answer in place once it arrives, not a site search that takes them off the page."""
    with enter_while_the_index_loads(browser, site) as (page, request):
        home = page.url
        request.continue_()
        assert page.locator(".xem-lookup-code strong").first.text_content() == "scope_insufficient"
        assert page.url == home


def test_enter_before_the_index_fails_to_arrive_searches_the_site(browser, site):
    with enter_while_the_index_loads(browser, site) as (page, request):
        request.abort()
        page.wait_for_url("**/troubleshooting/?q=scope_insufficient")


def test_when_the_index_cannot_load_the_box_searches_the_site(browser, site):
    with serve(site) as url:
        ctx = browser.new_context()
        ctx.route("**/lookup.json", lambda r: r.abort())
        page = ctx.new_page()
        page.goto(url + "/")
        page.locator(".xem-lookup textarea").press_sequentially("scope_insufficient")
        page.keyboard.press("Enter")
        page.wait_for_url("**/troubleshooting/?q=scope_insufficient")
        # Material opens its search with the query from ?q=.
        page.wait_for_selector(".md-search-result__item", timeout=10000)
        assert "scope_insufficient" in page.locator(".md-search__input").input_value()
        ctx.close()


# ---------------------------------------------------------------- terminal


def explain(stdin: bytes, *args: str) -> subprocess.CompletedProcess:
    return xemcat("explain", *(args or ("-",)), stdin=stdin)


@pytest.mark.parametrize("kind", ["name", "envelope", "response", "message"])
def test_explain_reads_every_input_kind(catalog, kind):
    for entry in catalog.codes[::3]:  # every kind in one process each; the browser test covers every code
        text = {"name": entry.code, "envelope": envelope(entry), "response": response(entry),
                "message": entry.example_message}[kind]
        result = explain(text.encode())
        assert result.returncode == 0, result.stderr
        shown = result.stdout
        if kind == "response" and not entry.http:  # the paste's status first: the catalog has none for it
            assert shown.startswith("Your paste says HTTP 400;"), shown
            shown = shown.split("\n", 1)[1]
        assert shown.startswith(entry.code), (kind, entry.code)
        if kind == "response":
            assert "x-request-id: req_42abc" in result.stdout


def test_explain_missing_code_429_and_request_id(catalog):
    out = explain(b'{"error": {"message": "no", "type": "authentication_error", "code": null}}')
    assert out.returncode == 0 and "its type is authentication_error" in out.stdout
    entry = catalog.by_code["rate_limit_exceeded"]
    out = explain(f"HTTP/1.1 429 X\nRetry-After: 9\nx-request-id: r-1\n\n{envelope(entry, retry_after=9)}".encode())
    text = out.stdout
    assert "retry_after = 9" in text and 'Retry-After = "9"' in text and "x-request-id: r-1" in text
    # A pasted value is shown as the operator wrote it: non-ASCII as such, not \u escapes.
    out = explain(envelope(entry, retry_strategy={"politique": "exponentielle, délai ≤ 8 s"}).encode())
    assert '"politique": "exponentielle, délai ≤ 8 s"' in out.stdout, out.stdout


@pytest.mark.parametrize("data, words", [
    (b"\xff\xfe\x00garbage{{{", "No code found"),
    (b"x" * (300 * 1024), "larger than 256 KiB"),
    (b'{"error": {"code": "scope_insuf', "could not be read"),
    (b"<script>alert(1)</script>\x1b[2J", "No code found"),
])
def test_explain_hostile_input_is_a_plain_message(data, words):
    out = explain(data)
    said = (out.stdout + out.stderr)
    assert "Traceback" not in said and words in said
    assert "\x1b" not in said


def test_explain_prefix_shows_the_entry_or_the_candidates():
    one = explain(b"", "scope")
    assert one.returncode == 0 and one.stdout.startswith("scope_insufficient")
    many = explain(b"", "not_found")
    assert many.returncode == 1 and "project_not_found" in many.stderr and "codes match" in many.stderr


def test_enter_looks_up_and_shift_enter_adds_a_line(box):
    box.fill("#xem-lookup-input", "")
    box.locator("#xem-lookup-input").press_sequentially("internal_error")
    box.locator("#xem-lookup-input").press("Shift+Enter")
    assert box.input_value("#xem-lookup-input") == "internal_error\n"
    box.locator("#xem-lookup-input").press("Enter")
    box.wait_for_function("() => !document.querySelector('.xem-lookup-result').hidden")
    assert box.text_content(".xem-lookup-code strong") == "internal_error"
    assert box.input_value("#xem-lookup-input") == "internal_error\n"  # Enter submitted, added nothing


def test_a_deep_link_keeps_its_fragment(browser, site):
    with serve(site) as url:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.goto(url + "/troubleshooting/#invocation_terminal")
        page.wait_for_timeout(800)
        page.mouse.wheel(0, 200)
        page.wait_for_timeout(500)
        assert page.url.endswith("/troubleshooting/#invocation_terminal"), page.url
        ctx.close()


@pytest.mark.parametrize("paste", ["brand_new_code", '{"error": {"code": "brand_new_code", "type": "invalid_request_error"}}',
                                   'HTTP/1.1 400 X\n\n{"error": {"code": "brand_new_code"}}',
                                   '{"error": {"type": "service_unavailable_error", "message": "try later"}}'])
def test_what_the_catalog_does_not_know_gets_one_answer_however_it_is_pasted(box, paste):
    """A code or an envelope type the catalog does not document: say so, keep the request id,
    and where to tell the writers, the same whether the code came bare or in an envelope."""
    got = ask(box, paste)
    assert "Not documented here yet: keep the response's x-request-id header" in got["text"], got["text"]
    assert any(link.endswith("contributing/#adding-or-changing-a-code") for link in got["links"]), got["links"]
    assert ("brand_new_code is not a code in the catalog." in got["text"]) == ("brand_new_code" in paste)
    assert ("Its type service_unavailable_error is not one the catalog documents." in got["text"]) == \
        ("service_unavailable" in paste)


def test_the_size_cap_is_256_kib_of_code_points_exactly(catalog):
    """The cap the Performance page states: 256 Ki code points are read, one more is refused
    (a character outside the BMP counts once)."""
    from xemcat.lookup import index, interpret
    data = index(catalog, {})
    cap = 256 * 1024
    assert not any("larger than" in n for n in interpret("\U0001F600" * cap, data).notes)
    assert interpret("\U0001F600" * (cap + 1), data).notes == [
        "The paste is larger than 256 KiB; paste only the status line, headers and body of one response."]
    # `explain -` reads the same: a paste at the cap of 4-byte characters is answered, not refused.
    at_cap = xemcat("explain", "-", stdin=("\U0001F600" * cap).encode())
    over = xemcat("explain", "-", stdin=("\U0001F600" * (cap + 1)).encode())
    assert "larger than 256 KiB" not in at_cap.stdout + at_cap.stderr
    assert "larger than 256 KiB" in over.stdout + over.stderr


def test_explain_answers_each_kind_of_partial_paste_from_the_catalog(catalog):
    """What `explain` prints when the paste names no single code, each list computed here from
    the catalog: a type (with and without a status), a bare status, a near miss, an unknown code
    (with the way to add it, under a site address without its trailing slash), and a 429 whose
    retry fields are partly missing."""
    from xemcat import phrases
    say = phrases.LOOKUP
    typed = sorted({c.type.value for c in catalog.codes if c.type.value})[0]
    with_type = [c.code for c in catalog.codes if c.type.value == typed]
    out = explain(json.dumps({"error": {"message": "m", "type": typed, "code": None}}).encode()).stdout.splitlines()
    assert out[0] == say["type_without_code"].format(type=typed)
    assert out[1].startswith(f"  {say['what_to_do']} ") and len(out[1]) > len(say["what_to_do"]) + 10
    assert out[2] == f"  {say['type_codes']} " + ", ".join(with_type)
    status = catalog.by_code[with_type[0]].http[0].status
    both = [c for c in with_type if status in {h.status for h in catalog.by_code[c].http}]
    out = explain(f"HTTP/1.1 {status} X\n\n".encode() + json.dumps(
        {"error": {"message": "m", "type": typed, "code": None}}).encode()).stdout.splitlines()
    assert f"  {say['type_status_codes'].format(status=status)} " + ", ".join(both) in out
    common = collections.Counter(h.status for c in catalog.codes for h in c.http).most_common(1)[0][0]
    with_status = [c.code for c in catalog.codes if common in {h.status for h in c.http}]
    out = explain(f"HTTP/1.1 {common} X\n".encode()).stdout.splitlines()
    assert f"{say['status_codes'].format(status=common)} " + ", ".join(with_status) in out and len(with_status) > 1
    near = explain(b"tool_executer_unavailble")
    assert near.returncode == 1 and f"{say['no_single_code']} tool_executor_unavailable" in near.stderr.splitlines()
    unknown = xemcat("explain", "--site-url", "https://docs.example.org/xem", "-",
                     stdin=b'{"error": {"message": "m", "type": "api_error", "code": "brand_new_code"}}')
    unknown = unknown.stdout + unknown.stderr
    assert f"  {say['how_to_add']}: https://docs.example.org/xem/contributing/#adding-or-changing-a-code" in unknown
    entry = catalog.by_code["rate_limit_exceeded"]
    limited = explain(f"HTTP/1.1 429 X\n\n{envelope(entry)}".encode()).stdout
    assert f"retry_after = {say['not_in_paste']}: " in limited and f"Retry-After = {say['not_in_paste']}: " in limited
    limited = explain(f"HTTP/1.1 429 X\n\n{envelope(entry, retry_strategy='x' * 300)}".encode()).stdout
    shown = next(l for l in limited.splitlines() if l.startswith("  retry_strategy = "))
    assert shown.startswith('  retry_strategy = "' + "x" * 199 + ": ")  # as JSON, cut to 200 characters


def test_numbers_in_a_paste_are_read_as_the_box_reads_them(catalog):
    """The box is JavaScript: integers are exact to 15 digits and doubles beyond, a number too
    large for a double is null, and NaN or Infinity make the JSON unreadable (read leniently)."""
    from xemcat.lookup import index, interpret
    data = index(catalog)

    def retry(value: str):
        paste = '{"error": {"message": "m", "type": null, "code": "rate_limit_exceeded", "retry_after": %s}}' % value
        return interpret(paste, data).retry.get("retry_after", "absent")
    assert retry("999999999999999") == 999999999999999 and isinstance(retry("999999999999999"), int)
    assert retry("-999999999999999") == -999999999999999
    assert retry("1234567890123456") == 1234567890123456.0 and isinstance(retry("1234567890123456"), float)
    assert retry("1e400") is None and retry("-1e400") is None and retry("2.5") == 2.5
    for constant in ("NaN", "Infinity", "-Infinity"):
        found = interpret('{"error": {"code": "rate_limit_exceeded", "retry_after": %s}}' % constant, data)
        assert found.code == "rate_limit_exceeded" and "retry_after" not in found.retry, constant


def test_interpreting_what_is_ambiguous_gives_candidates_not_a_guess(catalog):
    """Two codes named in one paste, or a message that fits two codes equally: both are offered,
    none is chosen, and the answer says how many it saw."""
    from xemcat.lookup import index, interpret, words
    data = index(catalog)
    first, second = catalog.codes[0], catalog.codes[1]
    both = interpret(f"saw {first.code} and then {second.code} in the log", data)
    assert both.code is None and both.candidates[:2] == [first.code, second.code]
    assert any("2" in note for note in both.notes), both.notes
    tied = interpret(" ".join(words(first.example_message) + words(second.example_message)), data)
    assert tied.code is None and {first.code, second.code} <= set(tied.candidates)


def test_a_type_that_is_not_text_is_not_reported_as_an_unknown_type(catalog):
    from xemcat.lookup import index, interpret
    data = index(catalog)
    found = interpret(json.dumps({"error": {"message": "?", "type": 7, "code": None}}), data)
    unknown = interpret(json.dumps({"error": {"message": "?", "type": "no_such_type", "code": None}}), data)
    assert unknown.notes and any("no_such_type" in n for n in unknown.notes)  # the wording is the same phrase
    assert not any("7" in n for n in found.notes) and found.type is None


def test_the_look_up_index_carries_the_correlation_header_advice(catalog):
    from xemcat.lookup import index
    header = index(catalog)["correlation_header"]
    assert header["name"] == catalog.correlation_header["name"]
    assert "".join(piece for _, piece in header["advice"]) == \
        "".join(piece for _, piece in segments(catalog.correlation_header["advice"])) != ""
