"""Files on disk (issue 19): `fmt` is a round trip that never changes data or drops a comment,
keeps modes, touches only regular files under the catalog and writes atomically; `new` either
produces a valid file or refuses without touching it."""

from __future__ import annotations

import errno
import json
import os
import re
import stat

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import ROOT, edit, xemcat

SCHEMA = json.loads((ROOT / "catalog/schema.json").read_text())
YAML11_WORDS = ["on", "off", "Yes", "no", "y", "N", "true", "False", "null", "~", "10:30", "1:20:30", "0o17", "0x1F",
                "017", "1e3", "1_000", ".inf", "-.NaN", "2026-01-01", "=", "<<", "-", "?", ":", "#x", "@x", "`x`"]


def _fmt(text: str) -> str:
    from xemcat.fmt import format_text
    return format_text(text, SCHEMA)


def _data(text: str):
    from xemcat.fmt import _data as data
    return data(text)


def _comments(text: str) -> list[str]:
    from xemcat.fmt import _comments as comments, _header, _yaml
    header, body = _header(text)
    return sorted(comments(_yaml().load(body)) + [l.strip() for l in header.splitlines() if l.strip().startswith("#")])


@pytest.mark.parametrize("word", YAML11_WORDS)
def test_a_quoted_yaml_1_1_word_stays_text(word):
    text = f"section:\n  id: x\n  title: '{word}'\n  note: \"{word}\"\n"
    out = _fmt(text)
    assert _data(out) == _data(text) == {"section": {"id": "x", "title": word, "note": word}}


def test_the_header_above_a_document_start_is_kept():
    text = "# yaml-language-server: $schema=../schema.json\n# owner: team\n---\n# about the section\nsection:\n  id: x\n"
    out = _fmt(text)
    assert out.startswith("# yaml-language-server: $schema=../schema.json\n# owner: team\n---\n")
    assert "# about the section" in out


def test_a_comment_above_a_key_stays_above_that_key():
    text = "section:\n  title: T\n  # the id is the anchor\n  id: x\n"
    out = _fmt(text)
    assert out.index("# the id is the anchor") < out.index("  id: x") and out.index("  title: T") < out.index("# the")


KEYS = st.sampled_from(["id", "title", "note", "description", "x_extra", "when"])
SCALARS = st.one_of(st.sampled_from(YAML11_WORDS), st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")),
                                                          min_size=1, max_size=30),
                    st.integers(-5, 5000))
COMMENT = st.one_of(st.just(""), st.text(st.sampled_from("abc é#:-"), min_size=1, max_size=12).map(lambda t: f"# {t}"))


def _scalar_text(value, style: int) -> str:
    if isinstance(value, int):
        return str(value)
    if style == 0:
        return json.dumps(value, ensure_ascii=style == 0)  # double-quoted, with \\u escapes
    if style == 1:
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)


@st.composite
def catalog_file(draw):
    """A section file written in many styles: quoting, escapes, block scalars, flow mappings,
    comments above keys, at the end of lines and at the end of the file."""
    lines = []
    if draw(st.booleans()):
        lines += ["# header comment", "---"]
    lines.append("section:")
    keys = draw(st.lists(KEYS, min_size=1, max_size=5, unique=True))
    for key in keys:
        above, after = draw(COMMENT), draw(COMMENT)
        if above:
            lines.append(f"  {above}")
        value, style = draw(SCALARS), draw(st.integers(0, 3))
        if style == 3 and isinstance(value, str):
            lines.append(f"  {key}: >-{' ' + after if after else ''}")
            lines.append("    " + " ".join(value.split() or ["x"]).replace("#", "x"))
        else:
            lines.append(f"  {key}: {_scalar_text(value, style)}{' ' + after if after else ''}")
    if draw(st.booleans()):
        lines.append("  extra: {a: 'on', b: [1, 'x']}")
    if draw(st.booleans()):
        lines.append("# trailing comment")
    return "\n".join(lines) + "\n"


@example(text='section:\n  id: "on"\n  title: "on"\n  note: " " # :\n')  # whitespace-only prose, a comment
@settings(max_examples=150, deadline=None)
@given(text=catalog_file())
def test_fmt_is_a_round_trip_of_data_and_comments(text):
    try:
        before = _data(text)
    except ValueError:
        return  # not a clean file: fmt refuses those (tested elsewhere)
    out = _fmt(text)
    assert _data(out) == before
    assert _comments(out) == _comments(text)
    assert _fmt(out) == out  # canonical: a second run changes nothing


