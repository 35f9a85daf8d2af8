"""Every row readable on every screen (issue 11): layout at five widths, accessibility with
axe-core, print on A4, and screenshots for review. Geometry is asserted, not pixels: the
screenshots under test-output/screenshots/ are for people, their width is checked."""

from __future__ import annotations

import struct

import pytest

from conftest import ROOT, serve
from site_pages import ALL_PAGES, GENERATED

# The generated pages that show xeroctl commands (each with a copy button).
COMMAND_PAGES = ("troubleshooting", "diagnostics", "code")
WIDTHS = (1600, 1280, 1024, 768, 375)
OUT = ROOT / "test-output"
# axe-core rules we cannot meet without forking Material, each with the reason. Empty today:
# the search dialog's name, the copy buttons' names and their <nav> wrappers are fixed by
# docs/assets/xem-a11y.js. A rule listed here is still reported, as a skip reason.
AXE_EXCEPTIONS: dict[str, str] = {}


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site) as url:
        yield url


def _page(browser, width, scheme="light", height=900, media=None):
    ctx = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                              is_mobile=width < 500, has_touch=width < 500)
    page = ctx.new_page()
    if media:
        page.emulate_media(media=media)
    return ctx, page


GEOMETRY = """() => {
  const vw = document.documentElement.clientWidth;
  const tables = [...document.querySelectorAll('table.xem-table')].map(t => {
    const wrap = t.closest('.xem-table-wrap');
    return {w: Math.round(t.getBoundingClientRect().width), room: Math.round(wrap.getBoundingClientRect().width),
            scroll: wrap.scrollWidth - wrap.clientWidth, right: Math.round(t.getBoundingClientRect().right)};
  });
  const outside = el => { const r = el.getBoundingClientRect(); return r.left < -1 || r.right > vw + 1; };
  return {
    vw, pageScroll: document.documentElement.scrollWidth - vw, tables,
    commandsOut: [...document.querySelectorAll('.xem-cmd')].filter(outside).map(c => c.textContent.trim()),
    buttonsOut: [...document.querySelectorAll('.xem-cmd button[data-md-type=copy]')].filter(outside).length,
    buttons: document.querySelectorAll('.xem-cmd button[data-md-type=copy]').length,
    cellsClipped: [...document.querySelectorAll('table.xem-table td')]
      .filter(td => td.scrollWidth > td.clientWidth + 1).map(td => td.textContent.trim().slice(0, 40)),
  };
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_tables_fit_and_commands_stay_in_view(browser, base_url, width):
    ctx, page = _page(browser, width)
    for name, url in GENERATED.items():
        page.goto(f"{base_url}/{url}")
        page.wait_for_timeout(150)  # Material adds the copy buttons after load
        g = page.evaluate(GEOMETRY)
        assert g["pageScroll"] <= 0, (name, width, "the page scrolls sideways")
        for t in g["tables"]:
            assert t["w"] <= t["room"] + 1 and t["scroll"] <= 1 and t["right"] <= g["vw"] + 1, (name, width, t)
        assert g["commandsOut"] == [], (name, width)
        assert g["buttonsOut"] == 0 and (name not in COMMAND_PAGES or g["buttons"] > 0), (name, width, g)
        assert g["cellsClipped"] == [], (name, width)
    ctx.close()


def test_phone_rows_are_labelled_cards(browser, base_url, catalog):
    ctx, page = _page(browser, 375, height=740)
    page.goto(f"{base_url}/troubleshooting/")
    rows = page.evaluate("""() => [...document.querySelectorAll('table.xem-troubleshooting tbody tr')].map(tr => ({
        id: tr.querySelector('h3').id,
        display: getComputedStyle(tr).display,
        labels: [...tr.querySelectorAll('td')].map(td => getComputedStyle(td, '::before').content),
        cellsInside: [...tr.querySelectorAll('td')].every(td => {
            const r = td.getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth; }),
    }))""")
    assert [r["id"] for r in rows] == [c.code for c in catalog.codes]
    for r in rows:
        assert r["display"] == "block" and r["cellsInside"], r
        assert r["labels"][1:] == ['"What it means and what to do"', '"Diagnostic"'], r
    ctx.close()


BREAKS = """() => {
  // Where does each wrapped identifier break? The character before every line break must be
  // "_", "-" or ".": Range rectangles show on which line each character sits.
  const bad = [];
  document.querySelectorAll('.xem-code code, table.xem-table td code, h4 code').forEach(code => {
    const text = code.textContent;
    if (!/^[A-Za-z0-9_.-]+$/.test(text) || code.getClientRects().length < 2) return;  // identifiers only
    const node = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    let prevTop = null, prevChar = '';
    for (let n = node.nextNode(); n; n = node.nextNode()) {
      for (let i = 0; i < n.length; i++) {
        const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
        const rect = r.getBoundingClientRect();
        if (!rect.width) { prevChar = n.data[i]; continue; }
        if (prevTop !== null && rect.top > prevTop + 2 && !'_-.'.includes(prevChar)) bad.push(text);
        prevTop = rect.top; prevChar = n.data[i];
      }
    }
  });
  return bad;
}"""


@pytest.mark.parametrize("width", (1280, 768, 375))
def test_identifiers_break_only_after_separators(browser, base_url, width):
    ctx, page = _page(browser, width)
    for name, url in GENERATED.items():
        page.goto(f"{base_url}/{url}")
        assert page.evaluate(BREAKS) == [], (name, width)
    ctx.close()


def test_first_troubleshooting_row_is_on_the_first_screen(browser, base_url):
    ctx, page = _page(browser, 1280, height=900)
    page.goto(f"{base_url}/troubleshooting/")
    bottom = page.evaluate("document.querySelector('table.xem-troubleshooting tbody tr').getBoundingClientRect().bottom")
    assert bottom <= 900, bottom
    ctx.close()


@pytest.mark.parametrize("width", (1280, 375))
@pytest.mark.parametrize("scheme", ("light", "dark"))
def test_axe_finds_no_serious_or_critical_violation(browser, base_url, width, scheme):
    from axe_playwright_python.sync_playwright import Axe
    axe = Axe()
    ctx, page = _page(browser, width, scheme)
    found = []
    for path in ALL_PAGES:
        page.goto(f"{base_url}/{path}")
        page.wait_for_timeout(200)
        for v in axe.run(page).response["violations"]:
            if v["impact"] in ("serious", "critical") and v["id"] not in AXE_EXCEPTIONS:
                found.append((path or "home", v["id"], len(v["nodes"]), v["nodes"][0]["target"]))
    ctx.close()
    assert found == []


def test_copy_buttons_are_named_after_their_command(browser, base_url):
    ctx, page = _page(browser, 1280)
    page.goto(f"{base_url}/troubleshooting/")
    page.wait_for_timeout(150)
    pairs = page.evaluate("""() => [...document.querySelectorAll('.xem-cmd')].map(c => [
        c.querySelector('code').textContent, c.querySelector('button[data-md-type=copy]').getAttribute('aria-label')])""")
    assert len(pairs) > 20
    for command, label in pairs:
        assert label == f"Copy to clipboard: {command}", (command, label)
    ctx.close()


@pytest.mark.parametrize("width", (1280, 375))
def test_keyboard_focus_never_lands_on_a_clipped_or_hidden_element(browser, base_url, width):
    ctx, page = _page(browser, width)
    page.goto(f"{base_url}/troubleshooting/")
    page.wait_for_timeout(150)
    page.locator("table.xem-troubleshooting a").first.focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        state = page.evaluate("""() => {
            const el = document.activeElement, r = el.getBoundingClientRect();
            const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
            return {tag: el.tagName, text: (el.getAttribute('aria-label') || el.textContent).trim().slice(0, 40),
                    left: r.left, right: r.right, top: r.top, bottom: r.bottom, vw: innerWidth, vh: innerHeight,
                    header, inTable: !!el.closest('table.xem-table')};
        }""")
        if not state["inTable"]:
            continue
        assert 0 <= state["left"] and state["right"] <= state["vw"] + 1, state
        assert state["top"] >= state["header"] - 1 and state["bottom"] <= state["vh"] + 1, state
    ctx.close()


def test_print_on_a4_keeps_every_column_and_drops_controls(browser, base_url):
    OUT.mkdir(exist_ok=True)
    for name, url in GENERATED.items():
        ctx, page = _page(browser, 1280)
        page.goto(f"{base_url}/{url}")
        page.wait_for_timeout(150)
        pdf = OUT / f"{name}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
        # The same layout the PDF got: print media, A4's printable width (210 mm less
        # Chromium's default 1 cm margins, at 96 px per inch).
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 718, "height": 1015})
        g = page.evaluate(GEOMETRY)
        for t in g["tables"]:
            assert t["right"] <= g["vw"] + 1 and t["w"] <= t["room"] + 1, (name, t)
        assert g["pageScroll"] <= 0, name
        shown = page.evaluate("""() => [...document.querySelectorAll(
            'button[data-md-type=copy], .xem-filter, .md-sidebar, .md-header, .xem-jump')]
            .filter(e => e.getClientRects().length && getComputedStyle(e).display !== 'none'
                         && getComputedStyle(e).visibility !== 'hidden').map(e => e.className)""")
        assert shown == [], (name, shown)
        last_cells = page.evaluate("""() => [...document.querySelectorAll('table.xem-table tr > :last-child')]
            .filter(c => c.getBoundingClientRect().right > innerWidth + 1).length""")
        assert last_cells == 0, name
        ctx.close()


def _png_size(path):
    with open(path, "rb") as fh:
        head = fh.read(24)
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("width", (1280, 375))
@pytest.mark.parametrize("scheme", ("light", "dark"))
def test_screenshots_for_review(browser, base_url, width, scheme):
    shots = OUT / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    ctx, page = _page(browser, width, scheme)
    for name, url in GENERATED.items():
        page.goto(f"{base_url}/{url}")
        page.wait_for_timeout(150)
        path = shots / f"{name}-{width}-{scheme}.png"
        page.screenshot(path=str(path), full_page=True)
        w, h = _png_size(path)
        assert w == width, (path, w)  # a full-page shot wider than the viewport = sideways scrolling
        assert h >= 900
    ctx.close()
