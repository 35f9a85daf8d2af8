"""The built site: every code on both pages with anchor, diagnostic and HTTP status; twin links;
literal escaping of catalog text; byte-identical rebuilds; bad input stops the build cleanly."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import edit, mkdocs_build

PROBLEM_LINE = re.compile(r"^\S+\.yaml:\d+:\d+: \S+: .+$")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def article(path: Path):
    return soup(path).select_one("article.md-content__inner")


def test_troubleshooting_has_every_code_once_with_diagnostic(site, catalog):
    page = article(site / "troubleshooting/index.html")
    rows = page.select("table.xem-troubleshooting tbody tr")
    assert len(rows) == len(catalog.codes)  # count in = count out
    for entry in catalog.codes:
        row = page.select(f'tr:has(h3[id="{entry.code}"])')
        assert len(row) == 1, entry.code
        cells = row[0].find_all("td")
        assert cells[0].select_one("h3").get_text(strip=True) == entry.code
        permalink = cells[0].select_one("a.xem-permalink")  # the row's own address, always shown
        assert permalink["href"] == f"#{entry.code}" and entry.code in permalink["aria-label"]
        if entry.diagnostic.command:
            assert cells[2].select_one(".xem-cmd code").get_text() == entry.diagnostic.command
        else:
            assert cells[2].select_one(".xem-no-diagnostic").get_text(" ", strip=True) == entry.diagnostic.text
        link = cells[0].find("a")["href"]
        assert link == f"../codes/{entry.code}/"


def test_error_codes_has_every_code_with_anchor_http_and_type(site, catalog):
    page = article(site / "error-codes/index.html")
    anchors = page.select("table.xem-codes tbody tr[id]")
    assert sorted(r["id"] for r in anchors) == sorted(c.code for c in catalog.codes)
    summary_rows = page.select("table.xem-codes tbody tr")
    assert len(summary_rows) == len(catalog.codes)
    for row in summary_rows:
        code = row.find("td").get_text(strip=True)
        entry = catalog.by_code[code]
        cell = row.find_all("td")[1]
        if entry.http:
            scope = lambda h: f"({catalog.sources[h.source].scope})" if catalog.sources[h.source].scope else ""
            assert cell.get_text(strip=True).replace(" ", "") == "/".join(f"{h.status}{scope(h)}" for h in entry.http).replace(" ", ""), code
        else:  # a dash for the eye, the words for screen readers
            assert cell.select_one(".xem-unknown .xem-sr").get_text() == "not documented", code
    for entry in catalog.codes:  # each code's page: the whole entry
        block = code_page(site, entry.code)
        text = block.get_text(" ", strip=True)
        for h in entry.http:
            assert str(h.status) in text
        assert entry.diagnostic.text in text
        twin = block.find("a", href=f"../../troubleshooting/#{entry.code}")
        assert twin is not None, entry.code


def code_page(site, code):
    return article(site / "codes" / code / "index.html")


def test_unknown_facts_show_as_not_documented(site, catalog):
    for entry in catalog.codes:
        block = code_page(site, entry.code)
        line = block.select_one(".xem-undocumented")
        facts = {dt.get_text(): dt.find_next_sibling("dd").get_text(strip=True) for dt in block.select("dl.xem-facts dt")}
        if entry.unknown_facts:  # one line names every unknown fact
            assert line.get_text(" ", strip=True) == "Not documented yet: " + ", ".join(entry.unknown_facts) + "."
        else:
            assert line is None
        assert (facts["HTTP"] == "—not documented") == (not entry.http)
        assert (facts["Type"] == "—not documented") == (not entry.type.known)
        assert (facts["Retryable"] == "—not documented") == (not entry.retryable.known)
    billing = code_page(site, "billing_delinquent").select_one(".xem-undocumented").get_text()
    assert billing == "Not documented yet: HTTP status, envelope type, retry behaviour."


def test_envelope_example_per_code(site, catalog):
    for entry in catalog.codes:
        heading = code_page(site, entry.code).select_one('h2[id="example"]')
        # The first JSON block after the page's "Example envelope" heading is the example.
        following = heading.find_all_next("code", limit=200)
        data = json.loads(next(c.get_text() for c in following if c.get_text().startswith('{\n  "error"')))
        assert data["error"]["code"] == entry.code
        # An undocumented type is left out, never shown as a placeholder that reads like a value.
        expected = {"message", "code", "param"} | ({"type"} if entry.type.known else set())
        assert set(data["error"]) == expected, entry.code
        assert "not documented" not in json.dumps(data)


def test_material_features(site):
    html = (site / "error-codes/index.html").read_text()
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    assert "content.code.copy" in html
    assert 'class="headerlink"' in html  # heading permalinks
    assert 'data-md-color-scheme="slate"' in html or "slate" in html  # dark palette toggle present
    config = (site / "search/search_index.json").read_text()
    assert '"separator":"[\\\\s\\\\-_' in config.replace(" ", "")


NASTY = "Pipe | here <script>alert(1)</script> *emph* `code` [link](https://example.invalid/x)\nsecond line & more"


def test_catalog_text_is_escaped_not_markup(project, tmp_path):
    f = project / "catalog/sections/05-approvals.yaml"
    edit(f, "    action: >-\n      List the current approvals and retry with the ID of one that still exists.",
         "    action: |-\n      " + NASTY.replace("\n", "\n      "))
    edit(f, "    description: The approval ID is unknown, or the approval has been purged.",
         "    description: \"" + NASTY.replace("\n", "\\n").replace('"', '\\"') + "\"")
    out = tmp_path / "site"
    result = mkdocs_build(project, out)
    assert result.returncode == 0, result.stdout + result.stderr
    for page in ("troubleshooting", "error-codes"):
        body = article(out / page / "index.html")
        assert not body.find("script"), page
        text = body.get_text(" ", strip=True)
        assert "<script>alert(1)</script>" in text, page
        assert "Pipe | here" in text
        assert body.find("em", string="emph") is not None
        assert body.find("a", href="https://example.invalid/x") is not None
    row = article(out / "troubleshooting/index.html").select_one('tr:has(h3[id="approval_not_found"])')
    assert len(row.find_all("td")) == 3  # the pipe and line break did not break the table
    srow = [r for r in article(out / "error-codes/index.html").select("table.xem-codes tr")
            if r.find("td") and r.find("td").get_text(strip=True) == "approval_not_found"][0]
    assert len(srow.find_all("td")) == 5


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_builds_are_byte_identical(project, tmp_path):
    import time
    from conftest import ENV
    # No SOURCE_DATE_EPOCH from outside: the hook must make the dates reproducible itself.
    env = {k: v for k, v in ENV.items() if k != "SOURCE_DATE_EPOCH"}
    a, b = tmp_path / "a", tmp_path / "b"
    assert mkdocs_build(project, a, env=env).returncode == 0
    time.sleep(1.1)  # a clock-dated build would now differ
    assert mkdocs_build(project, b, env=env).returncode == 0
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    different = [str(p) for p in files_a if _digest(a / p) != _digest(b / p)]
    assert different == []
    assert (a / "troubleshooting/index.html").read_bytes() == (b / "troubleshooting/index.html").read_bytes()


@pytest.mark.parametrize("breakage", [
    ("sections/02-agents.yaml", "command: xeroctl agents\n", "command: xeroctl agents doctor\n"),
    ("sections/02-agents.yaml", "    http: unknown\n", "    http: [unknown\n"),
    ("sections/05-approvals.yaml", "    retryable: unknown\n", "    retryable: unknown\n    retryable: unknown\n"),
    ("sections/01-scope-auth.yaml", "value: authentication_error", "value: authn_error"),
    ("sections/06-lifecycle.yaml", "- code: invocation_terminal", "- code: approval_not_found"),
    ("sections/02-agents.yaml", "`exec_tool_not_found` or", "`exec_tool_not_fund` or"),
], ids=["unknown-command", "yaml-syntax", "duplicate-key", "unknown-type", "duplicate-code", "dangling-ref"])
def test_bad_catalog_stops_build_and_keeps_previous_site(project, tmp_path, breakage):
    out = tmp_path / "site"
    assert mkdocs_build(project, out).returncode == 0
    before = {p: _digest(p) for p in out.rglob("*") if p.is_file()}
    file, old, new = breakage
    edit(project / "catalog" / file, old, new)
    result = mkdocs_build(project, out)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    problem_lines = [l for l in output.splitlines() if PROBLEM_LINE.match(l)]
    assert problem_lines and all(file.split("/")[-1] in l for l in problem_lines)
    after = {p: _digest(p) for p in out.rglob("*") if p.is_file()}
    assert after == before  # nothing half-written, nothing removed


def test_diagnostic_commands_link_to_their_stable_anchor_with_caveats(site, catalog):
    from xemcat.vocabulary import command_anchor, command_pattern
    ts = article(site / "troubleshooting/index.html")
    diag = article(site / "diagnostics/index.html")
    for entry in catalog.codes:
        if not entry.diagnostic.command:
            continue
        form = next(c for c in catalog.commands if command_pattern(c.form).fullmatch(entry.diagnostic.command))
        anchor = command_anchor(form.form)
        row = diag.select_one(f'tr[id="{anchor}"]')
        assert row is not None and row.select_one(".xem-cmd code").get_text() == form.form
        for cell in (ts.select_one(f'tr:has(h3[id="{entry.code}"]) td.xem-diag'),
                     code_page(site, entry.code).select_one(".xem-diag")):
            assert cell.select_one(".xem-cmd-more a")["href"].endswith(f"../diagnostics/#{anchor}")
            caveat = cell.select_one(".xem-cmd-note")
            # The registry's warning about a command travels with every recommendation of it.
            assert (caveat is not None) == bool(form.note), entry.code
            if form.note:
                assert " ".join(form.note.split()).replace("`", "") in " ".join(caveat.get_text().split())


def test_diagnostics_anchors_do_not_move_when_a_command_is_added(catalog):
    import dataclasses

    from conftest import ROOT
    from xemcat.model import CommandForm
    from xemcat.render import render_all
    ids = lambda cat: {i for i in next(p.ids for p in render_all(cat, ROOT / "templates") if p.spec.id == "diagnostics")
                       if i.startswith("cmd-")}
    before = ids(catalog)
    grown = dataclasses.replace(catalog, commands=(CommandForm("xeroctl aaa first", "New.", "seed", "xeroctl"),)
                                + catalog.commands)
    after = ids(grown)
    assert before < after and after - before == {"cmd-aaa-first"}
    assert len(before) == len(catalog.commands)


def test_home_page_has_no_raw_extension_syntax(site):
    text = article(site / "index.html").get_text(" ", strip=True)
    assert "++" not in text and "Both pages" not in text


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(_JSON_VALUES)
def test_json_blocks_are_the_markup_pygments_gives(value):
    """The envelope examples are highlighted without importing Pygments on every `check`; the
    markup must stay what Pygments (the theme's highlighter) gives, token classes included."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import JsonLexer
    from xemcat.render import json_block
    body = highlight(json.dumps(value, indent=2, ensure_ascii=False), JsonLexer(), HtmlFormatter(nowrap=True))
    expected = ('<div class="language-json highlight"><pre><span></span><code>'
                f'{body.rstrip(chr(10))}</code></pre></div>')
    assert str(json_block(value)) == expected