def test_fmt_keeps_the_mode_and_touches_only_regular_catalog_files(project, tmp_path):
    f = project / "catalog/sections/05-approvals.yaml"
    edit(f, "  - code: approval_not_found\n    added: '2026-11-29'\n    description: The approval ID is unknown, or the approval has been purged.\n",
         "  - description: The approval ID is unknown, or the approval has been purged.\n    code: approval_not_found\n    added: '2026-11-29'\n")
    f.chmod(0o664)
    assert xemcat("--catalog", "catalog", "fmt", cwd=project).returncode == 0
    assert stat.S_IMODE(f.stat().st_mode) == 0o664
    fifo = project / "catalog/sections/pipe.yaml"
    os.mkfifo(fifo)
    outside = project / "mkdocs.yml"
    before = outside.read_text()
    notes = project / "catalog/sections/notes.txt"
    notes.write_text("section:\n")
    for target, shown, why in ((fifo, "catalog/sections/pipe.yaml", "not a regular file"),
                               ("/dev/zero", "/dev/zero", "not a regular file"),
                               (outside, "mkdocs.yml", "it is outside the catalog directory (catalog)"),
                               (notes, "catalog/sections/notes.txt", "not a .yaml or .yml file")):
        result = xemcat("--catalog", "catalog", "fmt", str(target), cwd=project)  # a hang fails through the timeout
        assert (result.returncode, result.stdout, result.stderr) == (1, "", f"{shown}: not formatted: {why}\n")
    assert outside.read_text() == before and notes.read_text() == "section:\n"


def _unformatted(project):
    """Two catalog files out of canonical order (a key moved before `code`)."""
    files = [project / "catalog/sections/05-approvals.yaml", project / "catalog/sections/02-agents.yaml"]
    for f in files:
        text = f.read_text()
        i = text.index("  - code: ")
        line_end = text.index("\n", i) + 1
        nxt = text.index("\n", line_end) + 1  # the entry's second line, a one-line field
        f.write_text(text[:i] + "  - " + text[line_end + 4:nxt] + "    " + text[i + 4:line_end] + text[nxt:])
    return files


def test_fmt_goes_on_past_a_file_it_cannot_write_and_says_why(project, monkeypatch):
    from xemcat import fmt
    second, first = _unformatted(project)  # 02-agents comes first: its failure must not stop the rest
    before = first.read_text()
    real = fmt.write_atomic

    def full_disk_for_first(path, text):
        if path.name == first.name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, text)
    monkeypatch.setattr(fmt, "write_atomic", full_disk_for_first)
    result = xemcat("--catalog", "catalog", "fmt", cwd=project)
    assert result.returncode == 1
    assert result.stderr == f"catalog/sections/{first.name}: not formatted: cannot write: {os.strerror(errno.ENOSPC)}\n"
    assert result.stdout == f"formatted catalog/sections/{second.name}\n"  # the next file was still done
    assert first.read_text() == before


def test_fmt_reports_a_file_it_cannot_format_in_one_line(project, monkeypatch):
    """A file changed between the check and the rewrite (or a formatter bug): one line per file."""
    from xemcat import fmt
    first, _ = _unformatted(project)

    def refuses(text, schema):
        raise ValueError("cannot format\n  this part")
    monkeypatch.setattr(fmt, "format_text", refuses)
    result = xemcat("--catalog", "catalog", "fmt", str(first.relative_to(project)), cwd=project)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"catalog/sections/{first.name}: not formatted: cannot format this part\n"


