"""Search lands on codes (issue 12), measured in Chromium for every code of the catalog:
its name, a phrase of its example message and each documented HTTP status find it; the
correlation-header advice is what `x-request-id` and `request id` find."""

from __future__ import annotations

import html
import re
from urllib.parse import urlparse

import pytest

from conftest import open_page


@pytest.fixture(scope="module")
def search_page(browser, site):
    with open_page(browser, site) as page:
        yield page


def hits(page, query: str) -> list[str]:
    """The fragments the search results land on, best first (page-level rows left out)."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.press("Backspace")  # an empty query clears the previous results
    page.wait_for_function("() => !document.querySelector('.md-search-result__link')", timeout=15000)
    box.fill(query[:-1])
    box.press_sequentially(query[-1])  # Material searches on key events
    page.wait_for_function(
        "q => document.querySelector('.md-search__input').value === q && "
        "(document.querySelector('.md-search-result__link') || "
        " /No matching/.test(document.querySelector('.md-search-result__meta').textContent))",
        arg=query, timeout=15000)
    results = page.eval_on_selector_all(
        ".md-search-result__link",
        "els => els.map(e => [e.getAttribute('href'), parseFloat(e.querySelector('article').dataset.mdScore)])")
    # A code's page is one result, without a fragment: "CODE#"
    return [urlparse(href).path.rsplit("/", 2)[-2] + "#" + urlparse(href).fragment
            for href, score in results if score > 0 and (urlparse(href).fragment or "/codes/" in href)]


def _code(hit: str) -> str:
    """The code a search hit is about: a row or entry anchor, or the code's own page."""
    page, _, anchor = hit.partition("#")
    return anchor or page  # a row or section anchor, or the code's page


def test_every_code_name_finds_its_own_entry_first(search_page, catalog):
    wrong = {}
    for entry in catalog.codes:
        on_entries = [h for h in hits(search_page, entry.code) if _code(h) in catalog.by_code]
        if not on_entries or _code(on_entries[0]) != entry.code:
            wrong[entry.code] = on_entries[:3]
    assert wrong == {}


WORD = re.compile(r"[A-Za-z0-9']+")


# lunr's English stop words that occur in the catalog's messages: the search ignores them.
STOP = set("a an and are as at be but by can for from has have in is it its no not of on or that the this "
           "to was with".split())


def _phrase(entry, catalog, size: int = 3) -> str:
    """The words of the example message that set it apart, in its order: up to ``size`` words
    (not stop words) that begin no word of another code's name, message, description or action.
    The search matches word prefixes, so a word that begins another code's words is no clue."""
    others = set()
    for c in catalog.codes:
        if c.code != entry.code:
            others.update(WORD.findall(f"{c.code.replace('_', ' ')} {c.example_message} {c.description} "
                                       f"{c.action}".lower()))
    words = [w for w in WORD.findall(entry.example_message)
             if w.lower() not in STOP and not any(o.startswith(w.lower()) for o in others)]
    return " ".join(words[:size]) or entry.example_message


def test_every_example_message_finds_its_code_in_the_top_three(search_page, catalog):
    wrong = {}
    for entry in catalog.codes:
        top = [_code(h) for h in hits(search_page, _phrase(entry, catalog))][:3]
        if entry.code not in top:
            wrong[entry.code] = top
    assert wrong == {}


def test_every_documented_status_finds_its_codes_in_the_top_five(search_page, catalog):
    by_status: dict[int, set[str]] = {}
    for entry in catalog.codes:
        for h in entry.http:
            by_status.setdefault(h.status, set()).add(entry.code)
    assert by_status, "the catalog documents some statuses"
    wrong = {}
    for status, codes in sorted(by_status.items()):
        top: list[str] = []
        for h in hits(search_page, str(status)):
            if _code(h) not in top:
                top.append(_code(h))
        if not codes <= set(top[:5]):
            wrong[status] = (sorted(codes), top[:5])
    assert wrong == {}


@pytest.mark.parametrize("query", ["x-request-id", "request id", "X-Request-ID"])
def test_request_id_finds_the_correlation_advice_first(search_page, query):
    assert hits(search_page, query)[0] == "troubleshooting#request-id"


def test_each_troubleshooting_row_is_found_by_its_code_with_its_statuses(site, catalog):
    """The search result of a Troubleshooting row is titled with the code and the HTTP statuses
    the catalog states, so an operator sees which one it is before opening it, and holds the
    code's example message, so pasting one finds it."""
    import json
    docs = {d["location"]: d for d in json.loads((site / "search/search_index.json").read_text())["docs"]}
    for code in catalog.codes:
        title = docs[f"troubleshooting/#{code.code}"]["title"]
        statuses = " / ".join(str(h.status) for h in code.http)
        assert title == f"<code>{code.code}</code>" + (f" · HTTP {statuses}" if statuses else ""), title
        # A message copied from a log finds its row: the row's text holds it, spaces collapsed.
        message = " ".join(code.example_message.split())
        assert f"Example message: {message}" in html.unescape(docs[f"troubleshooting/#{code.code}"]["text"])
        # The code's own page ranks above the rows and pages that merely mention it.
        assert docs[f"codes/{code.code}/"].get("boost") == 2
    assert not any("boost" in d for d in docs.values() if not d["location"].startswith("codes/"))
