"""The synthetic catalog behind the benchmark stays valid and buildable (so the benchmark cannot rot)."""

from __future__ import annotations

import filecmp
import shutil

from conftest import ROOT, mkdocs_build, xemcat
from xemcat.synth import generate


def test_generator_is_deterministic(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(150, a, seed=7, shipped=ROOT / "catalog")
    generate(150, b, seed=7, shipped=ROOT / "catalog")
    generate(150, c, seed=8, shipped=ROOT / "catalog")
    names = sorted(p.name for p in (a / "sections").iterdir())
    assert len(names) == 2
    assert all(filecmp.cmp(a / "sections" / n, b / "sections" / n, shallow=False) for n in names)
    assert not filecmp.cmp(a / "sections" / names[0], c / "sections" / names[0], shallow=False)


def test_thousand_code_catalog_checks_and_builds(project, tmp_path):
    shutil.rmtree(project / "catalog")
    codes = generate(1000, project / "catalog", seed=1, shipped=ROOT / "catalog")
    check = xemcat("--catalog", "catalog", "check", cwd=project)
    assert check.returncode == 0, check.stdout[:2000]
    site = tmp_path / "site"
    build = mkdocs_build(project, site)
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    html = (site / "error-codes" / "index.html").read_text()
    assert html.count('<tr id="synthetic_') == len(codes) == 1000
    assert all((site / "codes" / code / "index.html").is_file() for code in codes)
