"""`xemcat scan` on router trees with known answers (issue 23): every catalog code emitted
somewhere in Go, Rust, Python or TypeScript, except one left out on purpose, and planted drift:
an undocumented code, and codes where they do not count (comments, plain strings, vendored code,
ignored files, behind a symlink out of the tree, in a binary file)."""

from __future__ import annotations

import json
import re
import os
from pathlib import Path

import pytest

from conftest import ENV, ROOT, xemcat

LEFT_OUT = "internal_error"  # documented, never emitted: `unused` at its catalog line
NEW = "brand_new_code"  # emitted in TypeScript, not documented: `undocumented` at its source line
EMITTERS = {  # language -> how it emits a code (the presets' shapes)
    "go": ("errors.go", 'return Error{{Code: "{}", Message: msg}}'),
    "rust": ("errors.rs", 'ApiError {{ code: "{}", status: 400 }}'),
    "python": ("errors.py", 'raise RouterError(code="{}")'),
    "ts": ("errors.ts", "throw new RouterError({{ code: '{}' }});"),
}


@pytest.fixture
def router(tmp_path, catalog):
    root = tmp_path / "router"
    codes = [c.code for c in catalog.codes if c.code != LEFT_OUT]
    for i, (lang, (name, shape)) in enumerate(EMITTERS.items()):
        d = root / lang
        d.mkdir(parents=True)
        lines = [shape.format(code) for code in codes[i::len(EMITTERS)]]
        if lang == "ts":
            lines.append(shape.format(NEW))
        if lang == "rust":
            lines.append("// " + shape.format("commented_out_code"))
        if lang == "python":
            lines += ["# " + shape.format("commented_python_code"), 'message = "code is the field clients read"']
        (d / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Where a code does not count: vendored, ignored, a binary file, behind a symlink.
    (root / "vendor/lib").mkdir(parents=True)
    (root / "vendor/lib/x.go").write_text('Error{Code: "vendored_code"}\n')
    (root / "node_modules/m").mkdir(parents=True)
    (root / "node_modules/m/i.ts").write_text("x = { code: 'node_module_code' }\n")
    (root / ".gitignore").write_text("generated/\n")
    (root / "generated").mkdir()
    (root / "generated/gen.go").write_text('Error{Code: "generated_code"}\n')
    (root / "go/blob.bin").write_bytes(b'\x00\x01"code": "binary_code"\x00' * 10)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.go").write_text('Error{Code: "outside_code"}\n')
    os.symlink(outside, root / "linked")
    # Not UTF-8, and a code in it still counts (Latin-1 comment text around it).
    (root / "python/legacy.py").write_bytes('# caf\xe9\nraise RouterError(code="{}")  # d\xe9j\xe0\n'.format(codes[0])
                                            .encode("latin-1"))
    return root


def scan(*args, cwd=None):
    from conftest import ROOT
    return xemcat("scan", *args, cwd=cwd or ROOT)


def test_finds_the_planted_drift_and_nothing_else(router, catalog):
    # Inside a directory whose .gitignore ignores everything (as tool caches write theirs): only
    # the tree's own ignore files count.
    import shutil
    workspace = router.parent / "workspace"
    workspace.mkdir()
    (workspace / ".gitignore").write_text("*\n")
    router = Path(shutil.copytree(router, workspace / "deps" / "router", symlinks=True))
    from conftest import ROOT
    # A ripgrep configuration of the user's (RIPGREP_CONFIG_PATH) changes nothing: --no-config.
    (workspace / "rg.conf").write_text("--max-count=0\n--ignore-case\n")
    out = xemcat("--catalog", str(ROOT / "catalog"), "scan", "deps/router", "--format", "json", cwd=workspace,
                 env={**ENV, "RIPGREP_CONFIG_PATH": str(workspace / "rg.conf")})
    assert out.returncode == 1 and out.stderr == "2 finding(s)\n", out.stderr  # every file read: no warning
    found = json.loads(out.stdout)
    assert {(f["kind"], f["code"]) for f in found} == {("undocumented", NEW), ("unused", LEFT_OUT)}
    new = next(f for f in found if f["code"] == NEW)
    assert new["path"].endswith("ts/errors.ts") and new["column"] == len("throw new RouterError({ code: '") + 1
    lines = (router / "ts/errors.ts").read_text().splitlines()  # paths as given: relative to the caller
    assert NEW in lines[new["line"] - 1]
    unused = next(f for f in found if f["code"] == LEFT_OUT)
    assert "catalog/sections/" in unused["path"]
    line = (ROOT / unused["path"][unused["path"].index("catalog/"):]).read_text().splitlines()[unused["line"] - 1]
    assert line.index(LEFT_OUT) + 1 == unused["column"], (line, unused)  # at the code itself


def test_text_github_and_sarif_say_the_same(router):
    text = scan(str(router))
    assert "ts/errors.ts:" in text.stdout and f": undocumented: `{NEW}` is emitted here" in text.stdout
    assert f"xemcat new {NEW}" in text.stdout
    github = scan(str(router), "--format", "github")
    assert "::error file=" in github.stdout and f"`{NEW}`" in github.stdout
    report = json.loads(scan(str(router), "--format", "sarif").stdout)
    assert report["version"] == "2.1.0" and report["$schema"].endswith("sarif-2.1.0.json")
    results = report["runs"][0]["results"]
    rules = {r["id"] for r in report["runs"][0]["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in results} == {"undocumented", "unused"} <= rules
    for r in results:
        region = r["locations"][0]["physicalLocation"]["region"]
        assert r["message"]["text"] and region["startLine"] >= 1 and region["startColumn"] >= 1


def test_every_format_names_the_same_findings_at_the_same_places(router):
    """JSON is the reference; text, GitHub annotations and SARIF each carry every finding with
    its kind, path, line and column (read back by each format's own grammar); findings go to
    stdout, the count to stderr. In GitHub Actions (GITHUB_ACTIONS=true) annotations are the
    default; a note is a notice, a problem an error."""
    from conftest import ENV
    as_json = scan(str(router), "--format", "json")
    found = {(f["kind"], f["code"], f["path"], f["line"], f["column"]) for f in json.loads(as_json.stdout)}
    assert len(found) == 2 and as_json.stderr == "2 finding(s)\n"
    text = scan(str(router))
    read = set()
    for line in text.stdout.splitlines():
        m = re.match(r"^(.+):(\d+):(\d+): (\w+): .*?`([a-z_]+)`", line)
        assert m, line
        read.add((m[4], m[5], m[1], int(m[2]), int(m[3])))
    assert read == found and text.stderr == as_json.stderr
    for github in (scan(str(router), "--format", "github"),
                   xemcat("scan", str(router), cwd=ROOT, env={**ENV, "GITHUB_ACTIONS": "true"})):
        read = set()
        for line in github.stdout.splitlines():
            m = re.match(r"^::(error|notice) file=(.+),line=(\d+),col=(\d+),title=xemcat scan%3A (\w+)::.*?`([a-z_]+)`",
                         line)
            assert m and m[1] == "error", line
            read.add((m[5], m[6], m[2], int(m[3]), int(m[4])))
        assert read == found and github.stderr == as_json.stderr
    report = json.loads(scan(str(router), "--format", "sarif").stdout)
    read = set()
    for r in report["runs"][0]["results"]:
        where = r["locations"][0]["physicalLocation"]
        code = re.search(r"`([a-z_]+)`", r["message"]["text"])[1]
        read.add((r["ruleId"], code, where["artifactLocation"]["uri"], where["region"]["startLine"],
                  where["region"]["startColumn"]))
        assert r["level"] == "error"
    assert read == found


def test_a_baseline_accepts_todays_gaps_and_catches_new_ones(router, tmp_path):
    baseline = tmp_path / "baseline.json"
    wrote = scan(str(router), "--write-baseline", str(baseline))
    written = json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    # What it did is a message (stderr); the findings are in the file, not on stdout.
    assert (wrote.returncode, wrote.stdout) == (0, "")
    assert wrote.stderr == f"wrote {len(written)} finding(s) to {baseline}\n" and len(written) == 2
    assert scan(str(router), "--baseline", str(baseline)).returncode == 0
    (router / "go/more.go").write_text('Error{Code: "another_new_code"}\n')
    out = scan(str(router), "--baseline", str(baseline), "--format", "json")
    assert out.returncode == 1 and [f["code"] for f in json.loads(out.stdout)] == ["another_new_code"]


def test_usage_errors_exit_2_with_one_line(router, tmp_path):
    out = scan(str(tmp_path / "nowhere"))
    assert out.returncode == 2 and "no such file or directory" in out.stderr and "Traceback" not in out.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    out = scan(str(router), "--baseline", str(bad))
    assert out.returncode == 2 and "cannot read the baseline" in out.stderr


def test_hostile_file_names_and_contents_are_escaped(router):
    hostile = router / "go" / "evil\x1b[31m\nname.go"
    hostile.write_text('Error{Code: "hostile_code"}\n')
    text = scan(str(router))
    assert "\x1b" not in text.stdout and "hostile_code" in text.stdout
    assert all(line.count(": ") >= 2 for line in text.stdout.splitlines())  # one finding, one line
    github = scan(str(router), "--format", "github")
    evil = next(line for line in github.stdout.splitlines() if "hostile_code" in line)
    assert "\n" not in evil and "\x1b" not in evil and evil.startswith("::error file=")


def test_the_catalogs_scan_block_chooses_the_patterns(router, project):
    (project / "catalog/scan.yaml").write_text(
        "# yaml-language-server: $schema=schema.json\nscan:\n  presets: [go-field]\n"
        "  patterns: ['\\bE\\(\"(?P<code>[a-z_]+)\"\\)']\n")
    (router / "go/macro.go").write_text('E("macro_code")\n')
    out = xemcat("--catalog", "catalog", "scan", str(router), "--format", "json", cwd=project)
    codes = {f["code"] for f in json.loads(out.stdout) if f["kind"] == "undocumented"}
    assert codes == {"macro_code"}  # the TypeScript code is not looked for any more
    go = {line.split('"')[1] for line in (router / "go/errors.go").read_text().splitlines()}
    unused = {f["code"] for f in json.loads(out.stdout) if f["kind"] == "unused"}
    assert go and not go & unused  # the Go preset named in the block is used
    # Patterns alone: no preset at all (a router with its own shapes).
    (project / "catalog/scan.yaml").write_text("scan:\n  patterns: ['\\bE\\(\"(?P<code>[a-z_]+)\"\\)']\n")
    out = xemcat("--catalog", "catalog", "scan", str(router), "--format", "json", cwd=project)
    found = json.loads(out.stdout)
    assert {f["code"] for f in found if f["kind"] == "undocumented"} == {"macro_code"}
    assert go <= {f["code"] for f in found if f["kind"] == "unused"}
    (project / "catalog/scan.yaml").write_text("scan:\n  patterns: ['no group here']\n")
    out = xemcat("--catalog", "catalog", "check", cwd=project)
    assert out.returncode == 1 and "scan.yaml:2" in out.stdout


def test_the_composite_action_runs_the_scan_script(router, tmp_path):
    """action.yml's steps call tools/ci-scan.sh with the xemcat they installed; run that script
    the same way (XEMCAT set, from the caller's directory, under GitHub Actions)."""
    import subprocess
    import sys
    from pathlib import Path

    import yaml

    from conftest import ENV, ROOT
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    scan_step = next(s for s in action["runs"]["steps"] if "ci-scan.sh" in s["run"])
    assert scan_step["env"]["XEMCAT"].endswith("/xemcat/bin/xemcat")
    assert (ROOT / "tools/ci-scan.sh").is_file()
    env = {**ENV, "XEMCAT": str(Path(sys.executable).parent / "xemcat"), "GITHUB_ACTIONS": "true"}
    out = subprocess.run(["sh", str(ROOT / "tools/ci-scan.sh"), str(router)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "::error file=" in out.stdout and NEW in out.stdout, out.stderr
    # This repository's workflow with no router configured: a notice saying how, not a failure.
    skipped = subprocess.run(["sh", str(ROOT / "tools/ci-scan.sh"), "no-router-here"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=60)
    assert skipped.returncode == 0 and "::notice title=Router scan skipped::" in skipped.stdout
    assert "XEM_ROUTER_REPOSITORY" in skipped.stdout


def _undocumented(out) -> set[str]:
    return {f["code"] for f in json.loads(out.stdout) if f["kind"] == "undocumented"}


def test_spellings_single_files_and_line_endings(tmp_path):
    """The presets' shapes as code is really written (no spaces, more spaces, single quotes),
    a single file given as the path, and CRLF line endings."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.go").write_bytes(b'x := map[string]any{"code":"tight_json_code"}\r\nE{Code:"tight_go_code"}\r\n')
    (src / "b.py").write_text("raise E(code = 'spaced_python_code')\nraise E(code='single_quoted_code')\n")
    (src / "c.ts").write_text("throw new E({ code :  `template_ts_code` });\n")
    (src / "d.rs").write_text('E { code:  "spaced_rust_code" }\n')
    out = scan(str(src), "--format", "json")
    assert _undocumented(out) == {"tight_json_code", "tight_go_code", "spaced_python_code", "single_quoted_code",
                                  "template_ts_code", "spaced_rust_code"}
    one = scan(str(src / "a.go"), "--format", "json")  # a file, not a tree: still named in each finding
    found = [f for f in json.loads(one.stdout) if f["kind"] == "undocumented"]
    assert {f["code"] for f in found} == {"tight_json_code", "tight_go_code"}
    assert all(f["path"] == str(src / "a.go") for f in found) and not any("\r" in f["code"] for f in found)



def test_the_scan_block_includes_excludes_and_opts_into_vendored_code(router, project):
    block = project / "catalog/scan.yaml"
    block.write_text("scan:\n  exclude: ['**/ts/**']\n")
    out = xemcat("--catalog", "catalog", "scan", str(router), "--format", "json", cwd=project)
    assert NEW not in _undocumented(out)  # the TypeScript file is left out
    block.write_text("scan:\n  include: ['**/*.ts']\n")
    out = xemcat("--catalog", "catalog", "scan", str(router), "--format", "json", cwd=project)
    unused = {f["code"] for f in json.loads(out.stdout) if f["kind"] == "unused"}
    assert _undocumented(out) == {NEW} and len(unused) > 1  # only TypeScript: the others' codes go unseen
    (router / "third_party/x").mkdir(parents=True)
    (router / "third_party/x/t.go").write_text('Error{Code: "third_party_code"}\n')
    block.write_text("scan:\n  vendored: true\n")
    out = xemcat("--catalog", "catalog", "scan", str(router), "--format", "json", cwd=project)
    assert {"vendored_code", "node_module_code", "third_party_code"} <= _undocumented(out)
    block.write_text("scan:\n  vendored: false\n")
    out = xemcat("--catalog", "catalog", "scan", str(router), "--format", "json", cwd=project)
    assert not {"vendored_code", "node_module_code", "third_party_code"} & _undocumented(out)
    block.write_text("scan:\n  patterns: ['(?P<code>[a-z_]+']\n")  # the schema's check passes; Python's does not
    out = xemcat("--catalog", "catalog", "scan", str(router), cwd=project)
    assert out.returncode == 2 and "is not a regular expression" in out.stderr and "Traceback" not in out.stderr


def test_deprecated_former_names_and_sarif_levels(router, project):
    """A deprecated code the source no longer emits is a note (exit 0 when nothing else is
    wrong); a former name in the source counts for the code it became; SARIF gives each finding
    its rule and level."""
    from conftest import edit
    edit(project / "catalog/sections/06-lifecycle.yaml", f"  - code: {LEFT_OUT}\n",
         f"  - code: {LEFT_OUT}\n    deprecated:\n      since: '2026-11-30'\n      reason: Going.\n")
    ts = router / "ts/errors.ts"
    ts.write_text(ts.read_text().replace(f"'{NEW}'", "'agent_not_found'"))  # nothing undocumented left
    out = xemcat("--catalog", "catalog", "scan", str(router), "--format", "json", cwd=project)
    kinds = {(f["kind"], f["code"]) for f in json.loads(out.stdout)}
    assert kinds == {("note", LEFT_OUT)} and out.returncode == 0, kinds  # a note alone does not fail
    report = json.loads(xemcat("--catalog", "catalog", "scan", str(router), "--format", "sarif", cwd=project).stdout)
    run = report["runs"][0]
    assert run["tool"]["driver"]["name"] == "xemcat scan"
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels.get("note") == "note" and all(v == "error" for k, v in levels.items() if k != "note")
    assert all(rule["shortDescription"]["text"] for rule in run["tool"]["driver"]["rules"])
    # A former name in the source: the code it became is emitted, the old name documented.
    edit(project / "catalog/sections/02-agents.yaml", "  - code: agent_not_found\n",
         "  - code: agent_gone\n    former_names:\n      - name: agent_not_found\n        renamed: '2026-12-01'\n")
    out = xemcat("--catalog", "catalog", "scan", str(router), "--format", "json", cwd=project)
    found = {(f["kind"], f["code"]) for f in json.loads(out.stdout)}
    assert ("unused", "agent_gone") not in found and ("undocumented", "agent_not_found") not in found


def test_ripgrep_is_the_one_beside_python_or_else_on_path(tmp_path, monkeypatch):
    import sys
    from xemcat import scan as scanning
    real = scanning.ripgrep()
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))  # no rg beside this "Python"
    on_path = tmp_path / "bin"
    on_path.mkdir()
    (on_path / "rg").symlink_to(real)
    monkeypatch.setenv("PATH", str(on_path))
    assert scanning.ripgrep() == str(on_path / "rg")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    with pytest.raises(scanning.ScanError, match=r"^ripgrep \(rg\) is not installed; `pip install ripgrep` provides it$"):
        scanning.ripgrep()


def _fake_ripgrep(tmp_path, monkeypatch, out: bytes, err: str):
    """ripgrep replaced by a script that prints OUT, says ERR and exits 2 (an error)."""
    from xemcat import scan as scanning
    (tmp_path / "out").write_bytes(out)
    (tmp_path / "err").write_text(err)
    fake = tmp_path / "rg"
    fake.write_text(f"#!/bin/sh\ncat '{tmp_path}/out'\ncat '{tmp_path}/err' >&2\nexit 2\n")
    fake.chmod(0o755)
    monkeypatch.setattr(scanning, "ripgrep", lambda: str(fake))


def test_when_ripgrep_fails_the_scan_stops_with_its_words(router, tmp_path, monkeypatch):
    long = "rg: " + "x" * 400
    _fake_ripgrep(tmp_path, monkeypatch, b"", long)
    out = scan(str(router))
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr == f"xemcat scan: error: ripgrep failed: {long[:300]}\n"


def test_a_file_ripgrep_could_not_read_is_a_warning_and_the_rest_is_scanned(router, tmp_path, monkeypatch):
    match = b"go/errors.go\x001:" + b'return Error{Code: "brand_new_code", Message: msg}\n'
    _fake_ripgrep(tmp_path, monkeypatch, match, "rg: secret.go: Permission denied (os error 13)\n")
    out = scan(str(router), "--format", "json")
    assert out.returncode == 1
    assert "xemcat scan: warning: rg: secret.go: Permission denied (os error 13)\n" in out.stderr
    assert "brand_new_code" in [f["code"] for f in json.loads(out.stdout)]


def test_each_finding_says_what_to_do_about_it(router, project):
    """unused: mark it removed or teach the scan; a deprecated code no longer sent: a note, with
    its own rule in SARIF."""
    from test_facts import DEPRECATED
    section = project / "catalog/sections/06-lifecycle.yaml"
    section.write_text(section.read_text() + DEPRECATED)
    out = xemcat("--catalog", "catalog", "scan", str(router), "--format", "json", cwd=project)
    said = {f["code"]: f["message"] for f in json.loads(out.stdout)}
    assert said[LEFT_OUT] == (f"`{LEFT_OUT}` is documented but the source never emits it: mark it `removed`, "
                              "or extend `scan:` in the catalog if the router builds it another way")
    assert said["invocation_gone"] == ("`invocation_gone` (deprecated) is no longer found in the source; mark it "
                                       "`removed` once no supported router sends it")
    sarif = json.loads(xemcat("--catalog", "catalog", "scan", str(router), "--format", "sarif", cwd=project).stdout)
    rules = {r["id"]: r["shortDescription"]["text"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["note"] == "A deprecated code is no longer emitted"
    assert {r["ruleId"]: r["level"] for r in sarif["runs"][0]["results"]}["note"] == "note"


def test_a_catalog_file_that_is_not_utf8_stops_the_scan_with_its_place(router, project):
    (project / "catalog/sections/99-latin1.yaml").write_bytes("section:\n  title: caf\xe9\n".encode("latin-1"))
    out = xemcat("--catalog", "catalog", "scan", str(router), cwd=project)
    assert out.returncode == 1 and out.stdout == "" and "Traceback" not in out.stderr
    assert out.stderr.startswith("catalog/sections/99-latin1.yaml:2:"), out.stderr


def test_a_scan_block_that_does_not_parse_is_a_located_problem(router, project):
    (project / "catalog/scan.yaml").write_text("scan:\n  presets: [\n")
    out = xemcat("--catalog", "catalog", "scan", str(router), cwd=project)
    assert (out.returncode, out.stdout) == (1, "") and "Traceback" not in out.stderr
    assert out.stderr.startswith("catalog/scan.yaml:2:1: (yaml): YAML syntax error: the flow node that starts here is "
                                 "never closed")
