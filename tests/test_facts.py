"""Every fact of every code, on every output, compared with the loaded catalog (issue 20): the
Troubleshooting row, the Error Codes summary row and entry, catalog.json, lookup.json (the
look-up box's answer) and `xemcat explain`. The expected values are computed here from the
model, not from the view the outputs share, so a slip in the shared code shows on every page."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from conftest import mkdocs_build, shared_scope, xemcat


def _text(el) -> str:
    """An element's text as a reader sees it (<wbr> break points add nothing)."""
    return " ".join(el.get_text("").split()) if el is not None else ""


def expected(catalog, code):
    """The facts of a code as a reader should see them, from the catalog alone."""
    def scope(source):
        return catalog.sources[source].scope if source in catalog.sources else None
    def scoped(value, source):
        return f"{value} ({scope(source)})" if scope(source) else value
    form = None
    if code.diagnostic.command:
        from xemcat.vocabulary import command_pattern
        form = next(c for c in catalog.commands if command_pattern(c.form).fullmatch(code.diagnostic.command))
    return {
        "statuses": [scoped(str(h.status), h.source) for h in code.http],
        "type": scoped(code.type.value, code.type.source) if code.type.known else None,
        "retryable": scoped("Yes" if code.retryable.value else "No", code.retryable.source)
        if code.retryable.known else None,
        "command": code.diagnostic.command,
        "caveat": form.note if form else None,
        "deprecated": code.deprecated,
    }


def _plain(md: str) -> str:
    from xemcat.text import segments
    return " ".join("".join(piece for _, piece in segments(md)).split())


def filter_tokens(catalog, code):
    """What the Error Codes filter matches a row by, from the model: a status documented for
    another surface is its own token (`404@inference-API`); a fact no source states is `unknown`."""
    def token(h):
        scope = catalog.sources[h.source].scope if h.source in catalog.sources else None
        return f"{h.status}@{scope.replace(' ', '-')}" if scope else str(h.status)
    return {"http": " ".join(token(h) for h in code.http) or "unknown",
            "retryable": ("yes" if code.retryable.value else "no") if code.retryable.known else "unknown",
            "type": code.type.value if code.type.known else "unknown"}


def check_filter(page, catalog):
    """Every row carries its tokens, and the filter offers exactly the tokens the rows carry."""
    offered = json.loads(page.select_one(".xem-filter")["data-options"])
    carried = {"http": set(), "retryable": set(), "type": set()}
    for code in catalog.codes:
        row = page.select_one(f'tr[data-place="summary"][data-code="{code.code}"]')
        tokens = filter_tokens(catalog, code)
        assert {kind: row[f"data-{kind}"] for kind in tokens} == tokens
        for kind, value in tokens.items():
            carried[kind].update(value.split())
    assert {kind: {t for t, _ in options} for kind, options in offered.items()} == carried
    for options in offered.values():  # "not documented" is the last choice of each filter
        tokens = [t for t, _ in options]
        assert "unknown" not in tokens[:-1], tokens
    labels = dict(offered["retryable"])
    assert labels.get("yes", "Yes") == "Yes" and labels.get("no", "No") == "No"


def check_summary_row(row, want):
    cells = {td["data-label"]: td for td in row.find_all("td")}
    code = cells["Code"].find("code")
    # A long code may wrap only after its separators: a <wbr> after each `_`, none elsewhere.
    assert [str(n) for n in code.contents if getattr(n, "name", None) is None] == \
        [part + "_" for part in code.get_text("").split("_")[:-1]] + [code.get_text("").split("_")[-1]]
    assert len(code.find_all("wbr")) == code.get_text("").count("_")
    http, retry, kind = _text(cells["HTTP"]), _text(cells["Retryable"]), _text(cells["Type"])
    assert http == (" / ".join(want["statuses"]) or "—not documented")
    assert retry == (want["retryable"] or "—not documented")
    assert kind == (want["type"] or "—not documented")


