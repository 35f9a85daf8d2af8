"""The synthetic catalog behind the benchmark stays valid and buildable (so the benchmark cannot rot)."""

from __future__ import annotations

import filecmp
import shutil

import pytest

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


def test_the_command_writes_the_catalog_it_names_and_refuses_nothing_to_write(tmp_path, capsys):
    from xemcat.synth import main
    out = tmp_path / "synthetic"
    assert main(["5", str(out), "--seed", "3", "--per-section", "2", "--from", str(ROOT / "catalog")]) == 0
    assert capsys.readouterr().out == f"wrote 5 codes to {out}\n"
    sections = sorted((out / "sections").iterdir())
    assert len(sections) == 3  # 2 + 2 + 1 codes
    check = xemcat("--catalog", str(out), "check")
    assert check.returncode == 0, check.stdout[:2000]
    again = tmp_path / "again"
    main(["5", str(again), "--seed", "3", "--per-section", "2", "--from", str(ROOT / "catalog")])
    assert [p.read_bytes() for p in sections] == [p.read_bytes() for p in sorted((again / "sections").iterdir())]
    with pytest.raises(SystemExit) as refused:
        main(["0", str(tmp_path / "none")])
    assert refused.value.code == 2 and "N must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()


def test_the_commands_options_mean_what_generate_means(tmp_path, monkeypatch, capsys):
    """Its defaults (seed 1, 100 codes per section, ./catalog) and its --seed and --from reach
    generate() as given: the command's output is generate()'s, byte for byte."""
    from xemcat.synth import main

    def files(root):
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    monkeypatch.chdir(ROOT)
    assert main(["1", str(tmp_path / "defaults")]) == 0  # one code is enough
    generate(1, tmp_path / "expected", seed=1, per_section=100, shipped=ROOT / "catalog")
    assert files(tmp_path / "defaults") == files(tmp_path / "expected")
    monkeypatch.chdir(tmp_path)  # no ./catalog here: --from is what is read
    assert main(["120", str(tmp_path / "given"), "--seed", "9", "--from", str(ROOT / "catalog")]) == 0
    generate(120, tmp_path / "expected9", seed=9, per_section=100, shipped=ROOT / "catalog")
    assert files(tmp_path / "given") == files(tmp_path / "expected9") and len(list((tmp_path / "given/sections").iterdir())) == 2
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["0", str(tmp_path / "none")])
    assert capsys.readouterr().err.startswith("usage: python -m xemcat.synth ")
