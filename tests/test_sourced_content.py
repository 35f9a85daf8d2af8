"""Say only what the sources say (issue 13): page-level advice carries its basis, facts about
another surface are labelled, rows read like the seed's, and the undocumented facts are listed
for writers."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, edit, xemcat

SEED = (ROOT.parent / "shared" / "seed" / "000_e5c5671f3ffe3747.txt")
DIAGNOSTIC = re.compile(r"\s(xeroctl(?: \S+)*|\(no dedicated diagnostic[^)]*\))$")


def article(site, page):
    return BeautifulSoup((site / page / "index.html").read_text(encoding="utf-8"), "html.parser").select_one("article")


def seed_rows():
    """(section title, code, diagnostic) of every row of the seed page's tables."""
    rows, section = [], None
    lines = SEED.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("CodeOperator ActionDiagnostic"):
            section = next(l for l in reversed(lines[:i]) if l.strip() and not l.startswith("Note:"))
            continue
        m = re.match(r"^([a-z][a-z0-9_]+) (.+)$", line)
        if section and m and DIAGNOSTIC.search(line):
            rows.append((section, m.group(1), DIAGNOSTIC.search(line).group(1)))
    return rows


@pytest.mark.skipif(not SEED.exists(), reason="the seed page is in ../shared (not in this repository)")
def test_every_seed_row_is_a_troubleshooting_row_with_meaning_action_and_diagnostic(site, catalog):
    rows = seed_rows()
    assert len(rows) >= 26
    page = article(site, "troubleshooting")
    for section, code, diagnostic in rows:
        entry = catalog.by_code[code]
        assert next(s.title for s in catalog.sections if s.id == entry.section_id) == section, code
        row = page.select_one(f'tr:has(h3[id="{code}"])')
        cell = re.sub(r"\s+", "", row.select("td")[1].get_text())
        plain = lambda md: re.sub(r"[`*\s]", "", md)
        # What the error means, then the action: the seed's two sentences, in our words.
        assert cell.startswith(plain(entry.description)) and plain(entry.action) in cell, code
        shown = row.select_one(".xem-cmd code")
        if shown is not None:
            assert shown.get_text() == diagnostic, code
        else:
            assert " ".join(row.select_one(".xem-no-diagnostic").get_text(" ").split()) == diagnostic, code


def test_the_eyebrow_and_no_overclaim(site):
    ts = article(site, "troubleshooting").get_text(" ")
    ec = article(site, "error-codes").get_text(" ")
    assert "// Execution Management (XEM)" in ts
    for text in (ts, ec):
        assert "Every failed call" not in text and "Every error code the XEM router sends" not in text
        assert "comes with them: The" not in text


def test_facts_about_the_inference_api_are_labelled_everywhere(site, catalog):
    scoped = {k for k, s in catalog.sources.items() if s.scope}
    assert scoped, "the catalog has a source about another surface"
    table = {r.select_one("td").get_text(strip=True): r
             for r in article(site, "error-codes").select("table.xem-codes tbody tr")}
    data = {c["code"]: c for c in json.loads((site / "catalog.json").read_text())["codes"]}
    count = 0
    for entry in catalog.codes:
        for h in entry.http:
            if h.source in scoped:
                count += 1
                scope = catalog.sources[h.source].scope
                assert f"{h.status}({scope})" in table[entry.code].get_text(strip=True), entry.code
                block = article(site, f"codes/{entry.code}").get_text(" ")  # the code's page
                assert f"({scope})" in block
                assert {"status": h.status, "scope": scope}.items() <= next(
                    x for x in data[entry.code]["http"] if x["status"] == h.status).items()
        if entry.retryable.known and entry.retryable.source in scoped:
            assert data[entry.code]["retryable_scope"] == catalog.sources[entry.retryable.source].scope
            assert f"({catalog.sources[entry.retryable.source].scope})" in table[entry.code].get_text(" ")
    assert count >= 4
    out = xemcat("explain", "capacity_exceeded").stdout
    assert "429 (inference API)" in out


