"""Compare the catalog with its state at a git revision: `xemcat diff BASE` and the
breaking-change gate of `xemcat check --against BASE`.

API clients switch on `error.code`, and people hold links to every code for years, so these
break them and fail the gate unless marked:
  * a deleted entry: a code is never deleted; it gets a tombstone (`removed: {date, reason}`),
    or, renamed, the new entry lists it in `former_names` (its old addresses then lead there);
  * a tombstone on a code that was not `deprecated` at BASE (deprecate first, remove later);
  * a changed HTTP status set, a changed envelope type or a flipped retryable flag, unless the
    entry carries `breaking_change: {date, reason}` for this revision.
Learning a fact that was `unknown` is not breaking: clients could not rely on it before.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import catalog_files, catalog_from_files, check_catalog
from .loader import SourceFile, load_file
from .model import Catalog, ErrorCode
from .problems import CatalogError, Problem, display


class GitError(Exception):
    pass


def _git(args: list[str], cwd: Path) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitError(f"cannot run git: {exc}") from exc
    if out.returncode != 0:
        raise GitError(out.stderr.strip() or f"git {' '.join(args)} failed")
    return out.stdout


def catalog_at(catalog_dir: Path, base: str, dest: Path) -> Path:
    """Write the catalog as it was at git revision `base` into `dest`; return the copy's dir."""
    catalog_dir = catalog_dir.resolve()
    top = Path(_git(["rev-parse", "--show-toplevel"], catalog_dir).strip())
    rel = catalog_dir.relative_to(top).as_posix()
    _git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], top)
    names = _git(["ls-tree", "-r", "--name-only", base, "--", rel], top).splitlines()
    if not names:
        raise GitError(f"revision {base} has no {rel}/ directory")
    out = dest / "catalog"
    for name in names:
        target = out / Path(name).relative_to(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        blob = subprocess.run(["git", "show", f"{base}:{name}"], cwd=top, capture_output=True, timeout=60)
        target.write_bytes(blob.stdout)
    return out


def marked(code: str, new_markers: dict[str, Any], old_markers: dict[str, Any]) -> bool:
    """A marker approves the change made in the revision that adds (or rewrites) it; one that
    was already there at the base approved an earlier change, not this one."""
    return code in new_markers and new_markers[code] != old_markers.get(code)


class BaseUnreadable(Exception):
    """The catalog at the base revision cannot be compared with (one line says why)."""


def load_base_with_markers(catalog_dir: Path, base: str) -> tuple[Catalog, dict[str, Any], dict[str, tuple]]:
    """The catalog at `base`, the `breaking_change` marker each code had there, and where each
    code was: (file as it is named in the working tree, line, column).

    The base is read for its codes' facts only, so it is not held to today's rules: an older
    revision was valid under the rules of its day. Its files must parse, and the compatibility
    step (`_upgrade`) fills in what later formats added; otherwise BaseUnreadable says why."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = catalog_at(catalog_dir, base, Path(tmp))
        files, problems = [], []
        for path in catalog_files(copy):
            src, file_problems = load_file(path, display(catalog_dir / path.relative_to(copy)))
            problems += file_problems
            if src is not None:
                files.append(src)
        if problems:
            raise BaseUnreadable(f"its catalog does not parse ({problems[0]})")
        for src in files:
            _upgrade(src.data)
        try:
            old = catalog_from_files(files)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise BaseUnreadable(f"its catalog is in a format this xemcat cannot read ({type(exc).__name__}: "
                                 f"{exc})") from None
        places = {e["code"]: (display(catalog_dir / src.path.relative_to(copy)),
                              *src.pos(("codes", i, "code"), key=True))
                  for src in files for i, e in enumerate(src.data.get("codes", []))}
        return old, _markers(files), places


def _upgrade(data: Any) -> None:
    """Older catalog formats, read as today's (in place). Each step names the change it undoes."""
    if not isinstance(data, dict):
        return
    for t in data.get("envelope_types") or []:
        if isinstance(t, dict):
            t.setdefault("advice_basis", "general")  # added with the advice's basis: before, all advice was general


def _markers(files: list[SourceFile]) -> dict[str, Any]:
    return {e["code"]: e["breaking_change"] for src in files for e in src.data.get("codes", [])
            if "breaking_change" in e}


@dataclass
class Change:
    """How one code differs between two revisions of the catalog."""

    code: str
    kind: str  # added | renamed | removed (tombstoned) | deleted | changed
    details: list[str]
    breaking: bool


def _statuses(e: ErrorCode) -> tuple[int, ...]:
    return tuple(sorted(h.status for h in e.http))


def compare(old: Catalog, new: Catalog) -> list[Change]:
    """The lifecycle events and fact changes of each code from ``old`` to ``new``."""
    changes: list[Change] = []
    renamed = new.former_names
    for code in old.by_code:
        if code in renamed and renamed[code] not in old.by_code:
            changes.append(Change(renamed[code], "renamed", [f"from {code}"], breaking=False))
        elif code not in new.by_code:
            changes.append(Change(code, "deleted", [], breaking=True))
    for code, e in new.by_code.items():
        if code not in old.by_code:
            if not any(f.name in old.by_code for f in e.former_names):
                changes.append(Change(code, "added", [f"section {e.section_id}"], breaking=False))
            continue
        o = old.by_code[code]
        if e.removed and not o.removed:
            changes.append(Change(code, "removed", [f"on {e.removed.date}"], breaking=o.deprecated is None))
        details, breaking = [], False
        if _statuses(o) != _statuses(e):
            details.append(f"HTTP {'/'.join(map(str, _statuses(o))) or 'unknown'} -> "
                           f"{'/'.join(map(str, _statuses(e))) or 'unknown'}")
            breaking |= bool(o.http)
        if o.type.value != e.type.value:
            details.append(f"type {o.type.value or 'unknown'} -> {e.type.value or 'unknown'}")
            breaking |= o.type.known
        if o.retryable.value != e.retryable.value:
            words = {True: "yes", False: "no", None: "unknown"}  # the catalog's own words, not Python's
            details.append(f"retryable {words[o.retryable.value]} -> {words[e.retryable.value]}")
            breaking |= o.retryable.known
        for name in ("action", "description", "section_id"):
            if getattr(o, name) != getattr(e, name):
                details.append(f"{name.replace('_id', '')} changed")
        if o.diagnostic != e.diagnostic:
            details.append(f"diagnostic {o.diagnostic.text} -> {e.diagnostic.text}")
        if (o.deprecated is None) != (e.deprecated is None):
            details.append("deprecated" if e.deprecated else "no longer deprecated")
        if details:
            changes.append(Change(code, "changed", details, breaking))
    order = {"deleted": 0, "removed": 1, "renamed": 2, "changed": 3, "added": 4}
    return sorted(changes, key=lambda c: (order[c.kind], c.code))


def print_diff(catalog_dir: Path, base: str, exit_code: bool = False) -> int:
    """Print the changes since `base`; with `exit_code`, return 1 when a break is unmarked."""
    try:
        old, old_markers, _ = load_base_with_markers(catalog_dir, base)
        files, problems = check_catalog(catalog_dir)
        if problems:
            raise CatalogError(problems)
        new, new_markers = catalog_from_files(files), _markers(files)
    except GitError as exc:
        print(f"xemcat diff: error: {exc}", file=sys.stderr)
        return 2
    except BaseUnreadable as exc:
        print(f"xemcat diff: error: cannot compare with {base}: {exc}", file=sys.stderr)
        return 2
    except CatalogError as exc:
        print(str(exc), file=sys.stderr)
        print("xemcat diff: a catalog is invalid; fix it first", file=sys.stderr)
        return 1
    changes = compare(old, new)
    unmarked = 0
    for c in changes:
        is_marked = c.kind == "changed" and marked(c.code, new_markers, old_markers)
        unmarked += c.breaking and not is_marked
        mark = ("  BREAKING (marked)" if is_marked else "  BREAKING") if c.breaking else ""
        print(f"{c.kind:<8} {c.code}" + (f": {'; '.join(c.details)}" if c.details else "") + mark)
    if not changes:
        print(f"no code changes since {base}")
    return 1 if exit_code and unmarked else 0


def breaking_problems(catalog_dir: Path, base: str, files: list[SourceFile]) -> list[Problem]:
    """Problems for unmarked breaking changes since `base`, given the working catalog's files,
    already validated by the caller. Raises GitError when `base` cannot be read."""
    try:
        old, old_markers, old_places = load_base_with_markers(catalog_dir, base)
    except BaseUnreadable as exc:
        return [Problem(display(catalog_dir), 1, 1, "(against)", f"cannot compare with {base}: {exc}")]
    new, new_markers = catalog_from_files(files), _markers(files)
    where: dict[str, tuple[SourceFile, int]] = {}
    for src in files:
        for i, entry in enumerate(src.data.get("codes", [])):
            where[entry["code"]] = (src, i)
    out: list[Problem] = []
    for c in compare(old, new):
        if not c.breaking:
            continue
        if c.kind == "deleted":
            # Reported on the file it was in as that file is now (its `codes:` line: the base
            # revision's line number would point at another entry), naming where it was.
            file, line, col = old_places[c.code]
            now = next((src for src in files if src.display == file), None)
            here = now.pos(("codes",), key=True) if now is not None and "codes" in now.data else (1, 1)
            out.append(Problem(file, *here, f"codes.{c.code}",
                               f"breaking: `{c.code}` was deleted (it was at line {line} at {base}); every "
                               "address of it would stop working. Keep the entry with `removed: {date, reason, "
                               "replacement}` (a tombstone), or, if it was renamed, list it in the new entry's "
                               "`former_names: [{name, renamed}]`"))
            continue
        src, i = where[c.code]
        if c.kind == "removed":
            out.append(src.problem(("codes", i, "removed"),
                                   f"breaking: `{c.code}` is removed but was not deprecated at {base}; deprecate "
                                   "it first (`deprecated: {since, replacement, reason}`) and remove it in a later "
                                   "revision", field_name=f"codes.{c.code}.removed"))
            continue
        if marked(c.code, new_markers, old_markers):
            continue
        facts = [d for d in c.details if d.split()[0] in ("HTTP", "type", "retryable")]
        # Point at the first changed fact, not at the code's name.
        field = {"HTTP": "http", "type": "type", "retryable": "retryable"}[facts[0].split()[0]]
        out.append(src.problem(("codes", i, field),
                               f"breaking: {'; '.join(facts)} since {base}; clients switch on this code. Mark it "
                               "with `breaking_change: {date, reason}` or add a new code and deprecate this one",
                               field_name=f"codes.{c.code}.{field}"))
    return out