def check_row(row, want, code):
    diag = row.select_one("td.xem-diag")
    if want["command"]:
        assert _text(diag.select_one(".xem-cmd code")) == want["command"]
    else:
        assert "(no dedicated diagnostic" in _text(diag)
    assert (diag.select_one(".xem-cmd-note") is not None) == bool(want["caveat"])
    assert _text(row.select_one("strong")) == _plain(code.action)
    assert (row.select_one(".xem-badge.xem-deprecated") is not None) == (want["deprecated"] is not None)


def check_code_page(page, want, catalog, code):
    """The code's own page: title, facts with their sources, action, diagnostic, deprecation."""
    title = page.select_one('h1[data-place="page"]')
    assert title["data-code"] == code.code and _text(title) == code.code
    facts = {_text(dt): _text(dt.find_next_sibling("dd")) for dt in page.select("dl.xem-facts > dt")}
    for status, h in zip(want["statuses"], code.http):
        assert status in facts["HTTP"] and catalog.sources[h.source].title in facts["HTTP"]
    if not want["statuses"]:
        assert facts["HTTP"] == "—not documented"
    assert facts["Type"].startswith(want["type"]) if want["type"] else facts["Type"] == "—not documented"
    assert facts["Retryable"].startswith(want["retryable"]) if want["retryable"] else \
        facts["Retryable"] == "—not documented"
    assert page.select_one(".xem-facts-line").get_text() == (
        f"HTTP {' / '.join(want['statuses']) or 'not documented'} · type {want['type'] or 'not documented'} · "
        f"retryable {want['retryable'] or 'not documented'}")
    assert _text(page.select_one("#what-to-do + p strong")) == _plain(code.action)
    diag = page.select_one(".xem-diag")
    if want["command"]:
        assert _text(diag.select_one(".xem-cmd code")) == want["command"]
    else:
        assert "(no dedicated diagnostic" in _text(diag)
    assert (diag.select_one(".xem-cmd-note") is not None) == bool(want["caveat"])
    example = json.loads(page.select_one("#example").find_next("pre").get_text())["error"]
    assert (example["code"], example["message"], example["param"]) == (code.code, code.example_message,
                                                                       code.example_param)
    assert example.get("type") == (code.type.value if code.type.known else None)  # an unknown type is not invented
    deprecated = page.select_one(".xem-deprecated")
    assert (deprecated is not None) == (want["deprecated"] is not None)
    if want["deprecated"] and want["deprecated"].replacement:
        assert deprecated.find("a", href=f"../{want['deprecated'].replacement}/") is not None


def written_params(catalog_dir):
    """Each code's example `param` as the YAML has it (the model is what is being checked)."""
    import yaml
    return {e["code"]: e["example"]["param"] for f in sorted((catalog_dir / "sections").glob("*.yaml"))
            for e in (yaml.safe_load(f.read_text()) or {}).get("codes") or []}


def check_site(site, catalog):
    ts = BeautifulSoup((site / "troubleshooting/index.html").read_text(), "html.parser")
    ec = BeautifulSoup((site / "error-codes/index.html").read_text(), "html.parser")
    exported = {c["code"]: c for c in json.loads((site / "catalog.json").read_text())["codes"]}
    lookup = {c["code"]: c for c in json.loads((site / "assets/lookup.json").read_text())["codes"]}
    check_filter(ec, catalog)
    for code in catalog.codes:
        want = expected(catalog, code)
        check_row(ts.select_one(f'tr[data-place="row"][data-code="{code.code}"]'), want, code)
        check_summary_row(ec.select_one(f'tr[data-place="summary"][data-code="{code.code}"]'), want)
        check_code_page(BeautifulSoup((site / "codes" / code.code / "index.html").read_text(), "html.parser"),
                        want, catalog, code)
        c = exported[code.code]
        assert c["doc_url"].endswith(f"/codes/{code.code}/")
        assert [h["status"] for h in c["http"]] == [h.status for h in code.http]
        assert [f"{h['status']} ({h['scope']})" if h["scope"] else str(h["status"]) for h in c["http"]] == want["statuses"]
        assert (c["retryable"], c["type"]) == (code.retryable.value, code.type.value)
        assert c["diagnostic"]["command"] == want["command"]
        if want["deprecated"] is None:
            assert c["deprecated"] is None
        else:
            d = want["deprecated"]
            assert c["deprecated"] == {"since": d.since, "replacement": d.replacement, "reason": d.reason}
        facts = lookup[code.code]["facts"]
        assert facts == (f"HTTP {' / '.join(want['statuses']) or 'not documented'} · "
                         f"type {want['type'] or 'not documented'} · retryable {want['retryable'] or 'not documented'}")
        assert lookup[code.code]["command"] == want["command"]
        assert " ".join("".join(piece for _, piece in lookup[code.code]["action"]).split()) == _plain(code.action)
        assert (lookup[code.code]["caveat"] is None) == (want["caveat"] is None)


