"""Render the catalog into Markdown pages (with raw HTML tables) through Jinja templates.

Site-generator independent: the caller says where the pages will live relative to each
other (``PageLinks``); the MkDocs hook is one such caller, the tests and benchmark others.

Catalog text is inline Markdown. It is rendered here by markdown-it-py with raw HTML
disabled, so `<script>`, `|` and line breaks in catalog text always come out as literal
text, never as markup and never as a broken table.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from .model import Catalog, ErrorCode, Fact, HttpStatus

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
NOT_DOCUMENTED = "not documented"


# The generated pages and their templates: (page id, file name, template).
PAGES = (
    ("troubleshooting", "troubleshooting.md", "troubleshooting.md.j2"),
    ("error_codes", "error-codes.md", "error-codes.md.j2"),
    ("diagnostics", "diagnostics.md", "diagnostics.md.j2"),
    ("contributing", "contributing.md", "contributing.md.j2"),
)


@dataclass(frozen=True)
class PageLinks:
    """Where the generated pages are, as seen from the page being rendered.

    Markdown links use the source file names (``doc``) so the site generator checks and
    rewrites them; raw-HTML tables cannot be rewritten, so they use final URLs (these
    fields), which the site adapter computes. The defaults fit sibling pages with
    directory URLs (``error-codes/``).
    """

    troubleshooting: str = "../troubleshooting/"
    error_codes: str = "../error-codes/"
    diagnostics: str = "../diagnostics/"
    contributing: str = "../contributing/"

    @property
    def doc(self) -> dict[str, str]:
        return {page_id: file for page_id, file, _ in PAGES}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_CODE_TAG = re.compile(r"<code>([a-z][a-z0-9_]*)</code>")


class InlineMarkdown:
    """Turns catalog text into safe inline HTML and links backticked codes to their entries."""

    def __init__(self, codes: set[str]):
        self.codes = codes

    def __call__(self, text: str | None, link_codes: str | None = "") -> Markup:
        if not text:
            return Markup("")
        # Line breaks in YAML text are layout, not meaning: fold them so no table cell breaks.
        html = _md.renderInline(" ".join(text.split()))
        if link_codes is not None:
            html = _CODE_TAG.sub(
                lambda m: f'<a href="{link_codes}#{m.group(1)}"><code>{m.group(1)}</code></a>'
                if m.group(1) in self.codes else m.group(0), html)
        return Markup(html)


def http_short(http: tuple[HttpStatus, ...]) -> str:
    return " / ".join(str(h.status) for h in http) if http else NOT_DOCUMENTED


def retryable_text(fact: Fact) -> str:
    if not fact.known:
        return NOT_DOCUMENTED
    return "Yes" if fact.value else "No"


def type_text(fact: Fact) -> str:
    return fact.value if fact.known else NOT_DOCUMENTED


def filter_values(code: ErrorCode) -> dict[str, str]:
    """data-* attribute values the Error Codes filter reads (space-separated tokens)."""
    return {
        "http": " ".join(str(h.status) for h in code.http) or "unknown",
        "retryable": ("yes" if code.retryable.value else "no") if code.retryable.known else "unknown",
        "type": code.type.value if code.type.known else "unknown",
    }


def code_block(text: str, lang: str = "") -> Markup:
    """A fenced code block whose fence is longer than any backtick run inside it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return Markup(f"{fence}{lang}\n{text}\n{fence}")


def command_html(command: str) -> Markup:
    """A diagnostic command as a code block, so Material gives it a copy button."""
    return Markup('<div class="highlight xem-cmd"><pre><span></span><code>{}</code></pre></div>').format(command)


def envelope_json(code: ErrorCode) -> str:
    return json.dumps(code.envelope(), indent=2, ensure_ascii=False)


