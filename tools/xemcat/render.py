"""Render the catalog into the generated pages through Jinja templates.

The templates produce the pages' final HTML (not Markdown), so no Markdown processor ever reads
catalog text a second time: prose goes through ``text.inline`` and everything else is escaped
by Jinja's autoescaping. A page comes back with its headings and ids, which a site generator
needs for its table of contents, search and anchor checks.

Site-generator independent: the caller says where the pages live relative to each other
(``PageLinks``) and which templates directory to use; the MkDocs hook is one such caller, the
command-line tool, tests and benchmark others. Template mistakes (syntax errors, undefined
names) are reported as ``templates/FILE:LINE`` problems, never as a traceback.
"""

from __future__ import annotations

import html
import json
import os
import re
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import text
from .coverage import coverage
from .model import Catalog, ErrorCode, Fact, HttpStatus
from .problems import CatalogError, Problem, display
from .vocabulary import command_anchor, command_pattern

NOT_DOCUMENTED = "not documented"


@dataclass(frozen=True)
class PageSpec:
    """A generated page: its file name for the site generator, its template, title and description."""

    id: str
    file: str  # the page's source name, as the site generator knows it
    template: str
    title: str
    description: str
    # Operator pages give their width to the tables: no right-hand table of contents (long code
    # names were cut there anyway); a "Sections" line at the top links the same anchors.
    hide_toc: bool = True


PAGES = (
    PageSpec("troubleshooting", "troubleshooting.md", "troubleshooting.html.j2", "Troubleshooting",
             "The operator action and the xeroctl diagnostic for every XEM router error code."),
    PageSpec("error_codes", "error-codes.md", "error-codes.html.j2", "Error Codes",
             "Every XEM router error code with its HTTP status, envelope type, retry behaviour and "
             "JSON envelope."),
    PageSpec("diagnostics", "diagnostics.md", "diagnostics.html.j2", "Diagnostics",
             "Each xeroctl command the catalog uses, what it shows and the error codes it diagnoses."),
    PageSpec("contributing", "contributing.md", "contributing.html.j2", "Contributing to the catalog",
             "How to add or change an XEM error code, the catalog's field reference, commands and "
             "deprecation policy.", hide_toc=False),
)


@dataclass(frozen=True)
class PageLinks:
    """URLs of the generated pages as seen from the page being rendered. The defaults fit
    sibling pages with directory URLs (``error-codes/``); the site adapter computes the real ones."""

    troubleshooting: str = "../troubleshooting/"
    error_codes: str = "../error-codes/"
    diagnostics: str = "../diagnostics/"
    contributing: str = "../contributing/"
    catalog_json: str = "../catalog.json"


@dataclass(frozen=True)
class Heading:
    """A heading of a rendered page, for the site's table of contents and search."""

    level: int
    id: str
    title: str  # plain text


@dataclass(frozen=True)
class RenderedPage:
    """A page's final HTML with what a site generator needs from it: headings, ids, search text."""

    spec: PageSpec
    html: str
    headings: tuple[Heading, ...]
    ids: frozenset[str]  # every id attribute: the anchors other pages may link to
    # What a site search should index under an anchor, where splitting the page at its headings
    # gets it wrong: a table row's heading owns the row's other cells, a section heading owns
    # its note but not the rows of its table (each code has its own entry), and a code's title
    # carries its documented HTTP statuses, so that "404" finds the codes sent with it.
    search_text: dict[str, str]
    search_title: dict[str, str] = field(default_factory=dict)


# Our templates write every id as id="..." inside a tag and every heading through the heading
# macro; catalog text in the page is escaped, so it cannot contain `<` or `"` to match these.
_ID = re.compile(r'<[a-z][a-z0-9]*\s[^<>]*?\bid="([^"]+)"')
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)<a class="headerlink"', re.S)
_TAG = re.compile(r"<[^>]+>")
_ROW = re.compile(r'<tr>\s*<td class="xem-code"[^>]*><h3 class="xem-row-code" id="([^"]+)">.*?</td>(.*?)</tr>', re.S)
_SECTION = re.compile(r'<h([23]) id="([^"]+)">.*?</h\1>(.*?)(?=<div class="xem-table-wrap">|<h[1-4] )', re.S)


# ---------------------------------------------------------------- values shown in the pages


