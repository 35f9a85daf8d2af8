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

import re
import shutil
import subprocess
import sys
import threading
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


def alternation(patterns: tuple[str, ...] | list[str], numbered: bool = False) -> str:
    """The patterns as one regular expression: for ripgrep, with each `code` group made a plain
    group (Rust's regex refuses a name twice); ``numbered``, for Python, named code0, code1..."""
    def group(i: int) -> str:
        return f"(?P<code{i}>" if numbered else "("
    return "|".join(f"(?:{p.replace('(?P<code>', group(i), 1)})" for i, p in enumerate(patterns))


class Search:
    """A ripgrep search of the trees, started at once: it runs, and a thread reads its matches,
    while the caller validates the catalog; `emitted()` waits for both and returns the codes."""

    def __init__(self, paths: list[Path], config: ScanConfig):
        for p in config.patterns:
            try:
                rx = re.compile(p)
            except re.error as exc:
                raise ScanError(f"pattern {p!r} is not a regular expression: {exc}") from None
            if "code" not in rx.groupindex:
                raise ScanError(f"pattern {p!r} has no named group `code` ((?P<code>...))")
        # One pass over each line: the patterns as one alternation, each `code` group numbered.
        self.either = re.compile(alternation(config.patterns, numbered=True))
        # The tree's own ignore files only, not those of the directories above it (a checkout
        # inside a directory a .gitignore covers would be skipped). "PATH\0LINE:TEXT" (--null)
        # is cheaper for ripgrep to write and for us to read than --json.
        args = [ripgrep(), "--null", "--with-filename", "--line-number", "--no-heading", "--color=never",
                "--no-require-git", "--no-ignore-parent", "--no-follow", "--max-filesize", MAX_FILESIZE,
                "--no-config", "-e", alternation(config.patterns)]
        for glob in config.include:
            args += ["--glob", glob]
        for glob in config.exclude:
            args += ["--glob", f"!{glob}"]
        if not config.vendored:
            for name in VENDORED:
                args += ["--glob", f"!**/{name}/**"]
        args += ["--", *map(str, paths)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.found: list[Emitted] = []
        self.read = False
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        """Read ripgrep's matching lines as they come: the code group, its column, not in a comment."""
        for raw in self.proc.stdout:
            self.read = True
            path_bytes, _, rest = raw.partition(b"\0")
            number, _, line_bytes = rest.partition(b":")
            text = line_bytes.decode("utf-8", "replace").rstrip("\r\n")  # not UTF-8: read, replaced
            if COMMENT.match(text):
                continue
            path = path_bytes.decode("utf-8", "replace")
            for m in self.either.finditer(text):
                group = next(g for g, v in m.groupdict().items() if v is not None and g.startswith("code"))
                self.found.append(Emitted(m.group(group), path, int(number), len(text[:m.start(group)]) + 1))

    def emitted(self) -> list[Emitted]:
        """Every code the patterns found, in file order."""
        self.reader.join()
        errors = self.proc.stderr.read().decode("utf-8", "replace").strip()
        status = self.proc.wait()  # 0: matches, 1: none, 2: an error (with or without matches)
        if status == 2 and not self.read:
            raise ScanError(f"ripgrep failed: {errors[:300]}")
        for message in errors.splitlines() if status == 2 else ():  # a file it could not read: skipped, said
            print(f"xemcat scan: warning: {message}", file=sys.stderr)
        return sorted(set(self.found), key=lambda e: (e.path, e.line, e.column))

    def stop(self) -> None:
        self.proc.kill()
        self.reader.join()
        self.proc.wait()


def scan_block(catalog_dir: Path) -> dict[str, Any] | None:
    """The `scan:` block, read before the catalog is validated (so the search can start at
    once); a block the schema refuses is reported by the validation that follows."""
    from .catalog import catalog_files
    from .loader import load_file
    for path in catalog_files(catalog_dir):
        try:  # only a file with a top-level `scan:` key is parsed here (the validation parses all)
            if not re.search(r"(?m)^scan:", path.read_text(encoding="utf-8", errors="replace")):
                continue
        except OSError:
            continue
        src, _ = load_file(path, str(path))
        if src is not None and isinstance(src.data, dict) and isinstance(src.data.get("scan"), dict):
            return src.data["scan"]
    return None


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
            "tool": {"driver": {"name": "xemcat scan",
                                "rules": [{"id": k, "shortDescription": {"text": v}} for k, v in rules.items()]}},
            "results": [{
                "ruleId": f.kind, "level": level[f.kind], "message": {"text": f.message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": f.path},
                                                    "region": {"startLine": f.line, "startColumn": f.column}}}],
            } for f in results],
        }],
    }
