"""Catalog and pasted text is untrusted wherever it lands (issue 19), tested by class: the
terminal, CI logs, shells, invisible and reordering characters, YAML numbers, links. Each case
asserts the exact outcome: the text shown escaped, a located problem, or nothing run."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ENV, LOOKUP_READY, ROOT, edit, mkdocs_build, open_page, xemcat

SECTION = "catalog/sections/02-agents.yaml"
# What a terminal must never receive raw: CSI, OSC (window title), BEL, a C1 CSI, a bidi
# override, a zero-width space, a line separator, a carriage return.
TERMINAL_ATTACKS = ["\x1b[2J", "\x1b]0;pwned\x07", "\x9b31m", "\u202e", "\u200b", "\u2028", "\r"]


def raw_controls(text: str) -> list[str]:
    """The characters of ``text`` a terminal or log viewer would act on (line breaks and tabs
    being the output's own layout)."""
    return [f"U+{ord(c):04X}" for c in text if c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]


# ---------------------------------------------------------------- terminals


def test_the_escaping_covers_every_character_class_of_the_running_unicode():
    from xemcat import terminal
    for cp in range(0x110000):
        ch = chr(cp)
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            assert terminal.escape(ch) != ch, f"U+{cp:04X}"
    assert terminal.escape("Scope & Auth · 429 — ok ✓") == "Scope & Auth · 429 — ok ✓"
    assert terminal.line("a\nb\x1b[31m\u202e") == "a\\x0ab\\x1b[31m\\u202e"
    assert terminal.line("x" * 5000) == "x" * 999 + "…" and terminal.line("x" * 1000) == "x" * 1000
    assert terminal.escape("\U000e0041\u202e\x9b") == "\\U000e0041\\u202e\\x9b"


@pytest.mark.parametrize("attack", TERMINAL_ATTACKS)
def test_check_shows_an_unknown_key_escaped(project, attack):
    key = json.dumps(f"x{attack}y")  # a YAML double-quoted key: the file itself stays printable
    edit(project / SECTION, "  - code: agent_not_found\n", f"  - code: agent_not_found\n    {key}: 1\n")
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1
    assert raw_controls(result.stdout + result.stderr) == []
    shown = [l for l in result.stdout.splitlines() if l.startswith(SECTION + ":13:")]
    assert shown and all("x\\" in l for l in shown), result.stdout


@pytest.mark.parametrize("command", [("check",), ("fmt", "--check"), ("explain",)])
def test_every_command_shows_its_arguments_escaped(project, command):
    """Whatever a command prints goes through one escaping stream, arguments and file names too."""
    result = xemcat("--catalog", "catalog", *command, "no\x1b]0;pwned\x07such\u202e.yaml", cwd=project)
    assert result.returncode != 0
    said = result.stdout + result.stderr
    assert raw_controls(said) == [], said
    if command[0] != "explain":  # explain drops what is invisible in a paste; the others name the file
        assert "no\\x1b]0;pwned\\x07such\\u202e" in said, said


def test_a_huge_key_gives_a_readable_problem_line(project):
    edit(project / SECTION, "  - code: agent_not_found\n", "  - code: agent_not_found\n    " + "k" * 200_000 + ": 1\n")
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1 and max(len(l) for l in result.stdout.splitlines()) <= 1000


def test_mkdocs_build_shows_catalog_problems_escaped(project, tmp_path):
    edit(project / SECTION, "  - code: agent_not_found\n", "  - code: agent_not_found\n    \"\\e]0;t\\a\": 1\n")
    result = mkdocs_build(project, tmp_path / "site", process=True)  # the command's own output
    assert result.returncode == 1 and "\\x1b]0;t\\x07" in result.stdout + result.stderr
    assert raw_controls(result.stdout + result.stderr) == []


@pytest.mark.parametrize("attack", TERMINAL_ATTACKS)
def test_explain_shows_pasted_text_escaped(attack):
    paste = json.dumps({"error": {"code": f"no{attack}such", "type": "x"}}, ensure_ascii=True)
    paste = f"HTTP/1.1 429 X\nx-request-id: id{attack}1\nRetry-After: {attack}\n\n{paste}"
    out = subprocess.run([sys.executable, "-m", "xemcat", "explain", "-"], input=paste.encode(), cwd=ROOT,
                         capture_output=True, env={**ENV, "PYTHONPATH": str(ROOT / "tools")}, timeout=60)
    said = (out.stdout + out.stderr).decode()
    assert raw_controls(said) == [] and "Traceback" not in said
    assert "is not a code in the catalog" in said


# ---------------------------------------------------------------- CI logs


def test_github_annotations_cannot_be_forged_by_a_file_name_or_a_message():
    from xemcat.problems import Problem
    p = Problem("cat\nalog/x,line=1::error file=evil.yaml:9.yaml", 3, 5, "codes[0]", "bad 100%\n::error ::forged")
    out = p.github()
    assert "\n" not in out and _annotation_keys(out) == ["file", "line", "col"]
    assert out == ("::error file=cat\\x0aalog/x%2Cline=1%3A%3Aerror file=evil.yaml%3A9.yaml,line=3,col=5"
                   "::codes[0]: bad 100%25\\x0a::error ::forged")


def test_check_in_github_format_writes_one_annotation_per_problem(project):
    edit(project / SECTION, "  - code: agent_not_found\n", "  - code: agent_not_found\n    \"a\\nb\\r::error\": 1\n")
    result = xemcat("--catalog", "catalog", "check", "--format", "github", cwd=project)
    lines = result.stdout.splitlines()
    assert lines and all(_annotation_keys(l) == ["file", "line", "col"] for l in lines), result.stdout


def _annotation_keys(line: str) -> list[str]:
    """The property names of a workflow command as GitHub reads it: between `::error ` and the
    next `::`, split at commas."""
    assert line.startswith("::error ")
    props = line[len("::error "):].split("::", 1)[0]
    return [p.split("=", 1)[0] for p in props.split(",")]


# ---------------------------------------------------------------- shells


@pytest.mark.parametrize("command", ["xeroctl keys <$(touch pwned)>", "xeroctl keys; touch pwned", "xeroctl keys `id`",
                                     "xeroctl keys | sh", "xeroctl keys && id", "xeroctl keys <key-id> > out",
                                     "xeroctl keys $HOME", "xeroctl  keys", "xeroctl keys <key id>"])
def test_a_command_a_shell_would_run_is_refused_where_it_is_written(project, command):
    edit(project / "catalog/commands.yaml", "  - form: xeroctl keys <key-id>\n", f"  - form: {command}\n")
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1
    assert any(l.startswith("catalog/commands.yaml:14:") and "not safe to paste into a shell" in l
               for l in result.stdout.splitlines()), result.stdout


def test_the_shipped_commands_run_nothing_in_a_shell(catalog, tmp_path):
    """Each copyable command of the pages, pasted into bash with a stand-in xeroctl: the
    stand-in runs (or bash reports a syntax error) and no other command does."""
    (tmp_path / "xeroctl").write_text("#!/bin/sh\necho ran-xeroctl\n")
    (tmp_path / "xeroctl").chmod(0o755)
    commands = {c.diagnostic.command for c in catalog.codes if c.diagnostic.command} | {c.form for c in catalog.commands}
    for command in sorted(commands):
        run = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=10,
                             env={"PATH": f"{tmp_path}:/usr/bin:/bin"})
        assert sorted(p.name for p in tmp_path.iterdir()) == ["xeroctl"], command  # nothing created
        assert run.stdout in ("", "ran-xeroctl\n"), command


