"""`xemcat`: the catalog's command-line tool.

  check [PATHS]          validate the catalog; exit 0 clean, 1 invalid, 2 usage error
  explain CODE | --list  print a code's entry for a terminal
  new CODE --section ID  append an unfinished entry skeleton to a section file
  fmt [--check]          rewrite catalog files in canonical layout
  diff BASE              codes added / removed / changed since git revision BASE
  coverage               which codes still lack a documented HTTP status, type or retry fact
  sitecheck [SITE]       offline link and anchor check of a built site; no code lost

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
from typing import TYPE_CHECKING

from .problems import CatalogError, display, format_problems

if TYPE_CHECKING:
    from .model import Catalog

DEFAULT_CATALOG = Path("catalog")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2, as argparse does, without a traceback
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


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


def command_reference() -> list[tuple[str, str, str]]:
    """(name, --help text, one-line summary) of each subcommand, straight from the parser:
    the one source of the Contributing page's command reference."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    summaries = {a.dest: a.help or "" for a in sub._choices_actions}
    out = []
    for name, p in sub.choices.items():
        p.prog = f"xemcat {name}"  # stable text whatever the running program is called
        p.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=88)
        out.append((name, p.format_help().strip(), summaries.get(name, "")))
    return out


def _field_docs(catalog_dir: Path) -> dict[str, list]:
    from .schema_doc import field_docs
    schema = json.loads((catalog_dir / "schema.json").read_text(encoding="utf-8"))
    return {"code": field_docs(schema, "errorCode"), "file": field_docs(schema)}


def render_contributing_page(catalog_dir: Path, templates_dir: Path, links):
    """The Contributing page while the catalog is invalid (see render.render_contributing)."""
    from .render import render_contributing
    return render_contributing(templates_dir, links, _field_docs(catalog_dir), command_reference())


def _template_cache(catalog_dir: Path) -> Path | None:
    """Where compiled templates are kept (.cache/xemcat beside the catalog); XEMCAT_CACHE=0: nowhere."""
    return None if os.environ.get("XEMCAT_CACHE") == "0" else catalog_dir.resolve().parent / ".cache" / "xemcat"


def render_pages(catalog: Catalog, catalog_dir: Path, templates_dir: Path, links: dict | None = None) -> list:
    """Every generated page, with the field and command references the Contributing page needs.
    Raises CatalogError naming the template line when a template is broken."""
    from .render import render_all
    return render_all(catalog, templates_dir, links, _field_docs(catalog_dir), command_reference(),
                      _template_cache(catalog_dir))


def cmd_check(args: argparse.Namespace) -> int:
    catalog_dir = _catalog_dir(args)
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    paths = [Path(p) for p in args.paths] if args.paths else None
    if paths:
        missing = [p for p in paths if not p.exists()]
        if missing:
            print(f"xemcat: error: no such file: {missing[0]}", file=sys.stderr)
            return 2
    from .catalog import catalog_from_files, check_catalog
    files, problems = check_catalog(catalog_dir)
    templates = _templates_dir(args)
    if not problems and templates.is_dir():
        from .render import check_templates
        try:  # the templates are part of what a pull request can break
            check_templates(catalog_from_files(files), templates, _field_docs(catalog_dir), command_reference(),
                            _template_cache(catalog_dir))
        except CatalogError as exc:
            problems = exc.problems
    if args.against and not problems:  # an invalid catalog cannot be compared; its problems say why
        from .breaking import GitError, breaking_problems
        try:
            problems = breaking_problems(catalog_dir, args.against, files)
        except GitError as exc:
            print(f"xemcat check: error: cannot read revision {args.against}: {exc}", file=sys.stderr)
            return 2
    elsewhere = 0
    if paths is not None:  # cross-file rules ran on the whole catalog; show the named files' lines
        wanted = {display(p) for p in paths}
        elsewhere = sum(p.file not in wanted for p in problems)
        problems = [p for p in problems if p.file in wanted]
    if fmt == "json":
        print(format_problems(problems, "json"))
    elif problems:
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


def _load_or_report(args: argparse.Namespace):
    from .catalog import load_catalog
    try:
        return load_catalog(_catalog_dir(args))
    except CatalogError as exc:
        print(format_problems(exc.problems), file=sys.stderr)
        print("xemcat: the catalog is invalid; run `xemcat check`", file=sys.stderr)
        raise SystemExit(1) from None