def test_envelope_type_advice_says_its_basis_and_gives_no_unsourced_retry_or_scope_advice(site, catalog):
    rows = article(site, "error-codes").select("table.xem-types tbody tr")
    assert len(rows) == len(catalog.envelope_types)
    for t, row in zip(catalog.envelope_types, rows):
        text = " ".join(row.get_text(" ").split())
        if t.general_advice:
            assert "General guidance, not from the router's documentation." in text, t.type
            assert not re.search(r"\b(wait and retry|retry the request|retry with|send (it|the request) again)\b",
                                 t.when_code_missing, re.I), t.type
    documented_scope_types = {c.type.value for c in catalog.codes if c.code == "scope_insufficient"}
    for t in catalog.envelope_types:
        if t.type not in documented_scope_types:
            assert "scope" not in t.when_code_missing.lower(), t.type


def test_check_requires_the_basis_of_type_advice(project):
    edit(project / "catalog/site.yaml", "    advice_basis: general\n", "", count=1)
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1
    assert re.search(r"^catalog/site.yaml:\d+:\d+: envelope_types.invalid_request_error.advice_basis: missing required "
                     r"field `advice_basis`", result.stdout, re.M), result.stdout


def test_coverage_lists_missing_facts_and_the_contributing_page_agrees(site, catalog):
    report = json.loads(xemcat("coverage", "--format", "json").stdout)
    assert report["codes"] == len(catalog.codes)
    assert report["facts"]["http"]["missing"] == [c.code for c in catalog.codes if not c.http]
    assert report["facts"]["type"]["missing"] == [c.code for c in catalog.codes if not c.type.known]
    assert report["facts"]["retryable"]["missing"] == [c.code for c in catalog.codes if not c.retryable.known]
    page = article(site, "contributing")
    for kind, fact in report["facts"].items():
        row = page.select_one(f"tr#coverage-{kind}")
        assert int(row["data-missing"]) == len(fact["missing"])
        assert [c.get_text() for c in row.select("td")[3].select("code")] == fact["missing"]
    text = xemcat("coverage").stdout
    assert f"HTTP status: documented for {report['facts']['http']['documented']}, missing for" in text


def test_command_evidence_follows_its_definition(catalog):
    """documented: the xeroctl reference; guide: a guide page; seed and partial: the seed page."""
    reference = {k for k, s in catalog.sources.items() if "/docs/xeroctl" in s.url}
    guides = {k for k, s in catalog.sources.items() if "/guide" in s.url or "operator-guides" in s.url}
    for c in catalog.commands:
        expected = {"documented": reference, "guide": guides, "seed": {"troubleshooting"},
                    "partial": {"troubleshooting"}}[c.evidence]
        assert c.source in expected, (c.form, c.evidence, c.source)
        if c.evidence == "seed":  # only the seed page uses it, and the seed page does not say what it shows
            assert c.shows.startswith("Not described by any public page"), c.form
    members = catalog.rate_limit_extras["fields"][1]["members"]
    assert all("not documented" in m["meaning"] for m in members), "member meanings no source gives"


def test_correlation_advice_cites_the_seed_too_and_each_cited_source_must_exist(site, project):
    text = article(site, "troubleshooting").select_one("h2#request-id").find_next("p").get_text(" ")
    assert "XEM Error Codes" in text and "XEM Troubleshooting" in text
    edit(project / "catalog/site.yaml", "source: [error-codes, troubleshooting]", "source: [error-codes, troubleshootin]")
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1
    assert re.search(r"^catalog/site.yaml:\d+:\d+: correlation_header.source\[1\]: unknown source `troubleshootin`; "
                     r"did you mean `troubleshooting`", result.stdout, re.M), result.stdout


@pytest.mark.parametrize("block", ["envelope", "correlation_header", "rate_limit_extras"])
def test_check_requires_every_page_level_block_to_name_its_source(project, block):
    path = project / "catalog/site.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, l in enumerate(lines) if l.startswith(f"{block}:"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i][:1] not in (" ", "\n", "#")), len(lines))
    lines = [l for i, l in enumerate(lines) if not (start < i < end and l.startswith("  source:"))]
    path.write_text("".join(lines), encoding="utf-8")
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1
    assert re.search(rf"^catalog/site.yaml:\d+:\d+: {block}.source: missing required field `source`", result.stdout,
                     re.M), result.stdout
