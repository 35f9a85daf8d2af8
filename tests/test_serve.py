"""`mkdocs serve` never hangs on a bad catalog: the pages show the problems, then recover."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ENV, edit, mkdocs_build


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    """A bounded HTTP client: a hanging request fails the test instead of stalling it."""
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""


def wait_for(url: str, predicate, deadline_s: float = 45) -> str:
    end = time.monotonic() + deadline_s
    last = ""
    while time.monotonic() < end:
        try:
            status, body = get(url)
            last = body
            if status == 200 and predicate(body):
                return body
        except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout) as exc:
            last = repr(exc)
        time.sleep(0.3)
    pytest.fail(f"condition not met at {url} within {deadline_s}s; last response: {last[:300]}")


@pytest.fixture()
def server(project: Path):
    port = free_port()
    log = project.parent / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                                cwd=project, env=ENV, stdout=out, stderr=subprocess.STDOUT, text=True)
        try:
            yield project, f"http://127.0.0.1:{port}", log
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_serve_shows_problems_then_recovers(server):
    project, base, log = server
    page = f"{base}/troubleshooting/"
    wait_for(page, lambda b: 'id="scope_insufficient"' in b)
    f = project / "catalog/sections/02-agents.yaml"
    good = f.read_text()
    edit(f, "command: xeroctl agents\n", "command: xeroctl agents doctor\n")
    body = wait_for(page, lambda b: "Catalog has problems" in b)
    assert "catalog/sections/02-agents.yaml:" in body and "xeroctl agents doctor" in body
    assert "Catalog has problems" in wait_for(f"{base}/error-codes/", lambda b: "Catalog has problems" in b)
    terminal = log.read_text()
    assert "catalog/sections/02-agents.yaml:" in terminal and "Traceback" not in terminal
    # The field reference a writer needs right now stays; every page carries the banner.
    contributing = wait_for(f"{base}/contributing/", lambda b: "xem-problems-banner" in b)
    assert 'id="fields"' in contributing and "Catalog has problems" not in contributing
    assert "xem-problems-banner" in wait_for(f"{base}/performance/", lambda b: "xem-problems-banner" in b)
    assert "Catalog has problems" in wait_for(f"{base}/", lambda b: "Catalog has problems" in b)  # Home is generated
    assert "anchor" not in log.read_text().lower(), "knock-on anchor warnings about replaced pages"
    f.write_text(good)
    body = wait_for(page, lambda b: 'id="scope_insufficient"' in b)
    assert "Catalog has problems" not in body and "xem-problems-banner" not in body


def test_a_preview_build_of_a_broken_catalog_shows_the_problems_on_its_pages(project, tmp_path, site):
    """What each `mkdocs serve` rebuild does with an invalid catalog, in this process (the test
    above watches the server itself): it builds, generated pages list the problems, the others
    carry a banner naming the first, and Contributing keeps its field reference."""
    edit(project / "catalog/sections/02-agents.yaml", "command: xeroctl agents\n",
         "command: xeroctl agents doctor\n")
    good, site = site, tmp_path / "site"
    result = mkdocs_build(project, site, command="serve")
    assert result.returncode == 0, result.stderr
    problem = next(l for l in result.stderr.splitlines() if "catalog/sections/02-agents.yaml:" in l)
    assert problem.startswith("ERROR") and "xeroctl agents doctor" in problem
    from bs4 import BeautifulSoup
    for page in ("troubleshooting", "error-codes", "changes", "."):
        article = BeautifulSoup((site / page / "index.html").read_text(), "html.parser").find("article")
        assert article.find("h1").get_text(strip=True) == "Catalog has problems", page
        assert article.find("h1")["id"] == "catalog-has-problems"
        toc = BeautifulSoup((site / page / "index.html").read_text(), "html.parser").select(".md-nav--secondary a")
        assert not [a for a in toc if "Catalog has problems" in a.get_text()], page  # the title, not a section
        said = article.find("h1").find_next_sibling()
        assert "failure" in said["class"] and not article.find("h1").next_sibling.strip(), page  # nothing between
        assert " ".join(said.get_text(" ").split()) == (
            "The catalog is invalid, so this page could not be generated Fix these and save; the preview reloads "
            "on its own. mkdocs build refuses to build until then."), page
        assert article.select_one(".admonition.failure .admonition-title").get_text() == (
            "The catalog is invalid, so this page could not be generated"), page
        assert article.find("pre").get_text().strip() == problem.split("-  ", 1)[1], page  # the problem, as logged
        assert " ".join(article.get_text(" ").split()).endswith(
            "until then. " + " ".join(problem.split("-  ", 1)[1].split())), page  # and nothing after it
    contributing = (site / "contributing/index.html").read_text()
    assert 'id="fields"' in contributing and "Catalog has problems" not in contributing
    # Both field references, as a good build has them: what a writer fixing the catalog reads.
    def field_tables(html):
        return [" ".join(t.get_text(" ").split()) for t in BeautifulSoup(html, "html.parser").select("table.xem-fields")]
    assert field_tables(contributing) == field_tables((good / "contributing/index.html").read_text())
    assert len(field_tables(contributing)) == 2 and all(len(t) > 500 for t in field_tables(contributing))
    banner = (site / "performance/index.html").read_text()
    assert "The catalog has 1 problem(s)" in banner and "xem-problems-banner" in banner
    assert mkdocs_build(project, tmp_path / "refused").returncode == 1  # `mkdocs build` refuses


def test_the_problems_page_lists_each_problem_on_its_own_line_under_its_title():
    """What the preview shows for a generated page while the catalog is invalid: the problems,
    one per line as `check` prints them, under a heading the table of contents names."""
    from bs4 import BeautifulSoup
    from xemcat.pages import PAGES
    from xemcat.problems import Problem
    from xemcat.render import render_problems_page
    problems = [Problem("catalog/a.yaml", 3, 7, "section.id", "one <b>"), Problem("catalog/b.yaml", 9, 1, "codes", "two")]
    page = render_problems_page(PAGES[0], problems)
    assert [(h.level, h.id, h.title) for h in page.headings] == [(1, "catalog-has-problems", "Catalog has problems")]
    shown = BeautifulSoup(page.html, "html.parser")
    assert shown.h1.get_text() == "Catalog has problems"
    assert shown.select_one("pre code").get_text().splitlines() == [str(p) for p in problems]
