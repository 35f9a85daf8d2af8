"""`xemcat`: the catalog's command-line tool, one function per command. Its commands, options
and help are defined once, in parser.py (`xemcat --help`, and Contributing's command reference).

Each command imports what it uses when it runs: starting Python and importing PyYAML,
markdown-it, jsonschema-rs and Jinja is most of what a `check` of a small catalog costs.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path

from .parser import build_parser
from .problems import CatalogError, display, format_problems



def _catalog_dir(args: argparse.Namespace) -> Path:
    d = Path(args.catalog)
    if not d.is_dir():
        from .catalog import check_catalog
        _, problems = check_catalog(d)
        print(format_problems(problems), file=sys.stderr)
        raise SystemExit(1)
    return d


def _templates_dir(args: argparse.Namespace) -> Path:
    return Path(args.templates) if args.templates else Path(args.catalog).parent / "templates"


def _check_problems(args: argparse.Namespace, catalog_dir: Path) -> list:
    """Every problem `check` finds: the catalog's, then its templates', then (with --against)
    its unmarked breaking changes. Raises SystemExit(2) when the revision cannot be read."""
    from .catalog import check_catalog
    files, problems = check_catalog(catalog_dir)
    templates = _templates_dir(args)
    if not problems and templates.is_dir():
        from .site import check_catalog_templates
        try:  # the templates are part of what a pull request can break
            check_catalog_templates(files, catalog_dir, templates)
        except CatalogError as exc:
            problems = exc.problems
    if args.against and not problems:  # an invalid catalog cannot be compared; its problems say why
        from .breaking import GitError, breaking_problems
        try:
            problems = breaking_problems(catalog_dir, args.against, files)
        except GitError as exc:
            print(f"xemcat check: error: cannot read revision {args.against}: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
    return problems


def cmd_check(args: argparse.Namespace) -> int:
    catalog_dir = _catalog_dir(args)
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    paths = [Path(p) for p in args.paths] if args.paths else None
    if paths and (missing := [p for p in paths if not p.exists()]):
        print(f"xemcat: error: no such file: {missing[0]}", file=sys.stderr)
        return 2
    problems = _check_problems(args, catalog_dir)
    elsewhere = 0
    if paths is not None:  # cross-file rules ran on the whole catalog; show the named files' lines
        wanted = {display(p) for p in paths}
        elsewhere = sum(p.file not in wanted for p in problems)
        problems = [p for p in problems if p.file in wanted]
    if fmt == "json" or problems:
        print(format_problems(problems, fmt))
    if elsewhere:
        print(f"{elsewhere} problem(s) in other files of the catalog (run `xemcat check` to see them)",
              file=sys.stderr)
    if problems or elsewhere:
        if fmt == "text":
            print(f"{len(problems) + elsewhere} problem(s) in the catalog", file=sys.stderr)
        return 1
    if fmt == "text" and not args.quiet:
        print("catalog OK", file=sys.stderr)
    return 0


def cmd_pages(args: argparse.Namespace) -> int:
    from .site import OutputError, generate, write_pages
    catalog_dir = _catalog_dir(args)
    try:
        output = generate(catalog_dir, _templates_dir(args), args.site_url, edit_url=args.edit_url)
        written = write_pages(output, Path(args.out), Path(args.with_docs) if args.with_docs else None)
    except CatalogError as exc:
        print(format_problems(exc.problems), file=sys.stderr)
        print("xemcat pages: the catalog or a template has problems; nothing was written", file=sys.stderr)
        return 1
    except OutputError as exc:
        print(f"xemcat pages: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {written} files to {display(Path(args.out))}", file=sys.stderr)
    return 0


def _load_or_report(args: argparse.Namespace):
    from .catalog import load_catalog
    try:
        return load_catalog(_catalog_dir(args))
    except CatalogError as exc:
        print(format_problems(exc.problems), file=sys.stderr)
        print("xemcat: the catalog is invalid; run `xemcat check`", file=sys.stderr)
        raise SystemExit(1) from None


def cmd_explain(args: argparse.Namespace) -> int:
    from .explain import list_codes
    catalog = _load_or_report(args)
    if args.list:
        print(list_codes(catalog))
        return 0
    if not args.code:
        print("xemcat explain: error: give a CODE, - (read standard input) or --list", file=sys.stderr)
        return 2
    from .explain import explain_code, explain_paste
    from .lookup import MAX_INPUT, index, interpret
    data = index(catalog)
    if args.code == "-" or not args.code.strip().strip("`\"'").replace("_", "").isalnum():
        raw = sys.stdin.buffer.read(MAX_INPUT * 4 + 1) if args.code == "-" else args.code.encode()
        # Past the limit the text is not read at all; interpret() says so.
        pasted = raw.decode("utf-8", "replace") if len(raw) <= MAX_INPUT * 4 else "x" * (MAX_INPUT + 1)
        found = interpret(pasted, data)
        if args.json:
            print(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
            return 0 if found.code or found.type or found.status_codes else 1
        text, ok = explain_paste(catalog, found, data, args.site_url)
        print(text, file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1
    found = interpret(args.code, data)
    if found.code is None:
        closest = ["closest codes: " + ", ".join(found.candidates)] if found.candidates else []
        print("\n".join(found.notes + closest + ["(run `xemcat explain --list` for all codes)"]), file=sys.stderr)
        return 1
    from .terminal import line
    for note in found.notes:  # a former name read as today's code; a removed code
        print(line(note))
    print(explain_code(catalog, found.code, args.site_url))
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from .coverage import coverage, format_coverage
    print(format_coverage(coverage(_load_or_report(args)), args.format))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import add_code
    return add_code(_catalog_dir(args), args.code, args.section)


def cmd_fmt(args: argparse.Namespace) -> int:
    from .fmt import format_catalog
    return format_catalog(_catalog_dir(args), check=args.check,
                          paths=[Path(p) for p in args.paths] if args.paths else None)


def cmd_diff(args: argparse.Namespace) -> int:
    from .breaking import print_diff
    return print_diff(_catalog_dir(args), args.base, args.exit_code)


def cmd_sitecheck(args: argparse.Namespace) -> int:
    from .sitecheck import check_external, check_links, lost_codes
    site = Path(args.site)
    if not (site / "index.html").is_file():
        print(f"xemcat sitecheck: error: {site} is not a built site (no index.html); build it first",
              file=sys.stderr)
        return 2
    catalog = _load_or_report(args)
    report = check_links(site, args.site_url)
    problems = report.broken + lost_codes(site, [c.code for c in catalog.codes])
    if args.against:
        kept = _addresses_kept(site, Path(args.catalog), args.against, catalog)
        if kept is None:
            return 2
        problems += kept
    for line in problems:
        print(line)
    print(f"checked {report.links} links on {report.pages} pages; {len(report.broken)} broken; "
          f"{len(report.external)} external:", file=sys.stderr)
    for url, pages in sorted(report.external.items()):
        print(f"  {url}  (on {len(set(pages))} page(s))", file=sys.stderr)
    if args.online:
        failures = check_external(sorted(report.external))
        for line in failures:
            print(line)
        problems += failures
    return 1 if problems else 0


def _addresses_kept(site: Path, catalog_dir: Path, base: str, catalog) -> list[str] | None:
    """The addresses published at ``base`` that the built site no longer resolves, each with the
    catalog change that dropped it; None (and a message) when ``base`` cannot be read."""
    from .breaking import BaseUnreadable, GitError, load_base_with_markers
    from .pages import public_addresses
    from .sitecheck import unresolved
    try:
        old, _, _ = load_base_with_markers(catalog_dir, base)
    except (GitError, BaseUnreadable) as exc:
        print(f"xemcat sitecheck: error: cannot read the catalog at {base}: {exc}", file=sys.stderr)
        return None
    codes = [c.code for c in old.codes] + list(old.former_names)
    now = set(catalog.by_code) | set(catalog.former_names)
    out = []
    for address, problem in unresolved(site, public_addresses(codes, [s.id for s in old.sections])):
        name = address.rstrip("/").split("#")[-1].split("/")[-1]  # the code (or section) the address is for
        why = (f"`{name}` is no code or former name any more: keep it as a tombstone (`removed`) or list it "
               "in `former_names`" if name in codes and name not in now else f"published at {base}")
        out.append(f"{address}: {problem} ({why})")
    return out


def cmd_scan(args: argparse.Namespace) -> int:
    """The catalog against a router's source tree: `xemcat scan PATH...` (see scan.py)."""
    from .catalog import catalog_from_files, check_catalog, entry_places
    from .scan import ScanError, Search, config_from, findings, sarif, scan_block
    from .terminal import line, workflow_command
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"xemcat scan: error: {line(missing[0])}: no such file or directory", file=sys.stderr)
        return 2
    try:  # the search runs while the catalog is validated
        search: Search | ScanError = Search([Path(p) for p in args.paths], config_from(scan_block(_catalog_dir(args))))
    except (ScanError, KeyError, TypeError) as exc:
        search = exc if isinstance(exc, ScanError) else ScanError(f"the catalog's `scan:` block: {exc}")
    files, problems = check_catalog(_catalog_dir(args))
    if problems:
        if isinstance(search, Search):
            search.stop()
        print(format_problems(problems), file=sys.stderr)
        print("xemcat: the catalog is invalid; run `xemcat check`", file=sys.stderr)
        return 1
    catalog = catalog_from_files(files)
    places = {code: (src.display, line, col) for code, (src, line, col) in entry_places(files).items()}
    try:
        if isinstance(search, ScanError):
            raise search
        found = findings(search.emitted(), catalog, places)
        known = set(json.loads(Path(args.baseline).read_text(encoding="utf-8"))["findings"]) if args.baseline else set()
    except ScanError as exc:
        print(f"xemcat scan: error: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"xemcat scan: error: cannot read the baseline {line(args.baseline)}: {exc}", file=sys.stderr)
        return 2
    if args.write_baseline:
        Path(args.write_baseline).write_text(json.dumps({"findings": sorted({f.key for f in found})}, indent=2) + "\n",
                                             encoding="utf-8")
        print(f"wrote {len(found)} finding(s) to {line(args.write_baseline)}", file=sys.stderr)
        return 0
    found = [f for f in found if f.key not in known]
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if fmt == "json":
        print(json.dumps([f.__dict__ for f in found], ensure_ascii=False, indent=2))
    elif fmt == "sarif":
        print(json.dumps(sarif(found), ensure_ascii=False, indent=2))
    for f in found if fmt in ("text", "github") else ():
        if fmt == "github":
            print(workflow_command("notice" if f.kind == "note" else "error",
                                   {"file": f.path, "line": f.line, "col": f.column, "title": f"xemcat scan: {f.kind}"},
                                   f.message))
        else:
            print(line(f"{f.path}:{f.line}:{f.column}: {f.kind}: {f.message}"))
    failing = [f for f in found if f.kind != "note"]
    print(f"{len(failing)} finding(s)" + (f", {len(known)} known from the baseline" if known else ""),
          file=sys.stderr)
    return 1 if failing else 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `xemcat explain --list | head`
        return 0


def run() -> None:
    """The `xemcat` command (and `python -m xemcat`): main() in a process that ends with it.

    A command is one short run that builds almost only acyclic data (parsed YAML, the model,
    pages), so the cyclic garbage collector is off: its passes over the heap of imports and data
    cost about a tenth of a small `check` and free nothing. The process then ends without
    freeing its objects one by one (as mypy's `hard_exit` does): every file was written and
    closed by the command itself, so only the standard streams are left to flush. In-process
    callers use main(), which does neither."""
    gc.disable()
    from .terminal import SafeStream
    sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)  # see terminal.py
    status = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader went away (`xemcat explain --list | head`)
        pass
    os._exit(status)


COMMANDS = {"check": cmd_check, "explain": cmd_explain, "coverage": cmd_coverage, "new": cmd_new, "fmt": cmd_fmt,
            "sitecheck": cmd_sitecheck, "pages": cmd_pages, "diff": cmd_diff, "scan": cmd_scan}
