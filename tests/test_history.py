"""Every earlier revision of the catalog can be compared against (issue 19): `diff` and
`check --against` read each commit of this repository that changed `catalog/` (an older format
goes through the compatibility step), and a revision without a catalog is refused in one line."""

from __future__ import annotations

import subprocess

import pytest

from conftest import ROOT, xemcat


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout


REVISIONS = _git("rev-list", "HEAD", "--", "catalog").split()


@pytest.mark.skipif(not REVISIONS, reason="not a git checkout with history")
def test_every_revision_of_the_catalog_can_be_compared_against():
    for rev in REVISIONS:
        diff = xemcat("diff", rev)
        assert diff.returncode == 0 and "Traceback" not in diff.stderr, (rev, diff.stderr)
        assert diff.stdout.strip(), rev
        gate = xemcat("check", "--against", rev)
        assert gate.returncode in (0, 1) and "Traceback" not in gate.stderr, (rev, gate.stderr)
        assert "cannot compare" not in gate.stdout, (rev, gate.stdout)


def test_a_revision_without_a_catalog_is_refused_in_one_line(project):
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, timeout=60)
    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "--allow-empty", "-m", "empty")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "catalog")
    for command in (("diff", "HEAD~1"), ("check", "--against", "HEAD~1")):
        result = xemcat("--catalog", "catalog", *command, cwd=project)
        said = (result.stdout + result.stderr).strip().splitlines()
        assert result.returncode == 2 and len(said) == 1 and "no catalog/ directory" in said[0], said


def test_the_compatibility_step_reads_a_catalog_from_before_advice_basis(project):
    """The format change that older revisions predate, undone by _upgrade (and only by it)."""
    from xemcat.breaking import _upgrade
    data = {"envelope_types": [{"type": "x", "http": "unknown", "source": "s", "when_code_missing": "w"}]}
    _upgrade(data)
    assert data["envelope_types"][0]["advice_basis"] == "general"