def http_short(http: tuple[HttpStatus, ...]) -> str:
    return " / ".join(str(h.status) for h in http) if http else NOT_DOCUMENTED


def retryable_text(fact: Fact) -> str:
    if not fact.known:
        return NOT_DOCUMENTED
    return "Yes" if fact.value else "No"


def type_text(fact: Fact) -> str:
    return fact.value if fact.known else NOT_DOCUMENTED


def filter_values(code: ErrorCode, catalog: Catalog) -> dict[str, str]:
    """data-* attribute values the Error Codes filter reads (space-separated tokens). A status
    documented for another surface is its own token (`404@inference-API`), so the filter can
    label it and never mixes it with the router's own statuses."""
    def token(h: HttpStatus) -> str:
        scope = catalog.scope(h.source)
        return f"{h.status}@{scope.replace(' ', '-')}" if scope else str(h.status)
    return {
        "http": " ".join(token(h) for h in code.http) or "unknown",
        "retryable": ("yes" if code.retryable.value else "no") if code.retryable.known else "unknown",
        "type": code.type.value if code.type.known else "unknown",
    }


def breakable(identifier: str) -> Markup:
    """An identifier that may wrap only after `_`, `-` or `.` (a <wbr> there), never mid-word."""
    return Markup(re.sub(r"([_.\-])", r"\1<wbr>", str(Markup.escape(identifier))))


# JSON as json.dumps writes it, token by token. A string followed by a colon is a key; a number
# with a fraction or exponent is a float.
_JSON_TOKEN = re.compile(r"""(?P<s2>"(?:[^"\\]|\\.)*")(?P<nt>(?=\s*:))?|(?P<w>\s+)|(?P<kc>true|false|null)
                             |(?P<mi>-?\d+(?P<mf>[.eE][-+.\deE]*)?)|(?P<p>[{}\[\],:])""", re.X)


def json_block(value: Any) -> Markup:
    """A JSON value as a highlighted block, in the markup Pygments' JSON lexer and HTML formatter
    give (token classes p, w, nt, s2, mi, mf, kc; a line's neighbours of one class merged), which
    the theme colours. The text is our own json.dumps output, so a tokenizer this small reads
    all of it; a test holds it equal to Pygments on generated values."""
    merged: list[list[str]] = []
    for m in _JSON_TOKEN.finditer(json.dumps(value, indent=2, ensure_ascii=False)):
        kind = "nt" if m.group("nt") is not None else "mf" if m.group("mf") else m.lastgroup
        if merged and merged[-1][0] == kind:
            merged[-1][1] += m.group()
        else:
            merged.append([kind, m.group()])
    body = "".join("\n".join(f'<span class="{kind}">{html.escape(part, quote=False)}</span>' if part else ""
                             for part in chunk.split("\n")) for kind, chunk in merged)
    return Markup('<div class="language-json highlight"><pre><span></span><code>{}</code></pre></div>'
                  ).format(Markup(body.rstrip("\n")))


# ---------------------------------------------------------------- templates


def _environment(templates_dir: Path, cache_dir: Path | None) -> jinja2.Environment:
    templates_dir = templates_dir.resolve()  # Jinja then names templates by absolute path
    cache = None
    if cache_dir is not None:
        try:  # compiling the templates (~0.05 s) is a quarter of a small catalog's first `check`; keyed by source
            cache_dir.mkdir(parents=True, exist_ok=True)
            cache = jinja2.FileSystemBytecodeCache(str(cache_dir))
        except OSError:  # a read-only checkout: compile every time
            cache = None
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        bytecode_cache=cache,
        autoescape=True,  # every catalog value is escaped unless text.inline rendered it
        undefined=jinja2.StrictUndefined,  # a typo in a template is an error, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(http_short=http_short, retryable_text=retryable_text, json_block=json_block,
                       breakable=breakable, command_anchor=command_anchor)
    env.globals.update(NOT_DOCUMENTED=NOT_DOCUMENTED, filter_values=filter_values)
    return env