def _bytecode_cache(templates_dir: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates kept in .cache/xemcat/jinja: compiling them is a third of a small build."""
    if os.environ.get("XEMCAT_CACHE", "1") == "0":
        return None
    directory = templates_dir.resolve().parent / ".cache" / "xemcat" / "jinja"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:  # read-only checkout: compile every time
        return None
    return jinja2.FileSystemBytecodeCache(str(directory))


@lru_cache(maxsize=4)
def _environment(templates_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        bytecode_cache=_bytecode_cache(templates_dir),
        autoescape=True,  # every catalog value is escaped unless a helper made it safe
        undefined=jinja2.StrictUndefined,  # a typo in a template fails loudly
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Markdown heading ids are written `{#id}`, which collides with Jinja's `{#` comments.
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters.update(http_short=http_short, retryable_text=retryable_text, type_text=type_text,
                       code_block=code_block, command_html=command_html, envelope_json=envelope_json)
    env.globals.update(NOT_DOCUMENTED=NOT_DOCUMENTED, filter_values=filter_values)
    return env


def _commands_reference() -> list[tuple[str, str, str]]:
    """(name, --help text, one-line summary) of each subcommand, straight from the CLI parser."""
    import argparse

    from .cli import build_parser  # the parser is the one source of the command reference
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    summaries = {a.dest: a.help or "" for a in sub._choices_actions}
    out = []
    for name, p in sub.choices.items():
        p.prog = f"xemcat {name}"  # stable text whatever the running program is called
        p.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=88)
        out.append((name, p.format_help().strip(), summaries.get(name, "")))
    return out


def _context(catalog: Catalog, schema: dict | None = None) -> dict[str, Any]:
    md = InlineMarkdown(set(catalog.by_code))
    diagnosed_by: dict[str, list[ErrorCode]] = {c.form: [] for c in catalog.commands}
    from .validate import command_pattern  # the one definition of "matches a form"
    patterns = [(c.form, command_pattern(c.form)) for c in catalog.commands]
    for code in catalog.codes:
        if code.diagnostic.command:
            for form, rx in patterns:
                if rx.fullmatch(code.diagnostic.command):
                    diagnosed_by[form].append(code)
                    break
    codes_by_type: dict[str, list[ErrorCode]] = {}
    for code in catalog.codes:
        if code.type.known:
            codes_by_type.setdefault(code.type.value, []).append(code)
    from .schema_doc import field_docs
    return {
        "code_fields": field_docs(schema, "errorCode") if schema else [],
        "file_fields": field_docs(schema) if schema else [],
        "commands": _commands_reference(),
        "catalog": catalog,
        "md": md,
        "sources": catalog.sources,
        "diagnosed_by": diagnosed_by,
        "codes_by_type": codes_by_type,
        "no_diagnostic": [c for c in catalog.codes if not c.diagnostic.command],
    }


def render_page(name: str, catalog: Catalog, links: PageLinks = PageLinks(),
                templates_dir: Path = TEMPLATES_DIR, context: dict[str, Any] | None = None) -> str:
    template = _environment(templates_dir).get_template(name)
    return template.render({**(context or _context(catalog)), "links": links})


def render_all(catalog: Catalog, links: dict[str, PageLinks] | None = None,
               templates_dir: Path = TEMPLATES_DIR, schema: dict | None = None) -> dict[str, str]:
    """Every generated page: file name -> Markdown. ``links`` maps page id -> links seen from it;
    ``schema`` (catalog/schema.json) feeds the Contributing page's field reference."""
    if schema is None:
        schema = json.loads((templates_dir.parent / "catalog" / "schema.json").read_text(encoding="utf-8"))
    context = _context(catalog, schema)
    links = links or {}
    return {file: render_page(tpl, catalog, links.get(page_id, PageLinks()), templates_dir, context)
            for page_id, file, tpl in PAGES}


def render_problems_page(problems) -> str:
    """What the preview shows in place of a generated page while the catalog is invalid."""
    listing = "\n".join(str(p) for p in problems)
    return (
        "# Catalog has problems\n\n"
        '!!! failure "The catalog is invalid, so this page could not be generated"\n\n'
        "    Fix these and save; the preview reloads on its own. `mkdocs build` refuses to build until then.\n\n"
        + str(code_block(listing, "text")) + "\n"
    )