def test_every_fact_on_every_page_and_file_is_the_catalogs(site, catalog):
    from conftest import ROOT
    check_site(site, catalog)
    params = written_params(ROOT / "catalog")
    assert any(params.values())  # some code's example names a parameter
    assert {c.code: c.example_param for c in catalog.codes} == params


def test_explain_states_every_fact_of_every_code(catalog):
    for code in catalog.codes:
        want = expected(catalog, code)
        out = xemcat("explain", code.code).stdout
        lines = {l.split()[0]: " ".join(l.split()[1:]) for l in out.splitlines() if l.startswith("  ") and l.split()}
        assert lines["HTTP"] == (" / ".join(want["statuses"]) or "not documented"), code.code
        assert lines["Type"] == (want["type"] or "not documented"), code.code
        assert lines["Retryable"] == (want["retryable"] or "not documented"), code.code
        assert lines["Diagnostic"].startswith(want["command"] or "(no dedicated diagnostic"), code.code


DEPRECATED = """
  - code: invocation_gone
    description: The invocation was removed by retention.
    http: unknown
    retryable: unknown
    type: unknown
    action: Start a new invocation.
    diagnostic:
      command: xeroctl exec list
    example:
      message: The invocation is gone.
      param: null
    deprecated:
      since: '2026-11-01'
      replacement: invocation_not_found
      reason: Merged into `invocation_not_found`.
"""


@pytest.fixture(scope=shared_scope("module"))
def deprecated_site(tmp_path_factory):
    """The shipped catalog has no deprecated code: a copy with one, built."""
    from conftest import copy_project
    from xemcat.catalog import load_catalog
    project = copy_project(tmp_path_factory.mktemp("deprecated") / "project")
    section = project / "catalog/sections/06-lifecycle.yaml"
    section.write_text(section.read_text() + DEPRECATED)
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    return project, load_catalog(project / "catalog")


def test_a_deprecated_code_is_marked_everywhere_with_its_replacement(deprecated_site):
    project, catalog = deprecated_site
    assert catalog.by_code["invocation_gone"].deprecated is not None
    check_site(project / "site", catalog)
    out = xemcat("--catalog", "catalog", "explain", "invocation_gone", cwd=project).stdout
    assert "DEPRECATED since 2026-11-01; use invocation_not_found." in out
    listing = xemcat("--catalog", "catalog", "explain", "--list", cwd=project).stdout
    assert "[deprecated]" in next(l for l in listing.splitlines() if l.startswith("invocation_gone"))


@pytest.mark.parametrize("replacement, words", [("invocation_gone", "its own replacement"),
                                                ("invocation_gonne", "not a code in the catalog")])
def test_a_replacement_must_be_another_existing_code(project, replacement, words):
    section = project / "catalog/sections/06-lifecycle.yaml"
    section.write_text(section.read_text() + DEPRECATED.replace("replacement: invocation_not_found",
                                                                f"replacement: {replacement}"))
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1 and words in result.stdout, result.stdout
    assert result.stdout.startswith("catalog/sections/06-lifecycle.yaml:")
