"""CI's view: zero broken links or anchors, no code lost, catalog.json's doc_urls resolve.
Each check is also shown to fail, on a deliberately broken copy of the built site."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import xemcat
from xemcat.sitecheck import check_links, lost_codes

SITE_URL = "http://127.0.0.1:8000/"


@pytest.fixture()
def site_copy(site, tmp_path) -> Path:
    dest = tmp_path / "site"
    shutil.copytree(site, dest)
    return dest


def test_built_site_has_no_broken_links(site):
    report = check_links(site, SITE_URL)
    assert report.broken == []
    assert report.pages >= 5 and report.links > 100


def test_external_links_are_few_and_intended(site, catalog):
    report = check_links(site, SITE_URL)
    assert set(report.external) == {s.url for s in catalog.sources.values()}


def test_a_broken_link_is_reported_with_page_and_link(site_copy):
    page = site_copy / "index.html"
    page.write_text(page.read_text().replace('href="troubleshooting/"', 'href="troubleshootin/"', 1))
    report = check_links(site_copy, SITE_URL)
    assert any(b.startswith("index.html: troubleshootin/: no such file") for b in report.broken), report.broken


def test_a_removed_anchor_is_reported(site_copy):
    page = site_copy / "troubleshooting" / "index.html"
    page.write_text(page.read_text().replace('<h3 class="xem-row-code" id="invalid_body">', '<h3 class="xem-row-code">'))
    report = check_links(site_copy, SITE_URL)
    assert "troubleshooting/index.html: #invalid_body: no element with id \"invalid_body\" " \
           "in troubleshooting/index.html" in report.broken


def test_a_missing_asset_is_reported(site_copy):
    (site_copy / "assets" / "xem.css").unlink()
    report = check_links(site_copy, SITE_URL)
    assert any("assets/xem.css: no such file" in b for b in report.broken)


def test_no_code_lost(site, catalog):
    assert lost_codes(site, [c.code for c in catalog.codes]) == []


def test_a_dropped_code_is_reported(site_copy, catalog):
    page = site_copy / "troubleshooting" / "index.html"
    html = page.read_text()
    start = html.index('<tr data-code="model_not_scoring"')
    page.write_text(html[:start] + html[html.index("</tr>", start) + 5:])
    index = site_copy / "search" / "search_index.json"
    data = json.loads(index.read_text())
    data["docs"] = [d for d in data["docs"] if d["location"] != "codes/invalid_tier/"]
    index.write_text(json.dumps(data))
    problems = lost_codes(site_copy, [c.code for c in catalog.codes])
    assert "troubleshooting rows: model_not_scoring: appears 0 times, expected once" in problems
    assert "search index: invalid_tier: appears 0 times, expected once" in problems


def test_sitecheck_command(site_copy):
    ok = xemcat("sitecheck", str(site_copy), "--site-url", SITE_URL)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # Nothing broken: stdout (the problems) is empty; the summary and the external links, which
    # are listed to be checked online, are stderr.
    assert ok.stdout == ""
    summary, *external = ok.stderr.splitlines()
    assert re.fullmatch(r"checked \d+ links on \d+ pages; 0 broken; (\d+) external:", summary)
    assert len(external) == int(summary.split("; ")[2].split()[0]) > 0
    assert all(re.fullmatch(r"  https://\S+  \(on \d+ page\(s\)\)", line) for line in external), external
    page = site_copy / "index.html"
    page.write_text(page.read_text().replace('href="troubleshooting/"', 'href="troubleshootin/"', 1))
    bad = xemcat("sitecheck", str(site_copy), "--site-url", SITE_URL)
    assert bad.returncode == 1 and "index.html: troubleshootin/: no such file" in bad.stdout


def test_catalog_json_contract(site, catalog):
    data = json.loads((site / "catalog.json").read_text())
    assert data["version"] == 1
    assert [c["code"] for c in data["codes"]] == [c.code for c in catalog.codes]
    entry = next(c for c in data["codes"] if c["code"] == "exec_tool_not_found")
    assert [h["status"] for h in entry["http"]] == [400, 404]
    assert entry["retryable"] is False and entry["type"] == "invalid_request_error"
    assert entry["diagnostic"] == {"command": "xeroctl exec tools", "text": "xeroctl exec tools"}
    unknown = next(c for c in data["codes"] if c["code"] == "billing_delinquent")
    assert unknown["http"] == [] and unknown["retryable"] is None and unknown["type"] is None
    # Each envelope type: its statuses and what to do without a code, as the catalog has them.
    assert [(t["type"], t["when_code_missing"], t["advice_basis"], [h["status"] for h in t["http"]])
            for t in data["envelope_types"]] == [(t.type, t.when_code_missing, t.advice_basis,
                                                  [h.status for h in t.http]) for t in catalog.envelope_types]
    assert all(set(c["type"] for c in data["codes"] if c["code"] in t["codes"]) <= {t["type"]}
               for t in data["envelope_types"])
    assert json.loads((site / "schema.json").read_text())["$schema"].endswith("2020-12/schema")


def test_every_doc_url_resolves_to_an_anchor(site):
    """doc_url is the code's own page (the code is its title); the row and entry URLs land on
    the code's anchor."""
    from xemcat.sitecheck import parse_page
    data = json.loads((site / "catalog.json").read_text())
    for entry in data["codes"]:
        page = urlparse(entry["doc_url"])
        assert entry["doc_url"].startswith(SITE_URL) and not page.fragment
        assert ("page", entry["code"]) in parse_page(site / page.path.lstrip("/") / "index.html").places
        for key in ("error_codes_url", "troubleshooting_url"):
            url = urlparse(entry[key])
            assert entry[key].startswith(SITE_URL)
            target = site / url.path.lstrip("/") / "index.html"
            assert url.fragment == entry["code"]
            assert url.fragment in parse_page(target).ids, entry[key]


def test_documented_contract_matches_catalog_json(site):
    """docs/catalog-json.md lists exactly the fields catalog.json has."""
    import re
    from conftest import ROOT
    doc = (ROOT / "docs" / "catalog-json.md").read_text()
    documented = re.findall(r"^\| `([a-z_]+)` \|", doc, flags=re.M)
    data = json.loads((site / "catalog.json").read_text())
    top = [k for k in data if k not in ("version", "codes")]
    assert documented == list(data["codes"][0]) + top


def test_the_online_check_reports_each_failing_address_and_passes_the_rest(tmp_path):
    """`sitecheck --online` (HEAD each external link) against a loopback server: one address
    that answers, one missing page, one port nobody listens on."""
    import socket
    from conftest import serve
    from xemcat.sitecheck import check_external
    (tmp_path / "here.html").write_text("ok")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/"  # bound, never listening: refused
    with serve(tmp_path) as base:
        failures = check_external([f"{base}/here.html", f"{base}/gone.html", closed], timeout=5)
    assert failures[0].startswith(f"{base}/gone.html: ") and "404" in failures[0]
    assert failures[1].startswith(f"{closed}: ") and "refused" in failures[1].lower()
    assert len(failures) == 2


def test_the_online_check_names_itself_to_the_servers_it_asks(tmp_path):
    """Site operators can tell (and allow) the link checker by its User-Agent; it asks with HEAD."""
    import http.server
    import threading
    from xemcat.sitecheck import check_external
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            seen.append((self.command, self.headers.get("User-Agent")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert check_external([f"http://127.0.0.1:{server.server_port}/page"], timeout=5) == []
    finally:
        server.shutdown()
        server.server_close()
    assert seen == [("HEAD", "xemcat-linkcheck")]
