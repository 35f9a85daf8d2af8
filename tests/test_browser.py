"""The operator's experience in a real browser: Debian's chromium driven by Playwright against
the built site served on 127.0.0.1 by this test. Desktop and a 375-px phone viewport."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from conftest import serve

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site) as url:
        yield url


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture()
def page(browser, base_url, viewport):
    """A fresh page that records every request and refuses any that leaves 127.0.0.1."""
    ctx = browser.new_context(viewport=VIEWPORTS[viewport], is_mobile=viewport == "phone",
                              has_touch=viewport == "phone")
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    requested: list[str] = []

    def guard(route):
        requested.append(route.request.url)
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()
    ctx.route("**/*", guard)
    pg = ctx.new_page()
    pg.requested = requested
    yield pg
    ctx.close()
    foreign = sorted({u for u in requested if urlparse(u).hostname != "127.0.0.1" and not u.startswith("data:")})
    assert foreign == [], f"requests to hosts other than 127.0.0.1: {foreign}"


def search(pg, query: str) -> list[tuple[str, float]]:
    """Type into Material's search box; return the result links (href, score), best group first."""
    box = pg.locator("input.md-search__input")
    if pg.viewport_size["width"] < 960:  # on small screens search opens from a header button
        pg.locator('label.md-header__button[for="__search"]').click()
    box.click()
    box.fill("")
    pg.keyboard.type(query, delay=15)
    pg.wait_for_function(
        "q => document.querySelector('.md-search-result__meta') && "
        "document.querySelector('.md-search-result__meta').textContent.match(/\\d+ matching/) && "
        "document.querySelector('.md-search__input').value === q", arg=query, timeout=15000)
    return pg.eval_on_selector_all(
        ".md-search-result__link",
        "els => els.map(e => [e.getAttribute('href'), parseFloat(e.querySelector('article').dataset.mdScore)])")


def first_hit(results) -> str:
    """The best-ranked real hit (Material lists each page's title first with score 0)."""
    return next(href for href, score in results if score > 0)


@pytest.mark.parametrize("query, code", [
    ("scope_insufficient", "scope_insufficient"),
    ("insufficient", "scope_insufficient"),
    ("tool_exec", "tool_executor_unavailable"),
    ("exec_tool_not_found", "exec_tool_not_found"),
    ("invalid_body", "invalid_body"),
])
def test_search_lists_the_codes_own_entry_first(page, base_url, query, code):
    """A code, or a word of it, finds the code's own page first (its whole entry), and the
    result opens it with the code as its title."""
    page.goto(base_url + "/")
    hit = first_hit(search(page, query))
    assert urlparse(hit).path.endswith(f"/codes/{code}/"), hit
    page.locator(f'.md-search-result__link[href="{hit}"]').click()
    page.wait_for_url(f"**/codes/{code}/**")
    assert page.locator("h1").inner_text().replace("\u200b", "") == code


