"""The pages in the states an operator puts them in, not only as loaded (issue 21): after a
look-up, with the search dialog showing results, with the filter matching nothing; light and
dark, desktop and phone. axe-core must find nothing at all, every control must be a target of
at least 24 x 24 CSS px (WCAG 2.2, 2.5.8), and the keyboard must never land somewhere unseen."""

from __future__ import annotations

import json

import pytest

from conftest import LOOKUP_READY, serve
from site_pages import GENERATED

VIEWPORTS = {"desktop": (1280, 900), "phone": (375, 800)}


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site) as url:
        yield url


def _open(browser, base_url, path, viewport, scheme="light"):
    width, height = VIEWPORTS[viewport]
    ctx = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                              is_mobile=width < 500, has_touch=width < 500)
    page = ctx.new_page()
    page.goto(f"{base_url}/{path}")
    return ctx, page


def after_a_look_up(page):
    page.wait_for_selector(LOOKUP_READY)
    # A code whose diagnostic has a caveat and a copy button, pasted with a status it does not
    # document: notes, command, caveat, copy button and links all on screen at once.
    page.fill("#xem-lookup-input", "HTTP/1.1 429 X\nx-request-id: r-1\n\n"
              + json.dumps({"error": {"code": "rate_limit_exceeded", "retry_after": 3}}))
    page.locator("#xem-lookup-input").press("Enter")
    page.wait_for_selector(".xem-lookup-code")
    page.click(".xem-lookup-copy")  # its "Copied" state too


def search_with_results(page):
    page.wait_for_timeout(300)
    page.keyboard.press("/")
    page.locator(".md-search__input").press_sequentially("scope")
    page.wait_for_selector(".md-search-result__item")


def filter_matching_nothing(page):
    """The first HTTP status and type that no code has together: the table empties, the
    count says so."""
    page.wait_for_selector("#xem-filter-http")
    found = page.evaluate("""() => {
        const http = document.querySelector('#xem-filter-http'), type = document.querySelector('#xem-filter-type');
        for (const h of [...http.options].slice(1)) for (const t of [...type.options].slice(1)) {
            http.value = h.value; type.value = t.value;
            type.dispatchEvent(new Event('change'));
            if (!document.querySelector('tr[data-place="summary"]:not(.xem-hidden)')) return [h.value, t.value];
        }
        return null;
    }""")
    assert found, "every status and type combination matches some code"


def settle(page):
    """End every running transition (fades, slides): check the state, not a frame of it."""
    page.evaluate("document.getAnimations().forEach(a => a.finish())")


STATES = {
    "look-up answer": (GENERATED["home"], after_a_look_up),
    "search results": (GENERATED["troubleshooting"], search_with_results),
    "filter, no match": (GENERATED["error_codes"], filter_matching_nothing),
}

TARGETS = """() => [...document.querySelectorAll(
    'button, input:not([type=hidden]):not(.md-toggle), select, textarea, summary, a.md-button, a.xem-permalink, '
    + '.md-header label.md-header__button, .md-search label')]
  .filter(e => { const s = getComputedStyle(e), r = e.getBoundingClientRect();
                 return s.visibility !== 'hidden' && s.display !== 'none' && s.opacity !== '0' && r.width && r.height; })
  .map(e => { const r = e.getBoundingClientRect();
              return {what: e.tagName + '.' + e.className + ' ' + (e.getAttribute('aria-label') || e.textContent).trim().slice(0, 30),
                      w: Math.round(r.width * 10) / 10, h: Math.round(r.height * 10) / 10}; })
  .filter(t => t.w < 24 || t.h < 24)"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("scheme", ("light", "dark"))
@pytest.mark.parametrize("state", STATES)
def test_axe_finds_nothing_and_targets_are_24px_in_each_state(browser, base_url, state, scheme, viewport):
    from axe_playwright_python.sync_playwright import Axe
    path, reach = STATES[state]
    ctx, page = _open(browser, base_url, path, viewport, scheme)
    try:
        reach(page)
        settle(page)
        violations = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"])
                      for v in Axe().run(page).response["violations"]]
        assert violations == []
        assert page.evaluate(TARGETS) == []
    finally:
        ctx.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_home_hands_the_box_the_focus(browser, base_url, viewport):
    """Reaching the box takes no Tab at all: it has the focus when Home opens."""
    ctx, page = _open(browser, base_url, GENERATED["home"], viewport)
    try:
        page.wait_for_load_state()
        assert page.evaluate("document.activeElement.id") == "xem-lookup-input"
        page.keyboard.type("scope_insufficient")
        page.keyboard.press("Enter")
        page.wait_for_selector(".xem-lookup-code")
    finally:
        ctx.close()


FOCUSED = """() => {
    // Material's palette switch is a zero-size radio whose focus ring is drawn on its label.
    const focused = document.activeElement;
    const el = focused.classList.contains('md-option') ? focused.nextElementSibling : focused;
    const r = el.getBoundingClientRect();
    let hidden = false;
    for (let e = el; e; e = e.parentElement) {
        const st = getComputedStyle(e);
        if (st.visibility === 'hidden' || st.display === 'none' || st.opacity === '0') hidden = true;
    }
    return {what: el.tagName + ' ' + (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40),
            left: r.left, right: r.right, w: r.width, h: r.height, vw: innerWidth, hidden,
            drawer: !!el.closest('.md-sidebar--primary'), body: focused === document.body, search: !!el.closest('.md-search')};
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("page_id", ("home", "troubleshooting"))
def test_every_tab_stop_from_page_load_is_seen(browser, base_url, viewport, page_id):
    """From page load, 40 Tabs: each stop is on screen, sized and not inside something hidden
    (on a phone the closed navigation drawer is off-screen: its links are no stops)."""
    ctx, page = _open(browser, base_url, GENERATED[page_id], viewport)
    try:
        page.wait_for_timeout(300)
        page.evaluate("document.activeElement && document.activeElement.blur()")
        for _ in range(40):
            page.keyboard.press("Tab")
            settle(page)
            state = page.evaluate(FOCUSED)
            if state["search"]:  # Material opens its search on focus, with a slide it starts later
                page.wait_for_timeout(400)
                state = page.evaluate(FOCUSED)
            if state["body"]:
                continue
            assert not state["hidden"] and state["w"] > 0 and state["h"] > 0, state
            assert state["left"] >= -1 and state["right"] <= state["vw"] + 1, state
            if viewport == "phone":
                assert not state["drawer"], state
    finally:
        ctx.close()


def test_the_drawer_links_are_stops_once_it_is_open(browser, base_url):
    """Taking the closed drawer out of the tab order must not lock the open one."""
    ctx, page = _open(browser, base_url, GENERATED["troubleshooting"], "phone")
    try:
        page.click(".md-header label[for=__drawer]")
        page.wait_for_timeout(400)
        link = page.locator(".md-sidebar--primary a.md-nav__link").first
        link.focus()
        assert page.evaluate(FOCUSED)["drawer"] and not page.evaluate(FOCUSED)["hidden"]
    finally:
        ctx.close()