def cmd_explain(args: argparse.Namespace) -> int:
    from .explain import explain_code, list_codes
    catalog = _load_or_report(args)
    if args.list:
        print(list_codes(catalog))
        return 0
    if not args.code:
        print("xemcat explain: error: give a CODE, - (read standard input) or --list", file=sys.stderr)
        return 2
    if args.code == "-" or not args.code.strip().strip("`\"'").replace("_", "").isalnum():
        from .explain import explain_paste
        from .lookup import MAX_INPUT, interpret
        raw = sys.stdin.buffer.read(MAX_INPUT + 1) if args.code == "-" else args.code.encode()
        # Past the limit the text is not read at all; interpret() says so.
        pasted = raw.decode("utf-8", "replace") if len(raw) <= MAX_INPUT else "x" * (MAX_INPUT + 1)
        text, ok = explain_paste(catalog, interpret(pasted, catalog, catalog.correlation_header["name"]),
                                 args.site_url)
    else:
        from .lookup import interpret
        found = interpret(args.code, catalog)
        if found.code is None:
            closest = ["closest codes: " + ", ".join(found.candidates)] if found.candidates else []
            print("\n".join(found.notes + closest + ["(run `xemcat explain --list` for all codes)"]), file=sys.stderr)
            return 1
        text, ok = explain_code(catalog, found.code, args.site_url)
    print(text, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


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


def _section_ids() -> list[str]:
    """The section ids of the catalog in the working directory, for `new --help` (best effort:
    a broken or missing catalog just leaves the list out)."""
    import re
    root = Path(os.environ.get("XEMCAT_CATALOG", str(DEFAULT_CATALOG)))
    ids = []
    for path in sorted(root.glob("sections/*.y*ml")) if root.is_dir() else ():
        try:
            text = path.read_text(encoding="utf-8")
            m = re.search(r"^section:\s*\n(?:[ \t]+.*\n)*?[ \t]+id:[ \t]*([a-z][a-z0-9-]*)", text, re.M)
        except (OSError, UnicodeDecodeError):
            continue
        if m:
            ids.append(m.group(1))
    return ids


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="xemcat", description="Validate, explain and edit the XEM error-code catalog.")
    parser.add_argument("--catalog", default=os.environ.get("XEMCAT_CATALOG", str(DEFAULT_CATALOG)),
                        help="catalog directory (default: ./catalog)")
    parser.add_argument("--templates", default=None,
                        help="templates directory, checked by `check` (default: templates/ beside the catalog)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("check", help="validate the catalog and print every problem as FILE:LINE:COL")
    p.add_argument("paths", nargs="*", help="only report problems in these files (the whole catalog is still checked)")
    p.add_argument("--format", choices=["text", "github", "json"],
                   help="output format (default: text; github when GITHUB_ACTIONS=true)")
    p.add_argument("--against", metavar="BASE", help="also fail on unmarked breaking changes since git revision BASE")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing when the catalog is clean")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("explain", help="print one code's entry, like `rustc --explain`; or read a pasted "
                                       "envelope, response or message from standard input")
    p.add_argument("code", nargs="?", help="the error.code value, the start of one, or - to read an envelope, "
                                           "an HTTP response with headers or a message from standard input")
    p.add_argument("--list", action="store_true", help="list every code")
    p.add_argument("--site-url", default=os.environ.get("SITE_URL", "http://127.0.0.1:8000/"),
                   help="base URL for the documentation link")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("coverage", help="list, per fact kind, the codes whose fact is still not documented")
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_coverage)

    p = sub.add_parser("new", help="append an unfinished entry for a new code to its section file")
    p.add_argument("code")
    p.add_argument("--section", required=True, help="section id: " + (", ".join(_section_ids()) or "e.g. scope-auth"))
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("fmt", help="rewrite catalog files in canonical layout (comments kept)")
    p.add_argument("paths", nargs="*")
    p.add_argument("--check", action="store_true", help="exit 1 if a file is not canonical; change nothing")
    p.set_defaults(func=cmd_fmt)

    p = sub.add_parser("sitecheck", help="check a built site: every internal link and anchor, no code lost")
    p.add_argument("site", nargs="?", default="site", help="built site directory (default: site)")
    p.add_argument("--site-url", default=os.environ.get("SITE_URL", "http://127.0.0.1:8000/"),
                   help="the site's own absolute URL; links under it are checked as internal")
    p.add_argument("--online", action="store_true", help="also fetch external links (needs network)")
    p.set_defaults(func=cmd_sitecheck)

    p = sub.add_parser("diff", help="list codes added, removed and changed since git revision BASE")
    p.add_argument("base")
    p.add_argument("--exit-code", action="store_true", help="exit 1 when a breaking change is not marked")
    p.set_defaults(func=cmd_diff)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
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
    status = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader went away (`xemcat explain --list | head`)
        pass
    os._exit(status)
