"""The `xemcat` subcommands, run as writers and CI run them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import edit, xemcat


def test_check_paths_limits_report_to_those_files(project):
    edit(project / "catalog/sections/02-agents.yaml", "command: xeroctl agents\n", "command: xeroctl agents doctor\n")
    edit(project / "catalog/sections/05-approvals.yaml", "    action: >-\n      List", "    acton: >-\n      List")
    result = xemcat("--catalog", "catalog", "check", "catalog/sections/05-approvals.yaml", cwd=project)
    assert result.returncode == 1
    assert "05-approvals.yaml" in result.stdout and "02-agents.yaml" not in result.stdout


def test_explain_prints_the_entry(catalog):
    result = xemcat("explain", "exec_tool_not_found")
    assert result.returncode == 0
    out = result.stdout
    assert "400 / 404" in out and "invalid_request_error" in out and "Retryable   No" in out
    assert "xeroctl exec tools" in out and "/codes/exec_tool_not_found/" in out


def test_explain_unknown_code_lists_closest(catalog):
    result = xemcat("explain", "scope_insuficient")
    assert result.returncode == 1
    assert "is not a code in the catalog" in result.stderr and "closest codes: scope_insufficient" in result.stderr


def test_explain_marks_missing_facts_and_marker(catalog):
    out = xemcat("explain", "internal_error").stdout
    assert "HTTP        not documented" in out
    assert "(no dedicated diagnostic; provide the x-request-id header value)" in out


def test_explain_list_has_every_code(catalog):
    """One line a code, in catalog order: the code, its statuses (or -), its description."""
    from xemcat.text import plain
    result = xemcat("explain", "--list")
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [c.code for c in catalog.codes]
    for line, c in zip(lines, catalog.codes):
        statuses = " / ".join(str(h.status) for h in c.http) or "-"
        assert re.fullmatch(rf"{c.code} +{re.escape(statuses)} +{re.escape(plain(c.description))}", line), line


def test_new_appends_unfinished_entry_that_fails_check(project):
    target = project / "catalog/sections/04-execution.yaml"
    before = target.read_text()
    assert xemcat("--catalog", "catalog", "check", cwd=project).returncode == 0
    result = xemcat("--catalog", "catalog", "new", "tool_timeout", "--section", "execution", cwd=project)
    assert result.returncode == 0, result.stderr
    after = target.read_text()
    assert after.startswith(before)
    entry = yaml.safe_load(after)["codes"][-1]
    assert entry["code"] == "tool_timeout"
    assert set(entry) >= {"code", "description", "http", "retryable", "type", "action", "diagnostic", "example"}
    check = xemcat("--catalog", "catalog", "check", cwd=project)
    assert check.returncode == 1
    assert "codes.tool_timeout.action: unfinished" in check.stdout
    assert "codes.tool_timeout.description: unfinished" in check.stdout


def test_new_refuses_existing_code_and_unknown_section(project):
    target = project / "catalog/sections/04-execution.yaml"
    before = target.read_text()
    dup = xemcat("--catalog", "catalog", "new", "invalid_body", "--section", "execution", cwd=project)
    assert dup.returncode == 1 and "already exists at" in dup.stderr
    bad = xemcat("--catalog", "catalog", "new", "x_y", "--section", "executon", cwd=project)
    assert bad.returncode == 2 and "did you mean `execution`" in bad.stderr
    badcode = xemcat("--catalog", "catalog", "new", "Bad-Code", "--section", "execution", cwd=project)
    assert badcode.returncode == 2
    assert target.read_text() == before


def test_shipped_catalog_is_canonical():
    result = xemcat("fmt", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_fmt_reorders_rewraps_and_keeps_comments(project):
    f = project / "catalog/sections/05-approvals.yaml"
    edit(f, "  - code: approval_not_found\n    added: '2026-11-29'\n    description: The approval ID is unknown, or the approval has been purged.\n",
         "  - description: The approval ID is unknown, or the approval has been purged.   # why it fails\n    code: approval_not_found\n    added: '2026-11-29'\n")
    edit(f, "    action: >-\n      List the current approvals and retry with the ID of one that still exists.",
         "    action: List the current approvals and retry with the ID of one that still exists, and this sentence is now long enough to need folding.")
    before, unformatted = yaml.safe_load(f.read_text()), f.read_text()
    check = xemcat("--catalog", "catalog", "fmt", "--check", cwd=project)
    name = "catalog/sections/05-approvals.yaml"
    assert check.returncode == 1 and check.stdout == f"{name}: not canonical (run `xemcat fmt {name}`)\n"
    assert f.read_text() == unformatted  # --check writes nothing
    formatted = xemcat("--catalog", "catalog", "fmt", cwd=project)
    assert formatted.returncode == 0 and formatted.stdout == f"formatted {name}\n"  # only the file it changed
    text = f.read_text()
    assert "# why it fails" in text
    assert text.index("- code: approval_not_found") < text.index("description: The approval ID")
    assert "    action: >-\n" in text and max(len(l) for l in text.splitlines()) <= 100
    after = yaml.safe_load(text)
    assert after["codes"][0]["code"] == before["codes"][0]["code"]
    assert " ".join(after["codes"][0]["action"].split()) == " ".join(before["codes"][0]["action"].split())
    assert xemcat("--catalog", "catalog", "fmt", "--check", cwd=project).returncode == 0  # idempotent
    assert xemcat("--catalog", "catalog", "check", cwd=project).returncode == 0


def test_fmt_leaves_broken_yaml_untouched(project):
    f = project / "catalog/sections/05-approvals.yaml"
    edit(f, "    http: unknown\n", "    http: [unknown\n")
    before = f.read_bytes()
    result = xemcat("--catalog", "catalog", "fmt", cwd=project)
    assert result.returncode == 1 and result.stdout == ""
    assert ("catalog/sections/05-approvals.yaml: not formatted: it has problems; fix them first (run `xemcat check`)"
            in result.stderr.splitlines())
    assert f.read_bytes() == before


def _git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t", *args], cwd=project,
                   check=True, capture_output=True)


def _repo(project: Path) -> None:
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "base")


def test_diff_and_breaking_change_gate(project):
    _repo(project)
    f = project / "catalog/sections/04-execution.yaml"
    edit(f, "      - status: 503\n", "      - status: 500\n")
    edit(f, "    retryable:\n      value: false\n      source: error-codes\n    type: unknown\n    action: >-\n      Change",
         "    retryable:\n      value: true\n      source: error-codes\n    type: unknown\n    action: >-\n      Change")
    added = xemcat("--catalog", "catalog", "new", "brand_new", "--section", "approvals", cwd=project)
    diff = xemcat("--catalog", "catalog", "diff", "HEAD", cwd=project)
    assert added.returncode == 0
    # The new entry is unfinished: diff refuses an invalid catalog, located problems and what to
    # do on stderr, nothing on stdout (a pipe reading the changes gets none rather than wrong ones).
    assert diff.returncode == 1 and diff.stdout == ""
    errors = diff.stderr.splitlines()
    assert errors[0].startswith("catalog/sections/05-approvals.yaml:") and "codes.brand_new." in errors[0]
    assert errors[-1] == "xemcat diff: a catalog is invalid; fix it first"
    p = project / "catalog/sections/05-approvals.yaml"
    text = p.read_text()
    p.write_text(text[: text.index("\n  - code: brand_new")] + "\n")
    diff = xemcat("--catalog", "catalog", "diff", "HEAD", cwd=project)
    assert diff.returncode == 0
    assert "changed  tool_executor_unavailable: HTTP 503 -> 500  BREAKING" in diff.stdout
    assert "changed  tool_not_mcp_visible: retryable no -> yes  BREAKING" in diff.stdout
    assert all(line.startswith("changed  ") for line in diff.stdout.splitlines()), diff.stdout  # only changes
    assert diff.stderr == ""
    gate = xemcat("--catalog", "catalog", "check", "--against", "HEAD", cwd=project)
    assert gate.returncode == 1
    assert "codes.tool_executor_unavailable.http: breaking: HTTP 503 -> 500 since HEAD; clients switch on this " \
        "code. Mark it with `breaking_change: {date, reason}` or add a new code and deprecate this one" in gate.stdout
    # Located at the changed field, not at the code's name.
    line = int(re.search(r"04-execution.yaml:(\d+):\d+: codes.tool_executor_unavailable.http", gate.stdout).group(1))
    assert re.match(r"(http:|- status: 500)", f.read_text().splitlines()[line - 1].strip())
    # Marking the change acknowledges it.
    edit(f, "  - code: tool_executor_unavailable\n",
         "  - code: tool_executor_unavailable\n    breaking_change:\n      date: 2026-11-29\n      reason: Corrected.\n")
    gate = xemcat("--catalog", "catalog", "check", "--against", "HEAD", cwd=project)
    assert "tool_executor_unavailable" not in gate.stdout and "tool_not_mcp_visible" in gate.stdout
    diff = xemcat("--catalog", "catalog", "diff", "HEAD", "--exit-code", cwd=project)
    assert "tool_executor_unavailable: HTTP 503 -> 500  BREAKING (marked)" in diff.stdout
    assert "tool_not_mcp_visible: retryable no -> yes  BREAKING\n" in diff.stdout and diff.returncode == 1
    # The marker approves that change only: once committed, a later break of the same code
    # with the old marker untouched is caught again.
    _git(project, "commit", "-qam", "marked 503 -> 500")
    edit(f, "      - status: 500\n", "      - status: 400\n")
    gate = xemcat("--catalog", "catalog", "check", "--against", "HEAD", cwd=project)
    assert gate.returncode == 1 and "codes.tool_executor_unavailable.http: breaking: HTTP 500 -> 400" in gate.stdout


def test_a_code_is_never_deleted_only_tombstoned_after_deprecation(project):
    _repo(project)
    p = project / "catalog/sections/05-approvals.yaml"
    text = p.read_text()
    p.write_text(text[: text.index("\n  - code: approval_not_pending")] + "\n")
    gate = xemcat("--catalog", "catalog", "check", "--against", "HEAD", cwd=project)
    assert gate.returncode == 1 and "breaking: `approval_not_pending` was deleted" in gate.stdout
    assert "removed: {date, reason, replacement}" in gate.stdout and "former_names" in gate.stdout
    # Located on the file as it is now (its `codes:` line; the base's line number would point at
    # another entry there), saying where the code was.
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "code: approval_not_pending" in l)
    codes_line = next(i for i, l in enumerate(p.read_text().splitlines(), 1) if l.startswith("codes:"))
    assert f"catalog/sections/05-approvals.yaml:{codes_line}:" in gate.stdout, gate.stdout
    assert f"(it was at line {line} at HEAD)" in gate.stdout
    # A tombstone on a code that was not deprecated: deprecate first.
    tomb = "  - code: approval_not_pending\n    removed:\n      date: '2026-12-01'\n      reason: Gone.\n"
    p.write_text(text.replace("  - code: approval_not_pending\n", tomb))
    gate = xemcat("--catalog", "catalog", "check", "--against", "HEAD", cwd=project)
    assert gate.returncode == 1 and "codes.approval_not_pending.removed: breaking:" in gate.stdout
    assert "deprecate it first" in gate.stdout
    # Deprecate in one revision, tombstone in the next: allowed, and `diff` says what happened.
    p.write_text(text.replace("  - code: approval_not_pending\n",
                              "  - code: approval_not_pending\n    deprecated:\n      since: '2026-11-29'\n"
                              "      replacement: approval_not_found\n      reason: Merged.\n"))
    assert xemcat("--catalog", "catalog", "check", "--against", "HEAD", cwd=project).returncode == 0
    _git(project, "commit", "-qam", "deprecate")
    deprecated = p.read_text()
    p.write_text(deprecated.replace("  - code: approval_not_pending\n", tomb))
    assert xemcat("--catalog", "catalog", "check", "--against", "HEAD", cwd=project).returncode == 0
    assert "removed  approval_not_pending: on 2026-12-01\n" in xemcat("--catalog", "catalog", "diff", "HEAD",
                                                                      cwd=project).stdout


def test_a_rename_keeps_the_old_name_as_a_former_name(project):
    _repo(project)
    p = project / "catalog/sections/05-approvals.yaml"
    text = p.read_text()
    p.write_text(text.replace("  - code: approval_not_pending\n", "  - code: approval_not_waiting\n"))
    gate = xemcat("--catalog", "catalog", "check", "--against", "HEAD", cwd=project)
    assert gate.returncode == 1 and "`approval_not_pending` was deleted" in gate.stdout
    p.write_text(text.replace("  - code: approval_not_pending\n", "  - code: approval_not_waiting\n    former_names:\n"
                              "      - name: approval_not_pending\n        renamed: '2026-12-01'\n"))
    gate = xemcat("--catalog", "catalog", "check", "--against", "HEAD", cwd=project)
    assert gate.returncode == 0, gate.stdout + gate.stderr
    diff = xemcat("--catalog", "catalog", "diff", "HEAD", cwd=project).stdout
    assert "renamed  approval_not_waiting: from approval_not_pending\n" in diff and "added" not in diff


def test_against_unknown_revision_is_a_usage_error(project):
    _repo(project)
    result = xemcat("--catalog", "catalog", "check", "--against", "no-such-rev", cwd=project)
    assert result.returncode == 2 and "cannot read revision" in result.stderr


def test_catalog_files_point_editors_at_the_schema():
    from conftest import ROOT
    for f in sorted((ROOT / "catalog").rglob("*.yaml")):
        first = f.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), f
        schema = (f.parent / first.split("=", 1)[1]).resolve()
        assert schema == (ROOT / "catalog/schema.json").resolve(), f


def _missing_docs(schema: dict) -> list[str]:
    """Every property in the schema lacking a description or an example (editors show both)."""
    from xemcat.vocabulary import resolve_ref
    out: list[str] = []

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            for name, prop in (node.get("properties") or {}).items():
                full = resolve_ref(prop, schema)
                if not full.get("description") or "examples" not in full:
                    out.append(f"{path}.{name}".lstrip("."))
            for key, value in node.items():
                walk(value, f"{path}.{key}" if key not in ("properties", "$defs", "items", "anyOf") else path)
        elif isinstance(node, list):
            for v in node:
                walk(v, path)
    walk(schema, "")
    return sorted(set(out))


def test_every_schema_field_has_description_and_example():
    import json
    from conftest import ROOT
    schema = json.loads((ROOT / "catalog/schema.json").read_text())
    assert _missing_docs(schema) == []
    del schema["$defs"]["errorCode"]["properties"]["action"]["description"]
    assert _missing_docs(schema) == ["errorCode.action"]  # the check itself can fail


def test_pre_commit_hooks_run_on_catalog_files(project):
    """Each local pre-commit hook's command works on the files its pattern selects, catches a
    change that breaks another file, and says how to create the environment when it is missing."""
    import os
    import re
    import shlex
    import sys
    from conftest import ENV, ROOT, edit, run
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert set(hooks) == {"xemcat-fmt", "xemcat-check", "codespell", "xemcat-gate"}  # the last two: test_workflow.py
    files = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "catalog").rglob("*")) if p.is_file()]
    (project / ".venv" / "bin").mkdir(parents=True)  # the hook needs only .venv/bin/xemcat
    wrapper = project / ".venv" / "bin" / "xemcat"  # this copy's xemcat (PYTHONPATH below)
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m xemcat "$@"\n')
    wrapper.chmod(0o755)
    env = {**ENV, "PYTHONPATH": str(project / "tools")}

    def hook(hook_id, *names):
        args = shlex.split(hooks[hook_id]["entry"])
        selected = [f for f in (names or files) if re.search(hooks[hook_id]["files"], f)]
        extra = ["--check"] if hook_id == "xemcat-fmt" else []
        return run([*args, *extra, *selected], project, env=env)
    assert "catalog/sections/01-scope-auth.yaml" in [f for f in files if re.search(hooks["xemcat-check"]["files"], f)]
    for hook_id in ("xemcat-fmt", "xemcat-check"):
        result = hook(hook_id)
        assert result.returncode == 0, (hook_id, result.stdout, result.stderr)
    # Renaming a command form breaks entries in the section files: committing only
    # commands.yaml must still fail, naming how many problems are elsewhere.
    edit(project / "catalog/commands.yaml", "form: xeroctl workspaces list", "form: xeroctl workspaces ls")
    result = hook("xemcat-check", "catalog/commands.yaml")
    assert result.returncode == 1 and "problem(s) in other files" in result.stderr, result.stderr
    os.unlink(project / ".venv" / "bin" / "xemcat")
    result = hook("xemcat-check", "catalog/commands.yaml")
    assert result.returncode == 1 and "sh tools/build-site.sh" in result.stderr


def test_writer_messages(project):
    """The messages a writer stumbles on: each names the place and says what to do."""
    sections = project / "catalog" / "sections"
    # A placeholder left by `new` is reported once, not also as a bad command.
    assert xemcat("--catalog", "catalog", "new", "brand_new", "--section", "approvals", cwd=project).returncode == 0
    out = xemcat("--catalog", "catalog", "check", cwd=project).stdout
    assert out.count("brand_new.diagnostic.command") == 1 and "unfinished" in out
    p = sections / "05-approvals.yaml"
    p.write_text(p.read_text()[: p.read_text().index("\n  - code: brand_new")] + "\n")
    # A missing diagnostic says which shapes are allowed.
    text = p.read_text()
    p.write_text(re.sub(r"    diagnostic:\n      command: [^\n]*\n", "", text, count=1))
    out = xemcat("--catalog", "catalog", "check", cwd=project).stdout
    assert "missing required field `diagnostic`, which is a mapping with `command` or a mapping with `none`" in out
    p.write_text(text)
    # A bad date says the format in words, not as a regex.
    edit(p, "  - code: approval_not_found\n", "  - code: approval_not_found\n    deprecated: {since: 29.11.2026, "
                                            "reason: Merged., replacement: approval_not_pending}\n")
    out = xemcat("--catalog", "catalog", "check", cwd=project).stdout
    assert '"29.11.2026" is not valid here: a date written YYYY-MM-DD' in out and "[0-9]" not in out
    # fmt refuses a file with problems instead of rewriting it.
    edit(p, "reason: Merged.,", "reason: Merged., bogus: 1,")
    before = p.read_text()
    fmt = xemcat("--catalog", "catalog", "fmt", str(p.relative_to(project)), cwd=project)
    assert fmt.returncode == 1 and "not formatted: it has problems" in fmt.stderr and p.read_text() == before
    # `new --help` lists the section ids; `explain --list` marks deprecated codes.
    assert "scope-auth, agents, workspaces-models" in " ".join(xemcat("new", "--help", cwd=project).stdout.split())
    p.write_text(before.replace(" bogus: 1,", "").replace("since: 29.11.2026", "since: '2026-11-29'"))
    listing = xemcat("--catalog", "catalog", "explain", "--list", cwd=project).stdout
    line = next(l for l in listing.splitlines() if l.startswith("approval_not_found "))
    assert line.endswith("  [deprecated] The approval ID is unknown, or the approval has been purged."), line
    assert listing.count("[deprecated]") == 1


def test_output_survives_the_fast_exit_and_a_reader_that_leaves(catalog):
    """`xemcat` ends its process without the interpreter's cleanup: whatever it printed must
    still arrive whole through a pipe, and a reader that has gone (`| head`) is no error."""
    import os
    import sys
    from conftest import ENV, ROOT
    # Block-buffered output, as in a pipe without PYTHONUNBUFFERED: nothing reaches the reader
    # unless the command flushes before it exits.
    env = {k: v for k, v in {**ENV, "PYTHONPATH": str(ROOT / "tools")}.items() if k != "PYTHONUNBUFFERED"}
    whole = subprocess.run([sys.executable, "-m", "xemcat", "explain", "--list"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=60)
    assert whole.returncode == 0 and whole.stderr == ""
    codes = [line.split()[0] for line in whole.stdout.splitlines() if line.strip()]
    assert codes == [c.code for c in catalog.codes]  # every line, in order: nothing was cut
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first line is written
    proc = subprocess.Popen([sys.executable, "-m", "xemcat", "explain", "--list"], cwd=ROOT, env=env,
                            stdout=write, stderr=subprocess.PIPE)
    os.close(write)
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""


@pytest.mark.parametrize("args, words", [
    ((), "the following arguments are required: command"),
    (("chek",), "invalid choice: 'chek'"),
    (("check", "--format", "yaml"), "argument --format: invalid choice: 'yaml'"),
    (("scan",), "the following arguments are required: PATH"),
])
def test_usage_errors_say_what_is_wrong_on_stderr_and_exit_2(args, words):
    result = xemcat(*args)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("usage: xemcat") and words in result.stderr.splitlines()[-1], result.stderr
    assert result.stderr.splitlines()[-1].startswith("xemcat")


@pytest.mark.parametrize("args, summary", [
    (("scan", "."), "xemcat: the catalog is invalid; run `xemcat check`"),
    (("coverage",), "xemcat: the catalog is invalid; run `xemcat check`"),
    (("explain", "agent_not_found"), "xemcat: the catalog is invalid; run `xemcat check`"),
    (("pages", "out"), "xemcat pages: the catalog or a template has problems; nothing was written"),
])
def test_a_command_on_an_invalid_catalog_says_why_on_stderr_only(project, args, summary):
    """Its output stays empty (a pipe or a file gets nothing half-made); the problems, located,
    and one line of what to do go to stderr; exit 1."""
    edit(project / "catalog/sections/02-agents.yaml", "command: xeroctl agents\n", "command: xeroctl agents doctor\n")
    result = xemcat("--catalog", "catalog", *args, cwd=project)
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("catalog/sections/02-agents.yaml:22:16: codes.agent_not_found.diagnostic.command: ")
    assert lines[-1] == summary
    assert not (project / "out").exists()


def test_diff_without_changes_says_so_in_one_line(project):
    _repo(project)
    diff = xemcat("--catalog", "catalog", "diff", "HEAD", "--exit-code", cwd=project)
    assert (diff.returncode, diff.stdout, diff.stderr) == (0, "no code changes since HEAD\n", "")


def test_a_base_revision_whose_catalog_does_not_parse_is_named_not_compared(project):
    """The base is what cannot be read: `diff` stops with exit 2 (not 1, which means the working
    catalog is wrong), and the gate reports it as one problem at the catalog directory."""
    f = project / "catalog/sections/05-approvals.yaml"
    good = f.read_text()
    f.write_text(good + "  - code: [unclosed\n")
    _repo(project)
    f.write_text(good)
    diff = xemcat("--catalog", "catalog", "diff", "HEAD", cwd=project)
    assert diff.returncode == 2 and diff.stdout == ""
    assert diff.stderr.startswith("xemcat diff: error: cannot compare with HEAD: its catalog does not parse (")
    assert len(diff.stderr.splitlines()) == 1
    gate = xemcat("--catalog", "catalog", "check", "--against", "HEAD", cwd=project)
    assert gate.returncode == 1
    assert gate.stdout.startswith("catalog:1:1: (against): cannot compare with HEAD: its catalog does not parse ("), \
        gate.stdout


@pytest.mark.parametrize("args, status, message", [
    (("check", "nosuch.yaml"), 2, "xemcat: error: no such file: nosuch.yaml"),
    (("explain",), 2, "xemcat explain: error: give a CODE, - (read standard input) or --list"),
    (("check",), 0, "catalog OK"),
    # -q: a clean catalog says nothing at all (a pre-commit hook or a script's quiet step).
    (("check", "-q"), 0, None),
    (("check", "--quiet"), 0, None),
])
def test_what_a_command_says_about_itself_is_one_line_on_stderr(args, status, message):
    """Messages about the run, not its results: stdout stays for what a program reads."""
    result = xemcat(*args)
    assert (result.returncode, result.stdout, result.stderr) == (status, "", message + "\n" if message else "")


def test_sitecheck_checks_the_site_directory_by_default(tmp_path):
    """`xemcat sitecheck` alone checks ./site, where `mkdocs build` writes."""
    result = xemcat("sitecheck", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "xemcat sitecheck: error: site is not a built site (no index.html); build it first\n"


@pytest.mark.parametrize("args", [("check", "--format", "sarif"), ("coverage", "--format", "github"),
                                  ("scan", "--format", "xml", "."), ("scan", "--format", "html", ".")])
def test_an_output_format_a_command_does_not_have_is_refused_with_the_choices(args, tmp_path):
    result = xemcat(*args, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert re.search(rf"error: argument --format: invalid choice: '{args[2]}' \(choose from 'text', ", result.stderr)


def test_a_quiet_check_still_reports_every_problem(project):
    edit(project / "catalog/sections/02-agents.yaml", "command: xeroctl agents\n", "command: xeroctl agents doctor\n")
    loud = xemcat("--catalog", "catalog", "check", cwd=project)
    quiet = xemcat("--catalog", "catalog", "check", "-q", cwd=project)
    assert loud.returncode == quiet.returncode == 1 and quiet.stdout == loud.stdout != ""


def test_diff_reads_the_catalogs_repository_from_anywhere(project, tmp_path):
    """Git runs in the catalog's repository, not in the writer's working directory."""
    _repo(project)
    edit(project / "catalog/sections/04-execution.yaml", "      - status: 503\n", "      - status: 500\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    diff = xemcat("--catalog", str(project / "catalog"), "diff", "HEAD", cwd=elsewhere)
    assert (diff.returncode, diff.stderr) == (0, "")
    assert diff.stdout == "changed  tool_executor_unavailable: HTTP 503 -> 500  BREAKING\n"


def test_the_field_reference_says_each_fields_shape_in_a_writers_words():
    """Contributing's field reference is read from the schema: every kind of node it can meet, on
    a small schema of its own (the shipped one does not use them all)."""
    from xemcat.schema_doc import FieldDoc, field_docs
    schema = {
        "$defs": {"text": {"type": "string", "pattern": "[^ ]"}, "line": {"type": "string", "pattern": "^[^\\n]+$"},
                  "entry": {"type": "object", "required": ["name", "status"], "properties": {
                      "name": {"$ref": "#/$defs/line", "description": "What it is called.", "examples": ["Grüße"]},
                      "status": {"type": "integer", "minimum": 100, "maximum": 599, "description": "The status."},
                      "kind": {"enum": ["a", "b"]},
                      "fixed": {"const": "unknown"},
                      "about": {"$ref": "#/$defs/text"},
                      "either": {"anyOf": [{"const": "unknown"}, {"type": "array", "items": {"type": "integer"}}]},
                      "maybe": {"type": ["string", "null"]},
                      "anything": {},
                      "nested": {"type": "object", "required": ["inner"], "properties": {
                          "inner": {"type": "boolean", "description": "Inside."}, "other": {"type": "object"}}},
                  }}},
        "properties": {"entries": {"type": "array", "items": {"$ref": "#/$defs/entry"}, "description": "All."}},
    }
    assert field_docs(schema, "entry") == [
        FieldDoc("name", True, "one line of plain text", "What it is called.", '"Grüße"'),
        FieldDoc("status", True, "integer 100–599", "The status.", ""),
        FieldDoc("kind", False, "one of `a`, `b`", "", ""),
        FieldDoc("fixed", False, '`"unknown"`', "", ""),
        FieldDoc("about", False, "text (inline Markdown)", "", ""),
        FieldDoc("either", False, '`"unknown"` or list, each integer', "", ""),
        FieldDoc("maybe", False, "string or null", "", ""),
        FieldDoc("anything", False, "value", "", ""),
        FieldDoc("nested", False, "mapping (inner, other)", "", ""),
        FieldDoc("nested.inner", True, "boolean", "Inside.", ""),
        FieldDoc("nested.other", False, "mapping", "", ""),
    ]
    # An example written where the $ref leads, and a schema without the text and line kinds.
    with_ref = {"$defs": {"st": {"type": "integer", "description": "A status.", "examples": [404]},
                          "e": {"type": "object", "properties": {"st": {"$ref": "#/$defs/st"}}}},
                "properties": {"s": {"$ref": "#/$defs/st"}, "t": {"type": "string"},
                               "p": {"type": "string", "pattern": "^a$"}, "e": {"$ref": "#/$defs/e"}}}
    assert field_docs(with_ref) == [FieldDoc("s", False, "integer", "A status.", "404"),
                                    FieldDoc("t", False, "string", "", ""), FieldDoc("p", False, "string", "", ""),
                                    FieldDoc("e", False, "mapping (st)", "", "")]
    assert field_docs(with_ref, "e") == [FieldDoc("st", False, "integer", "A status.", "404")]
    nested = {"$defs": {**with_ref["$defs"], "n": {"type": "object", "properties": {"e": {"$ref": "#/$defs/e"}}}}}
    assert field_docs(nested, "n")[1:] == [FieldDoc("e.st", False, "integer", "A status.", "404")]
    # The file's own fields are one level deep: a list of entries is not opened up.
    assert field_docs(schema) == [FieldDoc("entries", False, "list, each mapping (name, status, kind, fixed, about, "
                                                            "either, maybe, anything, nested)", "All.", "")]


def test_the_catalog_directory_may_come_from_the_environment(project, tmp_path):
    """XEMCAT_CATALOG stands in for --catalog: for the commands and for `new --help`'s sections."""
    from conftest import ENV
    edit(project / "catalog/sections/02-agents.yaml", "  id: agents\n", "  id: agents-env\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**ENV, "XEMCAT_CATALOG": str(project / "catalog")}
    check = xemcat("check", cwd=elsewhere, env=env)
    assert (check.returncode, check.stderr) == (0, "catalog OK\n")
    helped = xemcat("new", "--help", cwd=elsewhere, env=env)
    assert "agents-env" in " ".join(helped.stdout.split())
    without = xemcat("new", "--help", cwd=elsewhere)  # no catalog here: an example instead of the list
    assert "agents-env" not in without.stdout and "e.g. scope-auth" in " ".join(without.stdout.split())


def test_the_command_entry_escapes_what_it_prints_and_exits_with_mains_status(monkeypatch, capsys):
    """`xemcat` itself (cli.run): its streams escape control characters from pasted or catalog
    text, and the process ends with main()'s status (os._exit, caught here)."""
    import gc
    import sys
    from xemcat import cli
    ended = []
    monkeypatch.setattr(cli.os, "_exit", ended.append)
    monkeypatch.setattr(sys, "argv", ["xemcat", "new", "bad\x1b[2Jcode", "--section", "agents"])
    monkeypatch.setattr(sys, "stdout", sys.stdout)  # restored after the test: run() wraps them
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    try:
        cli.run()
    finally:
        gc.enable()  # run() turns the collector off for the short process it expects to be
    out = capsys.readouterr()
    assert ended == [2] and out.out == ""
    assert "\x1b" not in out.err and "`bad\\x1b[2Jcode` is not a valid code" in out.err


def test_every_command_and_option_says_what_it_does_in_one_style():
    """`xemcat --help` and Contributing's command reference read alike: every command and
    option has help, in lower case after the tool's one-sentence description; capitals only for
    acronyms, environment variables, FILE:LINE:COL, OWNER/REPO and the command's own
    placeholders, so a help text that says BASE is next to a usage line that shows BASE."""
    import argparse
    from xemcat.parser import build_parser
    shouted_ok = {"FILE", "LINE", "COL", "OWNER", "REPO", "GITHUB_ACTIONS", "XEMCAT_CATALOG", "HTTP", "JSON",
                  "URL", "XEM", "SARIF", "YAML"}
    parser = build_parser()
    assert re.fullmatch(r"[A-Z][^.]+\.", parser.description), parser.description
    helps = []

    def walk(p, summary=None):
        # what the usage line shows: the metavar, else an option's DEST, else a positional's dest
        own = {a.metavar or (a.dest.upper() if a.option_strings else a.dest) for a in p._actions}
        if summary:
            helps.append((f"command {summary.dest}", summary.help, own))
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for summary in action._choices_actions:
                    walk(action.choices[summary.dest], summary)
            elif not isinstance(action, argparse._HelpAction):
                helps.append((action.dest, action.help, own))
    walk(parser)
    assert len(helps) > 30
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert [n for n, *_ in helps if n.startswith("command ")] == [f"command {c}" for c in sub.choices]  # all listed
    for name, text, own in helps:
        assert text and text[0].islower(), (name, text)
        # Acronyms in capitals (a file name like catalog.json is a name, not the acronym).
        assert not re.search(r"(?<![\w./-])(url|json|http|yaml|xem|sarif)(?![\w.])", text), (name, text)
        assert set(re.findall(r"[A-Z][A-Z_]+", text)) <= shouted_ok | own, (name, text)


def test_contributings_command_reference_is_what_each_command_prints_for_help(site):
    """The page shows `xemcat NAME --help` as an 88-column terminal shows it, for every command."""
    from bs4 import BeautifulSoup
    from conftest import ENV
    page = BeautifulSoup((site / "contributing/index.html").read_text(), "html.parser")
    headings = page.select('h3[id^="cmd-"]')
    assert len(headings) == 9
    for h in headings:
        name = h["id"].removeprefix("cmd-")
        shown = h.find_next("pre").get_text().strip()
        helped = xemcat(name, "--help", env={**ENV, "COLUMNS": "90"})  # argparse wraps at COLUMNS - 2
        assert helped.returncode == 0 and shown == helped.stdout.strip(), name
        assert max(map(len, shown.splitlines())) <= 88


def test_pages_links_each_code_page_to_its_entry_from_xemcat_edit_url(tmp_path):
    """Like the MkDocs build (mkdocs.yml's catalog_edit_url), `pages` reads $XEMCAT_EDIT_URL."""
    from conftest import ENV
    env = {k: v for k, v in ENV.items() if k != "XEMCAT_EDIT_URL"}
    assert xemcat("pages", str(tmp_path / "plain"), env=env).returncode == 0
    assert xemcat("pages", str(tmp_path / "linked"), env={**env, "XEMCAT_EDIT_URL": "https://example.test/o/r/blob/x"}
                  ).returncode == 0
    page = "codes/agent_not_found/index.md"
    assert "https://example.test/o/r/blob/x/catalog/sections/02-agents.yaml#L" in (tmp_path / "linked" / page).read_text()
    assert "https://example.test/" not in (tmp_path / "plain" / page).read_text()


def _site_url_seen_by(command: str, env: dict, tmp_path: Path) -> str:
    """What COMMAND, run with ENV, shows of the site's address: explain's link, the doc_url in
    pages' catalog.json, or (sitecheck) whether a link under https://docs.example/xem/ counts as
    the site's own."""
    import json
    if command == "explain":
        return xemcat("explain", "exec_tool_not_found", env=env).stdout
    if command == "pages":
        out = tmp_path / f"out{len(list(tmp_path.iterdir()))}"
        assert xemcat("pages", str(out), env=env).returncode == 0
        return json.loads((out / "catalog.json").read_text())["codes"][0]["doc_url"]
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_text('<a href="https://docs.example/xem/gone/">x</a>')
    checked = xemcat("sitecheck", str(site), env=env)
    return "internal" if "index.html" in checked.stdout and "gone" in checked.stdout else "external"


@pytest.mark.parametrize("command", ["explain", "pages", "sitecheck"])
def test_the_sites_address_comes_from_site_url(command, catalog, tmp_path):
    """Every command that needs the site's address takes $SITE_URL (what CI publishes to) when
    set, else the local preview's address, so a writer's preview and CI's run agree without flags."""
    from conftest import ENV
    env = {k: v for k, v in ENV.items() if k != "SITE_URL"}
    local = _site_url_seen_by(command, env, tmp_path)
    published = _site_url_seen_by(command, {**env, "SITE_URL": "https://docs.example/xem/"}, tmp_path)
    if command == "sitecheck":
        assert (local, published) == ("external", "internal")
    else:
        assert "http://127.0.0.1:8000/codes/" in local and "https://docs.example/xem/codes/" in published
