"""Structurally hostile YAML: every case ends in exit 1 with FILE:LINE:COL lines at the right
place, no traceback, and no hang (issue 10). The corpus holds the cases found by hand; the
Hypothesis test generates more of the same kinds."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, xemcat
from xemcat.cli import main

SECTION = "catalog/sections/06-lifecycle.yaml"
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<field>[^\n]+?): (?P<msg>.+)$")


def _alias_bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


# (name, file text, expected line, words in the message)
CORPUS = [
    ("alias bomb", _alias_bomb(10), 2, "aliases"),
    ("recursive alias", "codes: &c [*c]\n", 1, "aliases"),
    ("int tag", "section: !!int abc\n", 1, "explicit YAML tag"),
    ("bool tag", "section:\n  id: !!bool maybe\n", 2, "explicit YAML tag"),
    ("float tag", "section:\n  id: !!float xyz\n", 2, "explicit YAML tag"),
    ("custom tag", "section: !python/object:os.system {}\n", 1, "explicit YAML tag"),
    ("merge key", "base: &b {id: x}\nsection:\n  <<: *b\n", 3, "merge keys"),
    ("deep flow nesting", "section: " + "[" * 990 + "]" * 990 + "\n", 1, "nested more than"),
    ("deeper than libyaml", "section: " + "[" * 5000 + "]" * 5000 + "\n", 1, "YAML syntax error"),
    ("deep block nesting", "".join(" " * i + f"k{i}:\n" for i in range(200)) + " " * 200 + "v\n", 18,
     "nested more than"),
    ("unclosed quote", "section:\n  id: 'lifecycle\n  title: Lifecycle\ncodes: []\n", 2, "never closed"),
    ("unclosed bracket", "section:\n  id: lifecycle\ncodes: [\n  {code: a}\n", 3, "never closed"),
    # Not an unclosed construct: reported where the parser stopped, not where the mapping began.
    ("outdented item", "section:\n  id: lifecycle\n  title: Lifecycle\n - stray\n", 4, "did not find expected key"),
    ("tab indent", "section:\n\tid: lifecycle\n", 2, "indent with spaces"),
    ("tab inside a key", "section:\n  i\td: lifecycle\n", 2, "a tab inside the key"),
    ("control character", "section:\n  id: life\x07cycle\n", 2, "not allowed in YAML"),
    ("duplicate key", "section:\n  id: a\n  id: b\n", 3, "duplicate key"),
    ("two documents", "section: {}\n---\nsection: {}\n", 2, "YAML syntax error"),
]


def test_a_refused_character_is_reported_at_its_own_column():
    """libyaml counts bytes: after «» (two bytes each in UTF-8) its position is two characters late,
    which at the end of a file is past the last line (found by the property test)."""
    from xemcat.loader import load_text
    _, problems = load_text("section:\n  id: «life»\x07\n", Path("x.yaml"), "x.yaml")
    assert [(p.line, p.col) for p in problems] == [(2, 13)]
    _, problems = load_text("section:\n  id: life\xa0\xa0\x1b\n", Path("x.yaml"), "x.yaml")
    assert [(p.line, p.col) for p in problems] == [(2, 13)]


@pytest.mark.parametrize("text, said", [
    ("", "1:1: (file): file is empty; expected a mapping of catalog fields"),
    ("# only a comment\n", "1:1: (file): file is empty; expected a mapping of catalog fields"),
    # An alias is the anchored node itself, which sits elsewhere: said at the key that uses it.
    ("a: &x 1\nb: *x\n", "2:1: b: YAML anchors and aliases (`&name`, `*name`) are not allowed in the catalog: "
                         "write the value out where it is used"),
    ("section:\n  id: a\n  id: b\n", "3:3: section.id: duplicate key `id` (first defined at line 2); YAML keeps "
                                    "only one of them, so remove or rename the other"),
    ("section:\n  id: life\x07cycle\n",
     "2:11: (yaml): character U+0007 is not allowed in YAML: control characters are not allowed"),
    ("section: !!int abc\n", "1:10: section: explicit YAML tag `tag:yaml.org,2002:int` is not allowed; remove it"),
])
def test_what_the_loader_refuses_is_said_in_one_line_at_its_place(text, said):
    from xemcat.loader import load_text
    src, problems = load_text(text, Path("x.yaml"), "x.yaml")
    assert [str(p) for p in problems] == [f"x.yaml:{said}"]


def _check(project: Path) -> subprocess.CompletedProcess:
    """`xemcat check`, failed after 60 s: a file built to make a parser hang (aliases, nesting)
    must fail the test, not stall the suite."""
    return xemcat("--catalog", "catalog", "check", cwd=project, timeout=60)


@pytest.fixture()
def catalog_copy(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(ROOT / "catalog", project / "catalog")
    return project


@pytest.mark.parametrize("name, text, line, words", CORPUS, ids=[c[0] for c in CORPUS])
def test_hostile_file_is_one_located_problem(catalog_copy, name, text, line, words):
    (catalog_copy / SECTION).write_text(text, encoding="utf-8")
    result = _check(catalog_copy)  # a hang fails here through the timeout
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    mine = [LINE.match(l) for l in result.stdout.splitlines() if l.startswith(SECTION + ":")]
    assert mine and all(mine), result.stdout
    first = next(m for m in mine if words in m["msg"])
    assert int(first["line"]) == line, result.stdout


def test_non_utf8_bytes_are_reported_at_their_line(catalog_copy):
    (catalog_copy / SECTION).write_bytes(b"section:\n  id: lifecycle\n  title: Life\xe9cycle\n")
    result = _check(catalog_copy)
    assert result.returncode == 1
    assert result.stdout.startswith(f"{SECTION}:3:14: (file): not UTF-8 text"), result.stdout


@pytest.mark.parametrize("text, line, words", [
    # At the comma where a field's name should be.
    ('{\n  "type": "object",\n  "properties": {,}\n}\n', "3:18", "not valid JSON: Expecting property name"),
    ("true\n", "1:1", "the schema must be a JSON object describing a mapping"),
    ('{"type": "object", "properties": {"a": {"$ref": "#/$defs/nowhere"}}}', "1:1",
     "the schema is invalid: `$ref` '#/$defs/nowhere' points at nothing"),
    ('{"type": "object", "properties": {"a": {"type": "nonsense"}}}', "1:1", "the schema is invalid: "),
])
def test_broken_schema_is_one_located_problem(catalog_copy, text, line, words):
    (catalog_copy / "catalog" / "schema.json").write_text(text, encoding="utf-8")
    result = _check(catalog_copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.startswith(f"catalog/schema.json:{line}: (schema): {words}"), result.stdout
    assert len(result.stdout.splitlines()) == 1


def test_yml_files_count_and_editor_files_do_not(catalog_copy):
    sections = catalog_copy / "catalog" / "sections"
    (sections / "06-lifecycle.yaml").rename(sections / "06-lifecycle.yml")
    (sections / ".#06-lifecycle.yml").symlink_to("nowhere@1234")  # an Emacs lock file
    (sections / "06-lifecycle.yml~").write_text("garbage: [", encoding="utf-8")
    (sections / ".hidden.yaml").write_text("garbage: [", encoding="utf-8")
    result = _check(catalog_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    from xemcat.catalog import load_catalog
    assert "lifecycle" in [s.id for s in load_catalog(catalog_copy / "catalog").sections]


# ---------------------------------------------------------------- generated hostile files

_scalar = st.one_of(st.text(max_size=20), st.sampled_from(["x" * 200_000, "\x00", "\u2028", "'", '"', "\t", "&a", "*a"]))


ESCAPES = ["\\x00", "\\x1b", "\\u2028", "\\x85"]  # YAML escapes: the file text stays printable


@st.composite
def hostile(draw):
    """A section file with hostile constructs spliced in at a random place."""
    text = (ROOT / SECTION).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    at = draw(st.integers(0, len(lines)))
    kind = draw(st.sampled_from(["alias", "tag", "deep", "huge", "control", "anchor-bomb"]))
    indent = draw(st.sampled_from(["", "  ", "    "]))
    snippet = {
        "alias": f"{indent}x: *nowhere\n",
        "tag": f"{indent}x: !!{draw(st.sampled_from(['int', 'float', 'bool', 'binary', 'timestamp']))} "
               f"{draw(st.text(alphabet='abc19.:-', min_size=1, max_size=8))}\n",
        "deep": f"{indent}x: " + "[" * (d := draw(st.integers(17, 1200))) + "]" * d + "\n",
        "huge": f"{indent}x: '{'y' * draw(st.integers(10_000, 1_000_000))}'\n",
        "control": indent + 'x: "' + draw(st.sampled_from(ESCAPES)) + '"\n',
        "anchor-bomb": "".join(f"{indent}b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 9) if i else 'z'}]\n"
                               for i in range(draw(st.integers(2, 12)))),
    }[kind]
    lines.insert(at, snippet)
    return "".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile())
def test_generated_hostile_files_never_crash_and_are_located(catalog_copy, text):
    (catalog_copy / SECTION).write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["--catalog", str(catalog_copy / "catalog"), "check"])
    assert status == 1, "a hostile insertion must be reported"
    n_lines = text.count("\n") + 1
    for line in out.getvalue().splitlines():
        m = LINE.match(line)
        assert m, f"malformed problem line: {line[:200]!r}"
        if m["file"].endswith("06-lifecycle.yaml"):
            assert 1 <= int(m["line"]) <= n_lines


def test_a_schema_that_is_not_utf8_is_one_problem_at_its_start(catalog_copy):
    (catalog_copy / "catalog" / "schema.json").write_bytes(b'\xff{"type": "object"}')
    result = _check(catalog_copy)
    assert (result.returncode, result.stderr.count("\n")) == (1, 1) and "Traceback" not in result.stderr
    assert result.stdout.startswith("catalog/schema.json:1:1: (schema): cannot read the schema: 'utf-8' codec "
                                    "can't decode byte 0xff"), result.stdout