def test_new_on_a_full_disk_says_so_on_stderr_and_changes_nothing(project, monkeypatch):
    from xemcat import scaffold
    f = project / "catalog/sections/05-approvals.yaml"
    before = f.read_text()

    def full_disk(path, text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(scaffold, "write_atomic", full_disk)
    result = xemcat("--catalog", "catalog", "new", "approval_gone", "--section", "approvals", cwd=project)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("xemcat new: error: cannot write catalog/sections/05-approvals.yaml: "
                             f"{os.strerror(errno.ENOSPC)}; nothing was changed\n")
    assert f.read_text() == before


def test_the_formatter_refuses_to_change_data(monkeypatch):
    """Its safety net: a normalisation that lost a value raises, and the message asks for a report."""
    from xemcat import fmt
    schema = json.loads((ROOT / "catalog/schema.json").read_text())

    def loses_a_value(data, orders, depth):
        data.pop("extra", None)
    monkeypatch.setattr(fmt, "_normalise", loses_a_value)
    with pytest.raises(ValueError, match=r"^formatting would change the data or lose a comment; file left "
                                         r"untouched \(please report\)$"):
        fmt.format_text("section:\n  id: x\nextra: 1\n", schema)


def test_a_failed_write_leaves_the_file_and_no_temporary(tmp_path, monkeypatch):
    from xemcat import fmt
    target = tmp_path / "x.yaml"
    target.write_text("section: {}\n")

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(fmt.os, "replace", full_disk)
    with pytest.raises(OSError):
        fmt.write_atomic(target, "section:\n  id: y\n")
    assert target.read_text() == "section: {}\n" and [p.name for p in tmp_path.iterdir()] == ["x.yaml"]


@pytest.mark.parametrize("layout", [
    ("  - code: approval_not_found\n", "    - code: approval_not_found\n", "four-space list"),
])
def test_new_refuses_a_layout_it_cannot_append_to_and_changes_nothing(project, layout):
    old, new, _ = layout
    f = project / "catalog/sections/05-approvals.yaml"
    text = f.read_text()
    body = text.replace("\n  - ", "\n    - ").replace("\n    ", "\n      ").replace("\n      - ", "\n    - ")
    f.write_text(body)
    if xemcat("--catalog", "catalog", "check", cwd=project).returncode != 0:
        pytest.skip("the re-indented file is not valid on its own")
    before = f.read_bytes()
    result = xemcat("--catalog", "catalog", "new", "brand_new_code", "--section", "approvals", cwd=project)
    assert result.returncode == 1 and "cannot append" in result.stderr and "Nothing was changed" in result.stderr
    assert f.read_bytes() == before


def test_new_refuses_when_the_section_comes_after_the_codes(project):
    f = project / "catalog/sections/05-approvals.yaml"
    text = f.read_text()
    start, end = text.index("section:"), text.index("codes:")
    f.write_text(text[:start] + text[end:].rstrip("\n") + "\n" + text[start:end].rstrip("\n") + "\n")
    assert xemcat("--catalog", "catalog", "check", cwd=project).returncode == 0
    before = f.read_bytes()
    result = xemcat("--catalog", "catalog", "new", "brand_new_code", "--section", "approvals", cwd=project)
    assert result.returncode == 1 and "cannot append" in result.stderr
    assert f.read_bytes() == before


@pytest.mark.parametrize("code, section, said", [
    ("Bad-Code", "agents", "`Bad-Code` is not a valid code (lower-case letters, digits and _, starting with a letter)"),
    ("brand_new", "zzzz", "no section `zzzz` (sections: scope-auth, agents, workspaces-models, execution, approvals, "
                          "lifecycle)"),
    ("brand_new", "agent", "no section `agent`; did you mean `agents`? (sections: scope-auth, agents, "
                           "workspaces-models, execution, approvals, lifecycle)"),
])
def test_new_says_what_is_wrong_with_its_arguments_in_one_line(project, code, section, said):
    result = xemcat("--catalog", "catalog", "new", code, "--section", section, cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"xemcat new: error: {said}\n")


def test_new_refuses_a_file_where_the_entry_would_break_the_yaml(project):
    f = project / "catalog/sections/02-agents.yaml"
    text = f.read_text()
    f.write_text(text[:text.index("codes:")] + "codes: []")  # flow style, and no final newline
    before = f.read_bytes()
    result = xemcat("--catalog", "catalog", "new", "brand_new", "--section", "agents", cwd=project)
    assert result.returncode == 1 and f.read_bytes() == before
    assert result.stderr.startswith("xemcat new: error: cannot append `brand_new` to catalog/sections/02-agents.yaml "
                                    "safely: the result would not be valid YAML. Nothing was changed")


@pytest.mark.parametrize("final_newline", [True, False])
def test_new_appends_where_it_says(project, final_newline):
    f = project / "catalog/sections/05-approvals.yaml"
    if not final_newline:
        f.write_text(f.read_text().rstrip("\n"))
    result = xemcat("--catalog", "catalog", "new", "brand_new", "--section", "approvals", cwd=project)
    assert result.returncode == 0, result.stderr
    line = int(re.search(r"05-approvals.yaml:(\d+);", result.stdout).group(1))
    lines = f.read_text().splitlines()
    assert lines[line - 1] == "  - code: brand_new"
    assert lines[line - 2] == "" and lines[line - 3] != ""  # one blank line before it, as between entries


@pytest.mark.parametrize("description", [
    "Retry: the router was busy.",  # ": " would make a plain scalar a mapping: folded instead
    "See https://xerotier.ai/" + "a-very-long-path/" * 8 + " for the details.",  # an unbreakable word past the width
    "word " + "x" * 150,  # the line cannot be cut after the long word: it stays long, fmt ends
])
def test_fmt_writes_prose_that_reads_back_the_same(description):
    text = ("section:\n  id: x\n  title: X\ncodes:\n  - code: a_b\n    description: "
            + json.dumps(description) + "\n")
    out = _fmt(text)
    assert _data(out) == _data(text) and _fmt(out) == out
    assert json.dumps(description) not in out  # written as YAML prose, not left as a quoted string
    assert "description: '" not in out  # nor quoted another way: plain when it reads plainly, else folded
    if ": " in description:
        assert "    description: >-\n" in out, out


def test_new_refuses_a_code_that_exists_and_says_where(project):
    f = project / "catalog/sections/05-approvals.yaml"
    line = f.read_text().splitlines().index("  - code: approval_not_found") + 1
    result = xemcat("--catalog", "catalog", "new", "approval_not_found", "--section", "agents", cwd=project)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"xemcat new: error: `approval_not_found` already exists at {f.relative_to(project)}:{line}:11\n"


def test_an_empty_catalog_directory_is_one_problem(tmp_path):
    (tmp_path / "catalog").mkdir()
    result = xemcat("--catalog", "catalog", "check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == "catalog:1:1: (catalog): no catalog YAML files found\n"