def template_problem(exc: Exception, templates_dir: Path) -> Problem:
    """Where in templates/ a rendering failure happened, as a problem line."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name, line = exc.filename or exc.name or "?", exc.lineno
        message = f"template syntax error: {exc.message}"
    else:
        name, line = "?", 0
        root = str(templates_dir.resolve())
        for frame in traceback.extract_tb(exc.__traceback__):  # Jinja maps frames to template lines
            if frame.filename and os.path.abspath(frame.filename).startswith(root):
                name, line = frame.filename, frame.lineno or 0
        if isinstance(exc, jinja2.TemplateNotFound):
            name, line = str(templates_dir / exc.name), 0
        message = getattr(exc, "message", None) or str(exc)
        if not isinstance(exc, jinja2.UndefinedError):
            message = f"{type(exc).__name__}: {message}"
    path = Path(name) if os.path.isabs(name) else templates_dir / name
    return Problem(display(path), max(line, 1), 0, "(template)", message)


def _context(catalog: Catalog, field_docs: dict[str, list], commands: list) -> dict[str, Any]:
    codes = frozenset(catalog.by_code)
    diagnosed_by: dict[str, list[ErrorCode]] = {c.form: [] for c in catalog.commands}
    command_of = {}  # code -> the registry form its diagnostic matches (for the form's note and anchor)
    patterns = [(c, command_pattern(c.form)) for c in catalog.commands]
    for code in catalog.codes:
        form = next((c for c, rx in patterns if code.diagnostic.command and rx.fullmatch(code.diagnostic.command)),
                    None)
        if form:
            diagnosed_by[form.form].append(code)
            command_of[code.code] = form
    codes_by_type: dict[str, list[ErrorCode]] = {}
    for code in catalog.codes:
        if code.type.known:
            codes_by_type.setdefault(code.type.value, []).append(code)
    example = catalog.envelope["example"]
    return {
        "catalog": catalog,
        "md": lambda value, code_url="": text.inline(value, codes, code_url),
        "sources": catalog.sources,
        "diagnosed_by": diagnosed_by,
        "command_of": command_of,
        "section_links": [(sec.id, sec.title) for sec in catalog.sections],
        "codes_by_type": codes_by_type,
        "no_diagnostic": [c for c in catalog.codes if not c.diagnostic.command],
        "example_envelope": {"error": {k: example[k] for k in ("message", "type", "code", "param")}},
        "code_fields": field_docs.get("code", []),
        "file_fields": field_docs.get("file", []),
        "commands": commands,
        "coverage": coverage(catalog),
    }


def _render(env: jinja2.Environment, spec: PageSpec, context: dict[str, Any]) -> str:
    """One page's HTML; a failure inside its template is a CatalogError naming the template line."""
    try:
        return env.get_template(spec.template).render(context)
    except Exception as exc:  # any failure inside a template is the template's problem
        raise CatalogError([template_problem(exc, Path(env.loader.searchpath[0]))]) from None


def render_all(catalog: Catalog, templates_dir: Path, links: dict[str, PageLinks] | None = None,
               field_docs: dict[str, list] | None = None, commands: list | None = None,
               cache_dir: Path | None = None) -> list[RenderedPage]:
    """Every generated page. ``links`` maps page id -> links seen from that page; ``field_docs``
    ({"code": [...], "file": [...]}) and ``commands`` ((name, usage, summary) of each xemcat
    command) feed the Contributing page; ``cache_dir`` keeps compiled templates. Raises
    CatalogError naming the template and line when a template is broken."""
    env = _environment(templates_dir, cache_dir)
    context = _context(catalog, field_docs or {}, commands or [])
    pages = []
    for spec in PAGES:
        page = outline(spec, _render(env, spec, {**context, "links": (links or {}).get(spec.id, PageLinks())}))
        if spec.id in ("troubleshooting", "error_codes"):
            page = replace(page, search_title=_search_titles(catalog), search_text={
                **page.search_text, **_row_messages(catalog, page.search_text)})
        pages.append(page)
    return pages


def check_templates(catalog: Catalog, templates_dir: Path, field_docs: dict[str, list], commands: list,
                    cache_dir: Path | None = None) -> None:
    """Render every page against ``template_sample(catalog)`` and throw the HTML away: how `check`
    finds a broken template (CatalogError) in time that does not grow with the catalog."""
    env = _environment(templates_dir, cache_dir)
    context = _context(template_sample(catalog), field_docs, commands)
    for spec in PAGES:
        _render(env, spec, {**context, "links": PageLinks()})