def test_every_troubleshooting_row_links_to_its_code_page_and_back(page, base_url, catalog, viewport):
    """Row -> the code's page (its whole entry) -> back to the row; the Error Codes row of the
    code (error-codes/#CODE) is the code's anchor there and links to the same page."""
    codes = [c.code for c in catalog.codes]
    if viewport == "phone":
        codes = codes[:: max(1, len(codes) // 5)]  # the full round trip runs on desktop
    for code in codes:
        page.goto(f"{base_url}/troubleshooting/#{code}")
        row = page.locator(f"tr:has(h3#{code})")
        assert page.locator(f"h3#{code}").evaluate("h => h.matches(':target')")
        row.locator("td.xem-code h3 a").click()
        page.wait_for_url(f"**/codes/{code}/")
        assert page.locator("h1").inner_text().replace("\u200b", "") == code
        page.locator("a", has_text="Troubleshooting row").click()
        page.wait_for_url(f"**/troubleshooting/#{code}")
        assert page.locator(f"h3#{code}").evaluate("h => h.matches(':target') && h.getBoundingClientRect().top < innerHeight")
        page.goto(f"{base_url}/error-codes/#{code}")
        assert page.locator(f"tr#{code}").evaluate(
            "r => r.matches(':target') && r.getBoundingClientRect().top < innerHeight")
        assert page.locator(f"tr#{code} td.xem-code a").first.get_attribute("href") == f"../codes/{code}/"


@pytest.mark.parametrize("code, command", [
    ("cross_project_access", "xeroctl keys <key-id>"),
    ("candidate_not_found", "xeroctl agents candidates list <agent-id>"),
])
def test_copy_button_copies_exactly_the_command(page, base_url, code, command):
    page.goto(f"{base_url}/troubleshooting/#{code}")
    button = page.locator(f'tr:has(h3#{code}) button[data-md-type="copy"]')
    button.click()
    assert page.evaluate("navigator.clipboard.readText()") == command


def test_filter_narrows_rows_and_entries(page, base_url):
    page.goto(f"{base_url}/error-codes/")
    # The inference API's 503 is labelled and kept apart from the router's own 503.
    labels = page.eval_on_selector_all("#xem-filter-http option", "os => os.map(o => [o.value, o.textContent])")
    assert ["503@inference-API", "503 (inference API)"] in labels and ["503", "503"] in labels
    page.select_option("#xem-filter-http", "503")
    visible = page.eval_on_selector_all("table.xem-codes tbody tr:not(.xem-hidden)",
                                        "rs => rs.map(r => r.querySelector('td').textContent.trim())")
    assert sorted(visible) == ["tool_executor_unavailable"]
    page.select_option("#xem-filter-http", "503@inference-API")
    visible = page.eval_on_selector_all("table.xem-codes tbody tr:not(.xem-hidden)",
                                        "rs => rs.map(r => r.querySelector('td').textContent.trim())")
    assert sorted(visible) == ["endpoint_inactive"]
    assert page.locator("tr#invalid_body").is_hidden() and page.locator("tr#endpoint_inactive").is_visible()
    assert "Showing 1 of" in page.inner_text(".xem-filter-count")
    page.select_option("#xem-filter-retryable", "no")
    assert page.eval_on_selector_all("table.xem-codes tbody tr:not(.xem-hidden)", "rs => rs.length") == 0
    page.click("text=Show all")
    total = page.eval_on_selector_all("table.xem-codes tbody tr", "rs => rs.length")
    assert page.eval_on_selector_all("table.xem-codes tbody tr:not(.xem-hidden)", "rs => rs.length") == total
    page.select_option("#xem-filter-type", "authentication_error")
    visible = page.eval_on_selector_all("table.xem-codes tbody tr:not(.xem-hidden)",
                                        "rs => rs.map(r => r.querySelector('td').textContent.trim())")
    assert visible == ["scope_insufficient"]


def test_code_missing_helper(page, base_url):
    page.goto(f"{base_url}/error-codes/")
    page.select_option("#xem-code-missing", "authentication_error")
    advice = page.inner_text(".xem-missing-advice")
    assert advice.startswith("authentication_error:") and "scope" in advice


def test_without_javascript_every_row_shows(browser, base_url, catalog):
    ctx = browser.new_context(java_script_enabled=False)
    pg = ctx.new_page()
    pg.goto(f"{base_url}/error-codes/")
    assert pg.locator("table.xem-codes tbody tr").count() == len(catalog.codes)
    assert pg.locator("table.xem-codes tbody tr:visible").count() == len(catalog.codes)
    assert pg.locator(".xem-filter").first.is_hidden()
    ctx.close()


def test_filter_hides_empty_sections_says_when_nothing_matches_and_offers_not_documented(page, base_url, catalog):
    page.goto(f"{base_url}/error-codes/")
    filter_top = page.evaluate("document.querySelector('.xem-filter').getBoundingClientRect().top")
    assert filter_top < 900, "the filter is where a reader starts, on the first screen"
    options = page.eval_on_selector_all("#xem-filter-http option", "os => os.map(o => o.textContent)")
    assert "not documented" in options
    page.select_option("#xem-filter-http", "unknown")
    shown = page.eval_on_selector_all('tr[data-place="summary"]:not(.xem-hidden)', "es => es.map(e => e.dataset.code)")
    assert sorted(shown) == sorted(c.code for c in catalog.codes if not c.http)  # unknown never matches a value
    page.select_option("#xem-filter-http", "429@inference-API")
    sections_with_429 = {c.section_id for c in catalog.codes if 429 in [h.status for h in c.http]}
    visible_h3 = page.eval_on_selector_all("h3:not(.xem-hidden)", "hs => hs.map(h => h.id)")
    assert set(visible_h3) & {s.id for s in catalog.sections} == sections_with_429
    page.select_option("#xem-filter-retryable", "no")
    page.select_option("#xem-filter-http", "403")  # scope_insufficient's retry behaviour is not documented
    assert page.inner_text(".xem-filter-count") == "No code matches these filters."
    visible_h3 = page.eval_on_selector_all("h3:not(.xem-hidden)", "hs => hs.map(h => h.id)")
    assert set(visible_h3) & {s.id for s in catalog.sections} == set()