# ---------------------------------------------------------------- invisible and reordering characters


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\u00ad", "\U000e0041"])
@pytest.mark.parametrize("where", [("title: Agents", "title: Age{c}nts", "section.title"),
                                   ("command: xeroctl agents\n", "command: xeroctl age{c}nts\n", "diagnostic.command"),
                                   ("is unknown, for example", "is unkn{c}own, for example", "description")])
def test_invisible_formatting_is_refused_in_every_kind_of_field(project, char, where):
    old, new, field = where
    edit(project / SECTION, old, new.format(c=char))
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1
    assert f"U+{ord(char):04X}" in result.stdout and field.split(".")[-1] in result.stdout, result.stdout


def test_a_pasted_bidi_character_cannot_reorder_the_answer(browser, site):
    with open_page(browser, site, ready=LOOKUP_READY) as page:
        page.fill("#xem-lookup-input", 'x-request-id: abc\u202e123\n\n{"error": {"code": "no_such_\\u202ecode"}}')
        page.click(".xem-lookup button[type=submit]")
        shown = page.evaluate("""() => {
            const r = document.querySelector('.xem-lookup-result');
            return {text: r.textContent, isolated: [...r.querySelectorAll('bdi')].map(b => b.textContent)};
        }""")
    assert "abc123" in shown["text"]  # dropped from the paste: it was invisible
    assert "no_such_\u202ecode" in shown["isolated"]  # decoded from JSON: shown, but isolated
    assert "abc123" in shown["isolated"]


