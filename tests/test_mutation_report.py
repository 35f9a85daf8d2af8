"""The mutation score's arithmetic (tools/mutation_report.py): what counts, what is left out,
and when the report fails."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ENV, ROOT

REPORT = ROOT / "tools/mutation_report.py"


def _run(tmp_path, results: dict[str, int | None], equivalents: str, *args: str):
    meta = tmp_path / "mutants/src/xemcat/lookup.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"exit_code_by_key": results}))
    (tmp_path / "eq.txt").write_text(equivalents)
    return subprocess.run([sys.executable, str(REPORT), *(args or (str(tmp_path / "eq.txt"),))], cwd=tmp_path,
                          capture_output=True, text=True, env=ENV, timeout=60)


def test_the_score_counts_killed_over_checked_without_the_equivalents(tmp_path):
    names = [f"xemcat.lookup.x_f__mutmut_{i}" for i in range(1, 21)]
    results = {n: 1 for n in names[:18]} | {names[18]: 0, names[19]: None}  # 18 killed, 1 survived, 1 not run
    out = _run(tmp_path, results, f"{names[18]}: changes nothing\n")
    assert out.returncode == 0, out.stdout
    assert out.stdout.splitlines()[1].split() == ["lookup", "18", "18", "100.0%", "1", "1"]
    out = _run(tmp_path / "b", results, "")
    assert out.returncode == 1 and f"survived, not explained: {names[18]}: survived" in out.stdout
    assert out.stdout.splitlines()[1].split() == ["lookup", "18", "19", "94.7%", "0", "1"]


def test_an_entry_that_names_no_survivor_fails_the_report(tmp_path):
    out = _run(tmp_path, {"xemcat.lookup.x_f__mutmut_1": 1}, "xemcat.lookup.x_f__mutmut_1: said equivalent\n")
    assert out.returncode == 1 and "is listed as equivalent but is now killed: review the entry" in out.stdout


def test_under_the_target_fails_and_a_sample_is_a_prefix_of_a_larger_one(tmp_path):
    results = {f"xemcat.lookup.x_f__mutmut_{i}": 1 if i <= 8 else 0 for i in range(1, 11)}
    listed = "".join(f"xemcat.lookup.x_f__mutmut_{i}: r\n" for i in (9,))
    out = _run(tmp_path, results, listed)  # 8 of 9: 88.9 %, one unexplained survivor
    assert out.returncode == 1 and "score 88.9% (target 90%)" in out.stdout
    many = {f"xemcat.lookup.x_f__mutmut_{i}": None for i in range(1, 401)}
    small = _run(tmp_path / "s", many, "", "--sample", "5").stdout.split()
    large = _run(tmp_path / "l", many, "", "--sample", "15").stdout.split()
    assert len(small) == 20 and len(large) == 60 and set(small) < set(large)


def test_a_survivor_kept_on_purpose_is_explained_but_still_counted(tmp_path):
    names = [f"xemcat.lookup.x_f__mutmut_{i}" for i in range(1, 12)]
    results = {n: 1 for n in names[:10]} | {names[10]: 0}  # 10 killed, 1 survived
    out = _run(tmp_path, results, f"{names[10]}: survives: the only test would pin an arbitrary bound\n")
    assert out.returncode == 0, out.stdout
    assert out.stdout.splitlines()[1].split() == ["lookup", "10", "11", "90.9%", "0", "0"]
    assert "not explained" not in out.stdout.replace("0 survivors not explained", "")


def test_the_score_of_a_sample_counts_only_the_sampled_mutants(tmp_path):
    """`--in-sample 5` of 400 mutants scores the 20 the sample draws, whatever the others did;
    an entry for a mutant outside the sample is still checked for staleness."""
    names = [f"xemcat.lookup.x_f__mutmut_{i}" for i in range(1, 401)]
    drawn = set(_run(tmp_path / "s", dict.fromkeys(names), "", "--sample", "5").stdout.split())
    results = {n: (1 if n in drawn else 0) for n in names}  # the sample all killed, the rest survived
    out = _run(tmp_path, results, "", str(tmp_path / "eq.txt"), "--in-sample", "5")
    assert out.returncode == 0, out.stdout
    assert out.stdout.splitlines()[1].split() == ["lookup", "20", "20", "100.0%", "0", "0"]
    outside = next(n for n in names if n not in drawn)
    results[outside] = 1
    out = _run(tmp_path / "b", results, f"{outside}: said equivalent\n", str(tmp_path / "b/eq.txt"), "--in-sample", "5")
    assert out.returncode == 1 and f"{outside} is listed as equivalent but is now killed" in out.stdout
