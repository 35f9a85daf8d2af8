"""A code's life after it is published (issue 22): renamed, its old addresses lead to the new
name; removed, it keeps its page, rows and anchors as a tombstone; the look-up knows both.

The fixture is a copy of the project where `tool_executor_unavailable` was renamed to
`tool_runner_unavailable` and `approval_not_pending` was deprecated and then removed."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import LOOKUP_READY, ROOT, copy_project, edit, mkdocs_build, open_page, shared_scope, xemcat

OLD, NEW = "tool_executor_unavailable", "tool_runner_unavailable"
GONE, INSTEAD = "approval_not_pending", "approval_not_found"


def lifecycle(project):
    edit(project / "catalog/sections/04-execution.yaml", f"  - code: {OLD}\n",
         f"  - code: {NEW}\n    former_names:\n      - name: {OLD}\n        renamed: '2026-12-01'\n")
    for f in (project / "catalog").rglob("*.yaml"):  # prose that names the old code names the new one
        f.write_text(f.read_text().replace(f"`{OLD}`", f"`{NEW}`"))
    edit(project / "catalog/sections/05-approvals.yaml", f"  - code: {GONE}\n",
         f"  - code: {GONE}\n    deprecated:\n      since: '2026-11-30'\n      replacement: {INSTEAD}\n"
         f"      reason: Merged.\n    removed:\n      date: '2026-12-01'\n      replacement: {INSTEAD}\n"
         f"      reason: The router reports it as `{INSTEAD}`.\n")
    return project


@pytest.fixture(scope=shared_scope("module"))
def built(tmp_path_factory):
    project = lifecycle(copy_project(tmp_path_factory.mktemp("lifecycle") / "project"))
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stdout + result.stderr
    return project, site


def test_every_link_resolves_with_renamed_and_removed_codes(built):
    project, site = built
    check = xemcat("--catalog", "catalog", "sitecheck", str(site), cwd=project)
    assert check.returncode == 0, check.stdout + check.stderr
    data = {c["code"]: c for c in json.loads((site / "catalog.json").read_text())["codes"]}
    assert data[NEW]["former_names"] == [{"name": OLD, "renamed": "2026-12-01"}] and OLD not in data
    assert data[GONE]["removed"] == {"date": "2026-12-01", "replacement": INSTEAD,
                                     "reason": f"The router reports it as `{INSTEAD}`."}


@pytest.mark.parametrize("path, lands_on", [
    (f"/codes/{OLD}/", f"/codes/{NEW}/"),
    (f"/codes/{OLD}/#facts", f"/codes/{NEW}/#facts"),
])
def test_a_former_names_page_address_leads_to_the_new_page(browser, built, path, lands_on):
    _, site = built
    with open_page(browser, site, path) as page:
        page.wait_for_url(f"**{lands_on}")
        assert page.locator("h1").inner_text().replace("\u200b", "") == NEW
        assert page.locator('link[rel="canonical"]').get_attribute("href").endswith(f"/codes/{NEW}/")


@pytest.mark.parametrize("path, place", [("/troubleshooting/", "row"), ("/error-codes/", "summary")])
def test_a_former_names_anchor_lands_on_the_renamed_row(browser, built, path, place):
    _, site = built
    with open_page(browser, site, f"{path}#{OLD}") as page:
        page.wait_for_timeout(300)
        shown = page.evaluate(f"""() => {{
            const t = document.querySelector(':target'), box = t.closest('[data-place="{place}"]'),
                  r = t.getBoundingClientRect();
            return {{code: box && box.dataset.code, top: r.top, vh: innerHeight}};
        }}""")
        assert shown["code"] == NEW and 0 <= shown["top"] < shown["vh"], shown


def test_a_removed_code_keeps_its_page_and_rows_as_a_tombstone(built):
    from bs4 import BeautifulSoup
    _, site = built
    page = BeautifulSoup((site / f"codes/{GONE}/index.html").read_text(), "html.parser")
    banner = page.select_one(".admonition.xem-removed")
    assert "Removed on 2026-12-01" in banner.get_text() and banner.find("a", href=f"../{INSTEAD}/")
    assert "2026-12-01: removed." in page.select_one(".xem-history").get_text()
    row = BeautifulSoup((site / "troubleshooting/index.html").read_text(), "html.parser").select_one(
        f'tr[data-code="{GONE}"]')
    assert row.select_one(".xem-badge.xem-removed") and row.select_one(".xem-removed")


PASTES = [OLD, json.dumps({"error": {"code": OLD, "type": "x"}}), f"code={GONE}", GONE, NEW]


def test_the_look_up_reads_former_names_and_tombstones_alike_in_both_runtimes(browser, built):
    from xemcat.lookup import interpret
    _, site = built
    data = json.loads((site / "assets/lookup.json").read_text())
    answers = [interpret(p, data).as_dict() for p in PASTES]
    assert answers[0]["code"] == answers[1]["code"] == NEW
    assert f"{OLD} was renamed to {NEW} on 2026-12-01; this is the answer for {NEW}." in answers[0]["notes"]
    assert answers[2]["code"] == answers[3]["code"] == GONE
    assert f"{GONE} was removed on 2026-12-01; clients receive {INSTEAD} instead." in answers[3]["notes"]
    assert answers[4]["notes"] == []
    with open_page(browser, site, "/", ready=LOOKUP_READY) as page:
        in_browser = page.evaluate("""async (pastes) => {
            const data = await (await fetch('assets/lookup.json')).json();
            return pastes.map(p => { const a = window.xemLookup.interpret(p, data); delete a._parts; return a; });
        }""", PASTES)
    assert in_browser == answers


def test_explain_reads_a_former_name_and_says_a_code_was_removed(built):
    project, _ = built
    old = xemcat("--catalog", "catalog", "explain", OLD, cwd=project)
    assert old.returncode == 0 and old.stdout.startswith(f"{OLD} was renamed to {NEW} on 2026-12-01")
    assert f"\n{NEW}  (" in old.stdout and f"/codes/{NEW}/" in old.stdout
    gone = xemcat("--catalog", "catalog", "explain", GONE, cwd=project)
    assert gone.stdout.startswith(f"{GONE} was removed on 2026-12-01; clients receive {INSTEAD} instead.")


def test_a_former_name_cannot_be_a_code_or_twice_a_former_name(tmp_path):
    project = lifecycle(copy_project(tmp_path / "project"))
    edit(project / "catalog/sections/04-execution.yaml", f"      - name: {OLD}\n",
         f"      - name: {OLD}\n        renamed: '2026-12-01'\n      - name: {INSTEAD}\n")
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1
    assert "04-execution.yaml:" in result.stdout and f"former name `{INSTEAD}` is a code today" in result.stdout
    edit(project / "catalog/sections/05-approvals.yaml", f"  - code: {INSTEAD}\n",
         f"  - code: {INSTEAD}\n    removed:\n      date: '2026-12-01'\n      reason: x\n")
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    # Said at each replacement that names it, under `deprecated` and under `removed`, with what to do.
    text = (project / "catalog/sections/05-approvals.yaml").read_text().splitlines()
    at = [i + 1 for i, l in enumerate(text) if l.strip() == f"replacement: {INSTEAD}"]
    said = [l for l in result.stdout.splitlines() if f"replacement `{INSTEAD}` was removed itself" in l]
    assert [(int(l.split(":")[1]), l.split(": ")[1]) for l in said] == [
        (at[0], f"codes.{GONE}.deprecated.replacement"), (at[1], f"codes.{GONE}.removed.replacement")], said
    assert all(l.endswith("name the code clients receive now") for l in said)


def test_changes_page_and_feed_list_the_events_newest_first(built):
    import feedparser
    from bs4 import BeautifulSoup
    _, site = built
    page = BeautifulSoup((site / "changes/index.html").read_text(), "html.parser")
    dates = [h.get_text(strip=True).rstrip("¶") for h in page.select("article h2")]
    assert dates == sorted(dates, reverse=True) and dates[0] == "2026-12-01", dates
    newest = [li.get_text(" ", strip=True) for li in page.select("article ul.xem-changes")[0].select("li")]
    assert newest == [f"removed {GONE} removed", f"renamed {OLD} renamed to {NEW}"], newest
    feed = feedparser.parse((site / "changes.xml").read_bytes())
    assert not feed.bozo and feed.version == "atom10", feed.get("bozo_exception")
    assert [e.title for e in feed.entries[:2]] == [f"{GONE} removed", f"{OLD} renamed to {NEW}"]
    assert feed.entries[0].link.endswith(f"/codes/{GONE}/") and feed.feed.updated.startswith("2026-12-01")
    assert len({e.id for e in feed.entries}) == len(feed.entries) == len(page.select("ul.xem-changes li"))
    # Where a feed reader goes: the feed itself (rel=self), the Changes page, each code's page.
    links = {(l.rel, l.type): l.href for l in feed.feed.links}
    assert links[("self", "application/atom+xml")].endswith("/changes.xml")
    assert links[("alternate", "text/html")].endswith("/changes/")
    assert [(l.rel, l.type) for l in feed.entries[0].links] == [("alternate", "text/html")]
    # The feed's own page link states its type (feedparser would fill in text/html if it did not).
    atom = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.fromstring((site / "changes.xml").read_bytes())
    assert {(l.get("rel"), l.get("type")) for l in root.findall(f"{atom}link")} == \
        {("self", "application/atom+xml"), ("alternate", "text/html")}


def test_every_page_announces_the_feed(built):
    from bs4 import BeautifulSoup
    _, site = built
    for html in site.rglob("*.html"):
        head = BeautifulSoup(html.read_text(), "html.parser").head
        if head.find("meta", attrs={"http-equiv": "refresh"}):
            continue  # a former name's redirect page
        link = head.find("link", rel="alternate", type="application/atom+xml")
        assert link is not None, html
        assert (html.parent / link["href"]).resolve() == (site / "changes.xml").resolve() or link["href"] == "/changes.xml"


def test_every_address_published_at_the_base_still_resolves(tmp_path):
    """The permalink contract (`sitecheck --against BASE`, run by tools/ci-check.sh on pull
    requests): a rename without a former name, or a deleted section, drops addresses and fails
    naming each; the same rename with its former name keeps them all."""
    import subprocess
    project = copy_project(tmp_path / "project")
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base"]):
        subprocess.run(["git", *args], cwd=project, check=True)
    edit(project / "catalog/sections/04-execution.yaml", f"  - code: {OLD}\n", f"  - code: {NEW}\n")
    for f in (project / "catalog").rglob("*.yaml"):
        f.write_text(f.read_text().replace(f"`{OLD}`", f"`{NEW}`"))
    site = project / "site"
    assert mkdocs_build(project, site).returncode == 0
    check = xemcat("--catalog", "catalog", "sitecheck", str(site), "--against", "HEAD", cwd=project)
    assert check.returncode == 1
    for address in (f"codes/{OLD}/: no page", f"troubleshooting/#{OLD}: no element", f"error-codes/#{OLD}: no element"):
        assert address in check.stdout, check.stdout
    assert f"`{OLD}` is no code or former name any more" in check.stdout
    edit(project / "catalog/sections/04-execution.yaml", f"  - code: {NEW}\n",
         f"  - code: {NEW}\n    former_names:\n      - name: {OLD}\n        renamed: '2026-12-01'\n")
    assert mkdocs_build(project, site).returncode == 0
    check = xemcat("--catalog", "catalog", "sitecheck", str(site), "--against", "HEAD", cwd=project)
    assert check.returncode == 0, check.stdout
    edit(project / "catalog/sections/05-approvals.yaml", "  id: approvals\n", "  id: approvals-v2\n")
    assert mkdocs_build(project, site).returncode == 0
    check = xemcat("--catalog", "catalog", "sitecheck", str(site), "--against", "HEAD", cwd=project)
    assert check.returncode == 1 and "troubleshooting/#approvals: no element" in check.stdout


def test_a_code_page_links_to_its_entry_in_the_repository_when_configured(tmp_path):
    """With XEMCAT_EDIT_URL (mkdocs.yml's catalog_edit_url) each code's page links to its file
    and line; without it there is no such link."""
    from bs4 import BeautifulSoup
    from conftest import ENV
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    result = mkdocs_build(project, site, env={**ENV, "XEMCAT_EDIT_URL": "https://example.test/o/r/blob/abc123/"})
    assert result.returncode == 0, result.stdout + result.stderr
    link = BeautifulSoup((site / f"codes/{OLD}/index.html").read_text(), "html.parser").find(
        "a", string="This entry in the catalog")
    path, _, line = link["href"].removeprefix("https://example.test/o/r/blob/abc123/").partition("#L")
    assert (project / path).read_text().splitlines()[int(line) - 1] == f"  - code: {OLD}"
    plain = tmp_path / "plain"
    assert mkdocs_build(project, plain).returncode == 0
    assert "This entry in the catalog" not in (plain / f"codes/{OLD}/index.html").read_text()


def test_compare_says_each_change_of_a_code_and_whether_it_breaks_clients(tmp_path):
    """`xemcat diff` and the gate read this list: each fact's old and new value in the catalog's
    words, and a change breaks clients when a fact they could rely on (a documented status,
    type or retry answer) changes, or a code disappears without a tombstone."""
    import shutil
    from xemcat.breaking import Change, compare
    from xemcat.catalog import load_catalog
    shutil.copytree(ROOT / "catalog", tmp_path / "old")
    new = Path(shutil.copytree(ROOT / "catalog", tmp_path / "new"))
    f = new / "sections/04-execution.yaml"
    edit(f, "      - status: 400\n        source: error-codes\n    retryable:\n      value: false\n      source: error-codes\n"
            "    type: unknown\n    action: >-\n      Compare the body",
         "      - status: 422\n        source: error-codes\n    retryable: unknown\n    type:\n"
         "      value: invalid_request_error\n      source: error-codes\n    action: >-\n      Now compare the body")
    edit(f, "    http:\n      - status: 400\n        source: error-codes\n    retryable:\n      value: false\n"
            "      source: error-codes\n    type: unknown\n    action: >-\n      Change the workspace's",
         "    http: unknown\n    retryable:\n      value: true\n      source: error-codes\n    type: unknown\n"
         "    action: >-\n      Change the workspace's")
    edit(f, "      command: xeroctl exec tool-show <tool>\n", "      command: xeroctl exec tools\n")
    edit(f, "    description: The tool exists, but", "    deprecated:\n      since: '2026-12-01'\n"
            "      reason: Hidden tools now answer exec_tool_not_found.\n    description: The tool exists, but")
    gone = "tool_executor_unavailable"
    text = f.read_text()
    start = text.index(f"  - code: {gone}\n")
    f.write_text(text[:start] + text[text.index("  - code: ", start + 1):])
    for other in new.rglob("*.yaml"):  # prose that named the deleted code
        other.write_text(other.read_text().replace(f"`{gone}`", "the executor"))
    changes = compare(load_catalog(tmp_path / "old"), load_catalog(new))
    assert changes == [
        Change(gone, "deleted", [], breaking=True),
        Change("invalid_body", "changed", ["HTTP 400 -> 422", "type unknown -> invalid_request_error",
                                           "retryable no -> unknown", "action changed"], breaking=True),
        Change("tool_not_mcp_visible", "changed", ["HTTP 400 -> unknown", "retryable no -> yes",
                                                   "diagnostic xeroctl exec tool-show <tool> -> xeroctl exec tools",
                                                   "deprecated"], breaking=True),
    ]
    back = compare(load_catalog(new), load_catalog(tmp_path / "old"))
    assert [(c.code, c.kind, c.breaking) for c in back][-1:] == [(gone, "added", False)]
    undeprecated = next(c for c in back if c.code == "tool_not_mcp_visible")
    assert undeprecated.details[:2] == ["HTTP unknown -> 400", "retryable yes -> no"]
    assert undeprecated.details[-1] == "no longer deprecated" and undeprecated.breaking  # yes -> no is known
    relaxed = next(c for c in back if c.code == "invalid_body")
    assert relaxed.details[:3] == ["HTTP 422 -> 400", "type invalid_request_error -> unknown", "retryable unknown -> no"]


def test_a_code_removed_without_replacement_is_said_with_its_date(tmp_path):
    """The look-up's note for a tombstone with no replacement: when, and nothing invented instead."""
    from xemcat import phrases
    project = copy_project(tmp_path / "project")
    gone = "approval_not_pending"
    edit(project / "catalog/sections/05-approvals.yaml", f"  - code: {gone}\n",
         f"  - code: {gone}\n    deprecated:\n      since: '2026-11-30'\n      reason: Retired.\n"
         f"    removed:\n      date: '2026-12-02'\n      reason: The router no longer sends it.\n")
    said = xemcat("--catalog", "catalog", "explain", gone, cwd=project)
    assert said.returncode == 0
    assert said.stdout.splitlines()[0] == phrases.LOOKUP["removed_code"].format(code=gone, date="2026-12-02")
    assert "instead" not in said.stdout.splitlines()[0]


def test_the_feed_addresses_hang_under_the_site_address_with_or_without_its_slash(catalog):
    import feedparser
    from xemcat.feed import atom_feed
    for site_url in ("https://docs.example.org/xem", "https://docs.example.org/xem/"):
        feed = feedparser.parse(atom_feed(catalog, site_url).encode())
        hrefs = [l.href for l in feed.feed.links] + [l.href for e in feed.entries for l in e.links]
        assert hrefs and all(h.startswith("https://docs.example.org/xem/") and "//" not in h[8:] for h in hrefs)


def test_an_address_of_a_former_name_resolves_through_its_redirect_page(built):
    """What the published-address check relies on: a former name's page is followed to the
    code's page once, and the fragment is looked for there."""
    from xemcat.sitecheck import unresolved
    _, site = built
    assert unresolved(site, [f"codes/{OLD}/", f"codes/{OLD}/#facts", f"codes/{NEW}/#facts"]) == []
    assert unresolved(site, [f"codes/{OLD}/#no-such-part"]) == [
        (f"codes/{OLD}/#no-such-part", 'no element with id "no-such-part" on the page')]


def test_a_page_that_is_not_utf8_is_still_read(tmp_path):
    from xemcat.sitecheck import parse_page
    page = tmp_path / "index.html"
    page.write_bytes(b'<html><body><h2 id="kept">caf\xe9</h2><a href="x/">x</a></body></html>')
    parsed = parse_page(page)
    assert "kept" in parsed.ids and parsed.links
