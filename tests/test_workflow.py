"""The pull-request workflow (issue 14): linted clean by actionlint and zizmor, thin (each step
calls a script in tools/), pinned, least-privileged; its scripts run here; a build for
publishing never carries a loopback doc_url."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ENV, ROOT, copy_project, edit, mkdocs_build, run, xemcat

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def test_there_is_a_workflow_and_actionlint_finds_nothing():
    assert WORKFLOWS, "no workflow in .github/workflows"
    result = run([str(BIN / "actionlint"), *map(str, WORKFLOWS)], ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_even_as_an_auditor():
    result = run([str(BIN / "zizmor"), "--offline", "--persona", "auditor", *map(str, WORKFLOWS),
                  str(ROOT / "action.yml")], ROOT)  # the composite action too
    assert result.returncode == 0 and "No findings" in result.stdout, result.stdout + result.stderr


def test_workflow_is_thin_pinned_and_least_privileged():
    flow = yaml.safe_load(WORKFLOWS[0].read_text())
    assert flow["permissions"] == {}
    triggers = flow[True] if True in flow else flow["on"]  # YAML 1.1 reads `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    for name, job in flow["jobs"].items():
        assert "contents" in job["permissions"] and set(job["permissions"]) <= {"contents", "pages", "id-token"}
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
            if "run" in step:
                script = re.fullmatch(r'sh (tools/[\w-]+\.sh)( "\$\w+")?', step["run"].strip())
                assert script and (ROOT / script.group(1)).is_file(), step["run"]
    check = flow["jobs"]["check"]
    assert check["steps"][0]["with"]["fetch-depth"] == 0
    deploy = [s.get("uses", "").split("@")[0] for s in flow["jobs"]["deploy"]["steps"]]
    assert "actions/upload-pages-artifact" in deploy and deploy[-1] == "actions/deploy-pages"


@pytest.fixture()
def clone(tmp_path):
    """A git repository of the project (with this environment's .venv), as CI checks it out."""
    project = copy_project(tmp_path / "repo")
    shutil.copy2(ROOT / "pyproject.toml", project / "pyproject.toml")
    # This environment's tools, behind wrappers and fresh install stamps: tools/venv.sh sees a
    # ready .venv and installs nothing (a reinstall would repoint the shared one at this copy).
    venv_bin = project / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    for tool in ("python", "xemcat", "mkdocs"):
        wrapper = venv_bin / tool
        wrapper.write_text(f'#!/bin/sh\nexec "{BIN / tool}" "$@"\n')
        wrapper.chmod(0o755)
    for extra in ("site", "test"):
        (project / ".venv" / f".installed-{extra}").touch()
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t",
                                                              "commit", "-qm", "base"]):
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)
    return project


def test_ci_check_script_passes_and_gates_breaking_changes(clone):
    env = {**ENV, "PYTHONPATH": str(clone / "tools")}
    ok = run(["sh", "tools/ci-check.sh", "HEAD"], clone, timeout=600, env=env)
    assert ok.returncode == 0, ok.stdout[-2000:] + ok.stderr[-2000:]
    assert "checked" in ok.stderr and (clone / "site" / "index.html").is_file()
    f = clone / "catalog" / "sections" / "04-execution.yaml"
    text = f.read_text()
    f.write_text(text.replace("- status: 400", "- status: 422", 1))
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "change"], cwd=clone,
                   check=True)
    gated = run(["sh", "tools/ci-check.sh", "HEAD~1"], clone, timeout=600, env={**env, "GITHUB_ACTIONS": "true"})
    assert gated.returncode == 1
    assert re.search(r"^::error file=catalog/sections/04-execution.yaml,line=\d+,col=\d+::.*breaking", gated.stdout,
                     re.M), gated.stdout


@pytest.mark.parametrize("url", ["", "http://127.0.0.1:8000/", "http://localhost:8000/", "http://[::1]:8000/"])
def test_a_build_for_publishing_refuses_a_local_or_empty_address(project, url):
    out = project / "site"
    result = mkdocs_build(project, out, env={**ENV, "XEMCAT_PUBLISH": "1", "SITE_URL": url}, process=True)
    assert result.returncode == 1 and "XEMCAT_PUBLISH" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not (out / "catalog.json").exists()


def test_published_and_local_builds_say_which_they_are(project, site):
    local = json.loads((site / "catalog.json").read_text())
    assert local["published"] is False
    out = project / "site"
    result = mkdocs_build(project, out, env={**ENV, "XEMCAT_PUBLISH": "1", "SITE_URL": "https://docs.example.org/xem/"})
    assert result.returncode == 0, result.stderr
    published = json.loads((out / "catalog.json").read_text())
    assert published["published"] is True
    assert all(c["doc_url"] == f"https://docs.example.org/xem/codes/{c['code']}/" for c in published["codes"])


def test_ci_check_without_the_base_commit_says_so_in_one_line_and_still_checks(clone):
    env = {**ENV, "PYTHONPATH": str(clone / "tools")}
    missing = run(["sh", "tools/ci-check.sh", "1234567890abcdef1234567890abcdef12345678"], clone, timeout=600, env=env)
    assert missing.returncode == 0, missing.stdout[-2000:] + missing.stderr[-2000:]
    said = [l for l in missing.stderr.splitlines() if l.startswith("ci-check:")]
    assert said == ["ci-check: base 1234567890abcdef1234567890abcdef12345678 is not in this clone (a force-push?); "
                    "checking without the breaking-change gate"]
    subprocess.run(["git", "checkout", "-q", "--orphan", "other"], cwd=clone, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "unrelated"], cwd=clone,
                   check=True)
    unrelated = run(["sh", "tools/ci-check.sh", "main"], clone, timeout=600, env=env)
    assert unrelated.returncode == 0 and "share no history" in unrelated.stderr, unrelated.stderr[-2000:]