# ---------------------------------------------------------------- YAML numbers


@pytest.mark.parametrize("written, words", [("0403", "not written in decimal (YAML would read it as 259)"),
                                            ("403.0", "read as a fraction"), ("4:03", "not written in decimal"),
                                            ("0x193", "not written in decimal")])
def test_a_number_yaml_would_misread_is_refused(project, written, words):
    f = project / "catalog/sections/01-scope-auth.yaml"
    edit(f, "      - status: 403\n", f"      - status: {written}\n")
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1 and words in result.stdout, result.stdout
    # At the number, named as the writer finds it (line 16 holds the first `status: 403`).
    assert result.stdout.startswith("catalog/sections/01-scope-auth.yaml:16:17: codes.scope_insufficient.http[0].status: ")


# ---------------------------------------------------------------- links


@pytest.mark.parametrize("target", ["https://trusted.example@evil.example/", "https://user:pw@xerotier.ai/docs",
                                    "http://a@b@c/"])
def test_links_with_a_user_name_are_refused(project, target):
    edit(project / SECTION, "is unknown, for example", f"is [unknown]({target}), for example")
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1 and "user name or password" in result.stdout


def test_a_code_named_in_link_text_is_not_a_link_inside_a_link():
    from xemcat.text import inline
    html = inline("[see `agent_not_found` here](https://x.example/) and `agent_not_found`", {"agent_not_found"})
    assert html.count("<a ") == 2 and "<a href=\"https://x.example/\">see <code>agent_not_found</code> here</a>" in html


# ---------------------------------------------------------------- fuzz


HOSTILE_CHARS = st.sampled_from(list("\x00\x07\x1b\x7f\x85\x9b\u200b\u202e\u2066\u2028\ufeff;|&$`<>(){}'\"\\\n\r\t"))
HOSTILE = st.lists(st.one_of(HOSTILE_CHARS, st.characters()), max_size=40).map("".join)


@settings(max_examples=60, deadline=None)
@given(text=HOSTILE)
def test_fuzz_the_look_up_answers_and_its_terminal_output_stay_inert(text):
    from xemcat.catalog import load_catalog
    from xemcat.explain import explain_paste
    from xemcat.lookup import index, interpret
    from xemcat.terminal import escape
    catalog = _catalog(load_catalog)
    data = index(catalog)
    for paste in (text, json.dumps({"error": {"code": text, "message": text}}), f"x-request-id: {text}\n\n{text}"):
        found = interpret(paste, data)
        shown, _ = explain_paste(catalog, found, data, "https://x.example/")
        assert raw_controls(escape(shown, keep="\n\t")) == []
        assert all("\n" not in note for note in (escape(n) for n in found.notes))


@settings(max_examples=40, deadline=None)
@given(text=HOSTILE)
def test_fuzz_catalog_text_is_refused_or_rendered_inert(text):
    from xemcat.text import inline, link_problem, plain
    html = inline(text)
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    assert raw_controls(_escape(plain(text))) == []
    link_problem(text)  # never raises


_CACHE: dict = {}


