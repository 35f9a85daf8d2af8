"""`xemcat scan PATH...`: the catalog against the router's source (rust's tidy for error codes).

Two findings, both located:
  * undocumented: a code the source emits that the catalog does not have (nor as a former name),
    at the source FILE:LINE:COL;
  * unused: a catalog code the source never emits, at its catalog line (removed codes exempt;
    a deprecated one is a note, not a failure).

What counts as emitting a code is a set of patterns with a named `code` group: ready-made
presets for common shapes in Go, Rust, Python and TypeScript, or the catalog's own (`scan:` in
catalog/scan.yaml, schema-validated). ripgrep walks the tree and finds the candidate lines: it
honours .gitignore, skips binary files and hidden directories, follows no symlink, and is as
fast as a search of the tree gets; Python then reads only the matching lines (the code group,
its column, whether the line is a comment).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CODE = r"[a-z][a-z0-9_]*[a-z0-9]"
# Ready-made patterns (ripgrep's and Python's regex syntax alike): how routers commonly emit a code.
PRESETS: dict[str, str] = {
    "json-key": rf'"code"\s*:\s*"(?P<code>{CODE})"',  # a JSON body or a map literal, any language
    "go-field": rf'\bCode:\s*"(?P<code>{CODE})"',  # Go: Error{{Code: "x"}}
    "rust-field": rf'\bcode:\s*"(?P<code>{CODE})"',  # Rust: ApiError {{ code: "x", .. }}
    "keyword-arg": rf"""\bcode\s*=\s*["'](?P<code>{CODE})["']""",  # Python: Error(code="x")
    "ts-property": rf"""\bcode\s*:\s*['"`](?P<code>{CODE})['"`]""",  # TypeScript: {{ code: 'x' }}
}
# Line comments of the languages the presets are for: a code there is not emitted.
COMMENT = re.compile(r"^\s*(//|#|/\*|\*|--)")
VENDORED = ("vendor", "node_modules", "third_party")
MAX_FILESIZE = "5M"  # larger files are data, not the code that emits errors


@dataclass(frozen=True)
class Emitted:
    code: str
    path: str
    line: int
    column: int


@dataclass(frozen=True)
class Finding:
    kind: str  # undocumented | unused | note
    code: str
    path: str
    line: int
    column: int
    message: str

    @property
    def key(self) -> str:
        """What a baseline records: the kind and the code (not the place, which moves)."""
        return f"{self.kind}:{self.code}"


@dataclass(frozen=True)
class ScanConfig:
    patterns: tuple[str, ...]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    vendored: bool = False  # scan vendor/, node_modules/, third_party/ too


class ScanError(Exception):
    """The scan cannot run (no ripgrep, a bad pattern): one line says why."""


def config_from(block: dict[str, Any] | None) -> ScanConfig:
    """The `scan:` block of the catalog (validated by the schema), or every preset."""
    block = block or {}
    patterns = [PRESETS[name] for name in block.get("presets", [] if "patterns" in block else list(PRESETS))]
    patterns += block.get("patterns", [])
    return ScanConfig(tuple(patterns), tuple(block.get("include", ())), tuple(block.get("exclude", ())),
                      bool(block.get("vendored", False)))


def ripgrep() -> str:
    """The ripgrep binary: the one installed beside this Python (the `ripgrep` package), or on PATH."""
    here = Path(sys.executable).parent / "rg"
    found = str(here) if here.is_file() else shutil.which("rg")
    if not found:
        raise ScanError("ripgrep (rg) is not installed; `pip install ripgrep` provides it")
    return found