def test_a_site_served_under_a_path_builds_and_passes_the_link_check(project):
    """GitHub Pages serves a project site under /REPO/: the published build's absolute links
    (Material's 404 page) carry that path, and the link check reads them so."""
    out = project / "site"
    url = "https://owner.github.io/repo/"
    result = mkdocs_build(project, out, env={**ENV, "XEMCAT_PUBLISH": "1", "SITE_URL": url})
    assert result.returncode == 0, result.stderr
    assert 'href="/repo/assets/' in (out / "404.html").read_text()
    check = xemcat("--catalog", "catalog", "sitecheck", str(out), "--site-url", url, cwd=project)
    assert check.returncode == 0, check.stdout + check.stderr
    (out / "404.html").write_text((out / "404.html").read_text().replace('href="/repo/assets/', 'href="/other/assets/', 1))
    broken = xemcat("--catalog", "catalog", "sitecheck", str(out), "--site-url", url, cwd=project)
    assert broken.returncode == 1 and "outside the site's path /repo/" in broken.stdout


def test_spelling_of_the_prose_is_checked(project):
    env = {**ENV, "PYTHONPATH": str(project / "tools")}
    _venv_wrappers(project, ("codespell",))
    ok = run(["sh", "tools/ci-spell.sh"], project, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    edit(project / "catalog/sections/02-agents.yaml", "is unknown, for example", "is unknown, for exmaple")
    bad = run(["sh", "tools/ci-spell.sh"], project, env=env)
    assert bad.returncode != 0 and "catalog/sections/02-agents.yaml:" in bad.stdout and "exmaple" in bad.stdout


def test_the_link_check_reads_every_source_the_catalog_cites(project, catalog, tmp_path):
    _venv_wrappers(project, ("lychee",))
    report = tmp_path / "links.txt"
    result = run(["sh", "tools/ci-links.sh", str(report), "--dump"], project)  # lists, checks nothing
    assert result.returncode == 0, result.stderr
    listed = set(report.read_text().split())
    assert {s.url for s in catalog.sources.values()} <= listed
    assert all(u.startswith(("http://", "https://")) for u in listed)


def test_the_pre_commit_gate_compares_with_the_upstream_branch(clone, tmp_path):
    git = lambda *a: subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *a], cwd=clone, check=True,
                                    capture_output=True)
    env = {**ENV, "PYTHONPATH": str(clone / "tools")}
    alone = run(["sh", "tools/xemcat-hook.sh", "gate"], clone, env=env)
    assert alone.returncode == 0 and "no upstream yet" in alone.stderr
    subprocess.run(["git", "init", "-q", "--bare", str(tmp_path / "remote.git")], check=True)
    git("remote", "add", "origin", str(tmp_path / "remote.git"))
    git("push", "-q", "-u", "origin", "main")
    f = clone / "catalog" / "sections" / "04-execution.yaml"
    f.write_text(f.read_text().replace("- status: 400", "- status: 422", 1))
    git("commit", "-qam", "change a status")
    gated = run(["sh", "tools/xemcat-hook.sh", "gate"], clone, env=env)
    assert gated.returncode == 1 and "breaking" in gated.stdout, gated.stdout + gated.stderr


def _venv_wrappers(project: Path, tools: tuple[str, ...]) -> None:
    """The copy's .venv: wrappers around this environment's tools (nothing is installed)."""
    venv_bin = project / ".venv" / "bin"
    venv_bin.mkdir(parents=True, exist_ok=True)
    for tool in ("python", "xemcat", *tools):
        wrapper = venv_bin / tool
        wrapper.write_text(f'#!/bin/sh\nexec "{BIN / tool}" "$@"\n')
        wrapper.chmod(0o755)
    for extra in ("site", "test"):
        (project / ".venv" / f".installed-{extra}").touch()


@pytest.mark.parametrize("url, why", [
    (None, "not an absolute http(s) address"), ("", "not an absolute http(s) address"),
    ("docs.example.org/xem/", "not an absolute http(s) address"), ("ftp://docs.example.org/", "not an absolute"),
    ("https://", "not an absolute"), ("http://localhost:8000/", "loopback"), ("http://docs.localhost/", "loopback"),
    ("http://0.0.0.0:8000/", "loopback"), ("http://[::1]:8000/", "loopback"), ("http://127.0.0.1:8000/", "loopback"),
    ("http://127.1.2.3/", "loopback"), ("https://docs.example.org/xem/", None), ("http://docs.example.org", None),
    ("https://OWNER.github.io/REPO/", None), ("http://localhost.example.org/", None), ("http://10.0.0.127/", None),
])
def test_what_a_published_site_may_be_addressed_as(url, why):
    """The rule behind XEMCAT_PUBLISH: an absolute http(s) address that is not this machine."""
    from xemcat.site import unpublishable
    said = unpublishable(url)
    assert said is None if why is None else (said is not None and why in said and repr(url) in said)