def _shape(code: ErrorCode) -> tuple:
    """What decides which template branches a code takes."""
    dep, diag = code.deprecated, code.diagnostic
    return (dep is not None, bool(dep and dep.replacement), len(code.http), any(h.when for h in code.http),
            code.type.known, bool(code.type.note), code.retryable.known, code.retryable.value,
            bool(code.retryable.note), bool(diag.command), bool(diag.note), code.error_codes_section is not None,
            code.example_param is None)


def template_sample(catalog: Catalog) -> Catalog:
    """A catalog that takes every template branch the full one takes: the first code of each
    shape, and a section's first code where none of its codes was taken (so every section shows
    a table). `check` renders it to find template errors in time that does not grow with the
    catalog."""
    firsts: dict[tuple, str] = {}
    for code in catalog.codes:
        firsts.setdefault(_shape(code), code.code)
    taken = set(firsts.values())
    sections = tuple(replace(section, codes=tuple(c for c in section.codes if c.code in taken) or section.codes[:1])
                     for section in catalog.sections)
    sample = replace(catalog, sections=sections, by_code={})
    sample.by_code.update({c.code: c for c in sample.codes})
    return sample


_KEEP = re.compile(r"</?(p|code|pre)\b[^>]*>")


def _search_html(fragment: str) -> str:
    """A fragment as search text: only bare <p>, <code> and <pre> tags kept (what the search
    index holds elsewhere), every other tag a space."""
    kept = _TAG.sub(lambda m: re.sub(r"^<(/?)(\w+).*$", r"<\1\2>", m.group(0), flags=re.S)
                    if _KEEP.fullmatch(m.group(0)) else " ", fragment)
    return " ".join(kept.split())


def outline(spec: PageSpec, page_html: str) -> RenderedPage:
    """The page with its headings (plain-text titles) and all its ids."""
    headings = tuple(Heading(int(level), hid, " ".join(html.unescape(_TAG.sub("", inner)).split()))
                     for level, hid, inner in _HEADING.findall(page_html))
    search: dict[str, str] = {}
    rows = _ROW.findall(page_html)
    if rows or 'class="xem-table xem-codes' in page_html:  # the pages whose sections hold code tables
        search = {sid: _search_html(body) for _, sid, body in _SECTION.findall(page_html)}
        search.update({code: _search_html(cells) for code, cells in rows})
    return RenderedPage(spec, page_html, headings, frozenset(_ID.findall(page_html)), search)


def _row_messages(catalog: Catalog, texts: dict[str, str]) -> dict[str, str]:
    """A row's search text also holds its code's example message, so a message copied from a
    log finds the row that says what to do, not only the Error Codes entry."""
    return {code: f"{text} <p>Example message: {html.escape(catalog.by_code[code].example_message)}</p>"
            for code, text in texts.items() if code in catalog.by_code}


def _search_titles(catalog: Catalog) -> dict[str, str]:
    """Each code's search-result title: the code, then its documented statuses."""
    return {c.code: f"<code>{c.code}</code>" + (f" · HTTP {http_short(c.http)}" if c.http else "")
            for c in catalog.codes}


def render_contributing(templates_dir: Path, links: PageLinks, field_docs: dict[str, list],
                        commands: list) -> RenderedPage:
    """The Contributing page without a catalog: what a writer needs most while the catalog is
    broken (the field reference) stays in the preview; only the coverage table waits."""
    spec = next(p for p in PAGES if p.id == "contributing")
    context = {"md": lambda value, code_url="": text.inline(value, frozenset(), code_url), "coverage": None,
               "code_fields": field_docs.get("code", []), "file_fields": field_docs.get("file", []),
               "commands": commands, "links": links}
    return outline(spec, _render(_environment(templates_dir, None), spec, context))


def render_problems_page(spec: PageSpec, problems: list[Problem]) -> RenderedPage:
    """What the preview shows in place of a generated page while the catalog is invalid."""
    listing = "\n".join(str(p) for p in problems)
    html = Markup(
        '<h1 id="catalog-has-problems">Catalog has problems</h1>\n'
        '<div class="admonition failure">\n'
        '<p class="admonition-title">The catalog is invalid, so this page could not be generated</p>\n'
        "<p>Fix these and save; the preview reloads on its own. <code>mkdocs build</code> refuses to "
        "build until then.</p>\n</div>\n"
        '<div class="highlight"><pre><span></span><code>{}</code></pre></div>\n').format(listing)
    return outline(spec, str(html))