def _catalog(load):
    if "c" not in _CACHE:
        _CACHE["c"] = load(ROOT / "catalog")
    return _CACHE["c"]


def _escape(text: str) -> str:
    from xemcat.terminal import escape
    return escape(text, keep="\n\t")


# ---------------------------------------------------------------- anchors and YAML strings


@pytest.mark.parametrize("name", ["overview", "sources", "codes"])
def test_a_code_named_like_a_page_anchor_is_refused_by_check_and_build(project, tmp_path, name):
    f = project / "catalog/sections/05-approvals.yaml"
    edit(f, "  - code: approval_not_found\n", f"  - code: {name}\n")
    for text in (f.read_text(),):
        assert f"  - code: {name}\n" in text
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1
    said = [l for l in result.stdout.splitlines() if f"`{name}` is already an anchor" in l]
    assert len(said) == 1 and said[0].startswith("catalog/sections/05-approvals.yaml:"), result.stdout
    assert re.search(rf"`{name}` is already an anchor of the [A-Z][\w ]+ page \(one of its own headings\); "
                     "choose another name$", said[0]), said[0]
    build = mkdocs_build(project, tmp_path / "site")
    assert build.returncode == 1 and f"`{name}` is already an anchor" in build.stdout + build.stderr


def test_a_section_id_that_is_a_code_is_refused(project):
    edit(project / "catalog/sections/05-approvals.yaml", "  id: approvals\n", "  id: internal_error\n")
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1 and "section id `internal_error` is also a code" in result.stdout, result.stdout


def test_an_unknown_escape_is_named_not_called_unclosed(project):
    edit(project / SECTION, "  title: Agents\n", '  title: "Age\\qnts"\n')
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1 and "`\\q` is not an escape YAML knows" in result.stdout
    assert "never closed" not in result.stdout


@pytest.fixture(scope="module")
def catalog_dir(tmp_path_factory):
    import shutil
    dest = tmp_path_factory.mktemp("fuzz") / "catalog"
    shutil.copytree(ROOT / "catalog", dest)
    return dest


@settings(max_examples=40, deadline=None)
@given(text=HOSTILE.filter(lambda t: t.strip()))
def test_fuzz_catalog_text_through_check_and_the_pages(catalog_dir, text):
    """A generated string as a section title and a code's description: `check` refuses it with a
    located, escaped problem, or the pages show it as text (no element, no invisible character)."""
    from xemcat.catalog import catalog_from_files, check_catalog
    from xemcat.render import render_all
    f = catalog_dir / "sections/02-agents.yaml"
    original = (ROOT / "catalog/sections/02-agents.yaml").read_text()
    value = json.dumps(text)  # a YAML double-quoted string: the file stays printable
    hostile = original.replace("title: Agents", f"title: {value}", 1)
    line = next(l for l in hostile.splitlines() if l.startswith("    description: "))
    f.write_text(hostile.replace(line, f"    description: {value}", 1))
    try:
        files, problems = check_catalog(catalog_dir)
        if problems:
            for p in problems:
                assert raw_controls(str(p)) == [] and "\n" not in str(p)
            assert any(p.file.endswith("02-agents.yaml") for p in problems)
            return
        pages = render_all(catalog_from_files(files), ROOT / "templates")
        for page in pages:
            assert raw_controls(page.html.replace("\n", "")) == []
            assert "<script" not in page.html
    finally:
        f.write_text(original)


def test_the_escaping_stream_is_the_wrapped_stream_in_all_but_what_it_writes():
    """sys.stdout and sys.stderr of the command are SafeStreams: writing escapes, while flush,
    fileno, encoding and the rest are the real stream's (argparse and print rely on them)."""
    import io
    from xemcat.terminal import SafeStream
    raw = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\n")
    safe = SafeStream(raw)
    assert safe.write("a\x1b[2Jb\n\tc") == len("a\\x1b[2Jb\n\tc")
    safe.flush()
    assert raw.buffer.getvalue() == b"a\\x1b[2Jb\n\tc"
    assert safe.encoding == "utf-8" and safe.isatty() is False and safe.buffer is raw.buffer
