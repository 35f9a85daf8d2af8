"""Property-based robustness: whatever a writer does to a catalog file, `check` reports it
cleanly (exit 0 or 1, one well-formed FILE:LINE:COL line per problem, lines inside the file)
and never raises."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from xemcat.cli import main

LINE = re.compile(r"^(?P<file>.+?\.(?:yaml|json)):(?P<line>\d+):(?P<col>\d+): (?P<field>[^\n]+?): (?P<msg>.+)$")
FILES = sorted(p.relative_to(ROOT / "catalog") for p in (ROOT / "catalog").rglob("*.yaml"))

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                         st.text(max_size=30))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)), max_leaves=6)


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, prefix + (i,))


@st.composite
def mutated(draw):
    rel = draw(st.sampled_from(FILES))
    text = (ROOT / "catalog" / rel).read_text(encoding="utf-8")
    kind = draw(st.sampled_from(["truncate", "drop-line", "dup-line", "splice-text", "delete-key", "replace-value"]))
    lines = text.splitlines(keepends=True)
    if kind == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif kind == "drop-line":
        del lines[draw(st.integers(0, len(lines) - 1))]
        text = "".join(lines)
    elif kind == "dup-line":
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
        text = "".join(lines)
    elif kind == "splice-text":
        i = draw(st.integers(0, len(text)))
        text = text[:i] + draw(st.text(max_size=20)) + text[i:]
    else:
        data = yaml.safe_load(text)
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        if kind == "delete-key":
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return rel, text


@settings(max_examples=int(__import__("os").environ.get("HYPOTHESIS_EXAMPLES", "150")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutation=mutated())
def test_check_never_crashes_and_reports_inside_the_file(tmp_path, mutation):
    rel, text = mutation
    work = tmp_path / "case"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(ROOT / "catalog", work)
    (work / rel).write_text(text, encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = main(["--catalog", str(work), "check"])
    assert status in (0, 1)
    reported = [l for l in out.getvalue().splitlines() if l.strip()]
    assert (status == 1) == bool(reported)
    for line in reported:
        m = LINE.match(line)
        assert m, f"malformed problem line: {line!r}"
        path = Path(m["file"])
        assert path.exists(), line
        n_lines = max(1, len(path.read_text(encoding="utf-8", errors="replace").splitlines()))
        assert 1 <= int(m["line"]) <= n_lines, line
        assert int(m["col"]) >= 1


DATE = "<date>"


def _normalise(value):
    """PyYAML's view with our conventions: keys as text; dates (which we keep as text) marked."""
    import datetime
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return DATE
    return value


@settings(max_examples=int(__import__("os").environ.get("HYPOTHESIS_EXAMPLES", "150")), deadline=None)
@given(mutation=mutated())
def test_loader_reads_the_same_data_as_pyyaml(mutation):
    """The position-keeping event loader must agree with PyYAML's own safe_load."""
    from xemcat.loader import load_text
    rel, text = mutation
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError:
        expected = None
    src, problems = load_text(text, Path(rel), str(rel))
    if expected is None:  # PyYAML refuses it, or it is empty: so do we, with a located problem
        assert src is None or problems or src.data is None
        return
    refused = [p for p in problems if "duplicate key" in p.message or "aliases" in p.message
               or "merge keys" in p.message or "tag" in p.message or "decimal" in p.message
               or "fraction" in p.message or "a tab inside the key" in p.message]
    if refused:  # what we refuse PyYAML accepts: each refusal names a construct really in the text
        for p in refused:
            quoted = p.message.split("`")[1] if p.message.count("`") >= 2 else None
            assert any(ch in text for ch in "*&!<") or "duplicate key" in p.message or (quoted and quoted in text) \
                or ("tab inside" in p.message and "\t" in text), p
        return
    assume(isinstance(expected, (dict, list)))
    assert src is not None and not problems, problems

    def mark_dates(ours, theirs):
        if theirs == DATE and isinstance(ours, str):
            return DATE
        if isinstance(theirs, dict) and isinstance(ours, dict):
            return {k: mark_dates(v, theirs.get(k)) for k, v in ours.items()}
        if isinstance(theirs, list) and isinstance(ours, list) and len(ours) == len(theirs):
            return [mark_dates(o, t) for o, t in zip(ours, theirs)]
        return ours
    theirs = _normalise(expected)
    assert mark_dates(src.data, theirs) == theirs