def emitted(paths: list[Path], config: ScanConfig) -> list[Emitted]:
    """Every code the patterns find in the trees at ``paths``, in file order."""
    compiled = []
    for p in config.patterns:
        try:
            rx = re.compile(p)
        except re.error as exc:
            raise ScanError(f"pattern {p!r} is not a regular expression: {exc}") from None
        if "code" not in rx.groupindex:
            raise ScanError(f"pattern {p!r} has no named group `code` ((?P<code>...))")
        compiled.append(rx)
    # The tree's own ignore files only: not those of the directories above it (a checkout inside
    # another repository would otherwise be skipped by that repository's .gitignore).
    args = [ripgrep(), "--json", "--no-require-git", "--no-ignore-parent", "--no-follow",
            "--max-filesize", MAX_FILESIZE, "--no-config", "-e", "|".join(f"(?:{re.sub(r'[(][?]P<code>', '(', p)})" for p in config.patterns)]
    for glob in config.include:
        args += ["--glob", glob]
    for glob in config.exclude:
        args += ["--glob", f"!{glob}"]
    if not config.vendored:
        for name in VENDORED:
            args += ["--glob", f"!**/{name}/**"]
    args += ["--", *map(str, paths)]
    # Streamed: a large tree's matches are read line by line, never held as one output.
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "RIPGREP_CONFIG_PATH": ""})
    out, read = [], False
    for raw in proc.stdout:
        read = True
        if not raw.startswith(b'{"type":"match"'):
            continue
        data = json.loads(raw)["data"]
        path, text = _text(data["path"]), _text(data["lines"])
        if COMMENT.match(text):
            continue
        for rx in compiled:
            for m in rx.finditer(text):
                out.append(Emitted(m.group("code"), path, data["line_number"], len(text[:m.start("code")]) + 1))
    errors = proc.stderr.read().decode("utf-8", "replace").strip()
    status = proc.wait()  # 0: matches, 1: none, 2: an error (with or without matches)
    if status == 2 and not read:
        raise ScanError(f"ripgrep failed: {errors[:300]}")
    for message in errors.splitlines() if status == 2 else ():  # a file it could not read: skipped, said
        print(f"xemcat scan: warning: {message}", file=sys.stderr)
    return sorted(set(out), key=lambda e: (e.path, e.line, e.column))


def _text(field: dict[str, str]) -> str:
    """ripgrep's JSON gives text, or base64 bytes where it is not UTF-8."""
    if "text" in field:
        return field["text"]
    return base64.b64decode(field["bytes"]).decode("utf-8", "replace")


def findings(found: list[Emitted], catalog, places: dict[str, tuple[str, int, int]]) -> list[Finding]:
    """Compare what the source emits with the catalog. ``places``: code -> its catalog location."""
    documented = set(catalog.by_code) | set(catalog.former_names)
    out = []
    seen: set[str] = set()
    for e in found:
        if e.code not in documented and e.code not in seen:
            seen.add(e.code)
            out.append(Finding("undocumented", e.code, e.path, e.line, e.column,
                               f"`{e.code}` is emitted here but not documented: add it with "
                               f"`xemcat new {e.code} --section SECTION`"))
    sent = {e.code for e in found} | {catalog.former_names.get(e.code, "") for e in found}
    for code in catalog.by_code.values():
        if code.code in sent or code.removed:
            continue
        path, line, col = places[code.code]
        if code.deprecated:
            out.append(Finding("note", code.code, path, line, col,
                               f"`{code.code}` (deprecated) is no longer found in the source; mark it `removed` "
                               "once no supported router sends it"))
        else:
            out.append(Finding("unused", code.code, path, line, col,
                               f"`{code.code}` is documented but the source never emits it: mark it `removed`, "
                               "or extend `scan:` in the catalog if the router builds it another way"))
    return out


def sarif(results: list[Finding]) -> dict[str, Any]:
    """SARIF 2.1.0, for code-scanning UIs: one rule per kind."""
    rules = {"undocumented": "An emitted error code is not in the catalog",
             "unused": "A catalog code is never emitted", "note": "A deprecated code is no longer emitted"}
    level = {"undocumented": "error", "unused": "error", "note": "note"}
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "xemcat scan", "informationUri": "https://github.com/",
                                "rules": [{"id": k, "shortDescription": {"text": v}} for k, v in rules.items()]}},
            "results": [{
                "ruleId": f.kind, "level": level[f.kind], "message": {"text": f.message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": f.path},
                                                    "region": {"startLine": f.line, "startColumn": f.column}}}],
            } for f in results],
        }],
    }
