"""The `xemcat` command line: its arguments and help, and the command reference the
Contributing page shows (generated from this parser, so the two cannot disagree). The commands
themselves are in cli.py."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from . import phrases


def default_catalog() -> Path:
    """The catalog directory when `--catalog` is not given: $XEMCAT_CATALOG, else ./catalog."""
    return Path(os.environ.get("XEMCAT_CATALOG", "catalog"))


def _section_ids() -> list[str]:
    """The section ids of the catalog in the working directory, for `new --help` (best effort:
    a broken or missing catalog just leaves the list out)."""
    import re
    root = default_catalog()
    ids = []
    for path in sorted(root.glob("sections/*.y*ml")) if root.is_dir() else ():
        if not path.is_file():  # a FIFO or a device would block or never end: `--help` must not hang
            continue
        try:
            text = path.read_text(encoding="utf-8")
            m = re.search(r"^section:\s*\n(?:[ \t]+.*\n)*?[ \t]+id:[ \t]*([a-z][a-z0-9-]*)", text, re.M)
        except (OSError, UnicodeDecodeError):
            continue
        if m:
            ids.append(m.group(1))
    return ids


def _site_url_option(p: argparse.ArgumentParser, help: str) -> None:
    """`--site-url`, defaulting to $SITE_URL (what CI publishes to), else the local preview's address."""
    p.add_argument("--site-url", default=os.environ.get("SITE_URL", "http://127.0.0.1:8000/"), help=help)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xemcat", description="Validate, explain and edit the XEM error-code catalog.")
    parser.add_argument("--catalog", default=str(default_catalog()),
                        help="catalog directory (default: $XEMCAT_CATALOG, else ./catalog)")
    parser.add_argument("--templates", default=None,
                        help="templates directory, checked by `check` (default: templates/ beside the catalog)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="validate the catalog and print every problem as FILE:LINE:COL")
    p.add_argument("paths", nargs="*", help="only report problems in these files (the whole catalog is still checked)")
    p.add_argument("--format", choices=["text", "github", "json"],
                   help="output format (default: text; github when GITHUB_ACTIONS=true)")
    p.add_argument("--against", metavar="BASE", help="also fail on unmarked breaking changes since git revision BASE")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing when the catalog is clean")

    p = sub.add_parser("explain", help="print one code's entry, like `rustc --explain`; or read a pasted "
                                       "envelope, response or message from standard input")
    p.add_argument("code", nargs="?", help="the error.code value, the start of one, or - to read an envelope, "
                                           "an HTTP response with headers or a message from standard input")
    p.add_argument("--list", action="store_true", help="list every code")
    p.add_argument("--json", action="store_true", help="with -: print the look-up's answer as JSON (the code, "
                                                       "the closest codes, the notes, what the paste held)")
    _site_url_option(p, "base URL for the documentation link")

    p = sub.add_parser("coverage", help="list, per fact kind, the codes whose fact is still not documented")
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")

    p = sub.add_parser("new", help="append an unfinished entry for a new code to its section file")
    p.add_argument("code", help=f"the new code: {phrases.CODE_NAME}")
    p.add_argument("--section", required=True, help="section id: " + (", ".join(_section_ids()) or "e.g. scope-auth"))

    p = sub.add_parser("fmt", help="rewrite catalog files in canonical layout (comments kept)")
    p.add_argument("paths", nargs="*", help="only these catalog files (default: every file of the catalog)")
    p.add_argument("--check", action="store_true", help="exit 1 if a file is not canonical; change nothing")

    p = sub.add_parser("sitecheck", help="check a built site: every internal link and anchor, no code lost")
    p.add_argument("site", nargs="?", default="site", help="built site directory (default: site)")
    _site_url_option(p, "the site's own absolute URL; links under it are checked as internal")
    p.add_argument("--online", action="store_true", help="also fetch external links (needs network)")
    p.add_argument("--against", metavar="BASE",
                   help="also check that every address the catalog published at git revision BASE (pages, code "
                        "pages, code and section anchors) still resolves")

    p = sub.add_parser("scan", help="compare the catalog with a router's source: codes emitted but not documented, "
                                    "documented but never emitted")
    p.add_argument("paths", nargs="+", metavar="PATH", help="source trees or files to scan")
    p.add_argument("--format", choices=["text", "github", "json", "sarif"],
                   help="output format (default: text; github under GitHub Actions)")
    p.add_argument("--baseline", metavar="FILE", help="ignore the findings recorded in FILE (--write-baseline)")
    p.add_argument("--write-baseline", metavar="FILE", help="record today's findings in FILE and exit 0")

    p = sub.add_parser("pages", help="write the generated pages, catalog.json, schema.json and lookup.json as "
                                     "files any site generator reading mkdocs.yml can build")
    p.add_argument("out", metavar="OUT", help="directory to write (created; one written by `xemcat pages` before is replaced)")
    p.add_argument("--with-docs", metavar="DOCS", help="also copy this directory of hand-written pages (e.g. docs) "
                                                     "into OUT, so OUT is a whole docs_dir")
    _site_url_option(p, "the address the site is served at (catalog.json's doc_url links)")
    p.add_argument("--edit-url", default=os.environ.get("XEMCAT_EDIT_URL", ""),
                   help="where the repository's files are shown (https://github.com/OWNER/REPO/blob/main): each "
                        "code's page links to its entry's line")

    p = sub.add_parser("diff", help="list codes added, renamed, removed and changed since git revision BASE")
    p.add_argument("base", metavar="BASE", help="the git revision to compare with (a commit, branch or tag)")
    p.add_argument("--exit-code", action="store_true", help="exit 1 when a breaking change is not marked")
    return parser



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
