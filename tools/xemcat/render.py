"""Render the catalog into the generated pages through Jinja templates.

The templates produce the pages' final HTML (not Markdown), so no Markdown processor ever reads
catalog text a second time: prose goes through ``text.inline`` and everything else is escaped
by Jinja's autoescaping. A page comes back with its headings, ids and search texts as data,
recorded by the templates as they write them (``page.heading``, ``page.anchor``): a site
generator builds its table of contents, search index and anchor checks from that data, and
nothing reads the HTML back.

Site-generator independent: pages and their links come from the registry (pages.py), derived
facts from the view (view.py). Template mistakes (syntax errors, undefined names) are reported
as ``templates/FILE:LINE`` problems, never as a traceback.
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

from . import phrases, text
from .model import Catalog, ErrorCode, optional_fields
from .pages import PAGE, PAGES, PageSpec, code_page, links_from
from .problems import CatalogError, Problem, display
from .view import view
from .vocabulary import command_anchor


@dataclass(frozen=True)
class Heading:
    """A heading of a rendered page, for the site's table of contents and search."""

    level: int
    id: str
    title: str  # plain text
    # In the page's table of contents. A Troubleshooting row's heading is not: the table is the
    # index of its codes, and a contents entry per code doubled the page's weight (twice ~300 bytes
    # a code in Material's two navigation copies: 1.5 MB at 1,000 codes).
    in_toc: bool = True


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
    search_text: dict[str, str] = field(default_factory=dict)
    search_title: dict[str, str] = field(default_factory=dict)


class _PageRecord:
    """What a template declares while it writes a page: its headings, ids and search texts.
    The templates' `page` object; every id a template writes goes through it."""

    def __init__(self) -> None:
        self.headings: list[Heading] = []
        self.ids: set[str] = set()
        self.search_text: dict[str, str] = {}
        self.search_title: dict[str, str] = {}

    def anchor(self, id: str) -> str:
        """Declare an id; returns it for the template to write."""
        self.ids.add(id)
        return id

    def heading(self, level: int, id: str, title: str, search: str | None = None,
                search_title: str | None = None, toc: bool = True) -> str:
        """Declare a heading (plain-text title) and, optionally, its search text and title, and
        whether it belongs in the table of contents."""
        self.headings.append(Heading(level, self.anchor(id), " ".join(str(title).split()), toc))
        if search is not None:
            self.search_text[id] = " ".join(str(search).split())
        if search_title is not None:
            self.search_title[id] = str(search_title)
        return ""

    def page(self, spec: PageSpec, page_html: str) -> RenderedPage:
        return RenderedPage(spec, page_html, tuple(self.headings), frozenset(self.ids), self.search_text,
                            self.search_title)


# ---------------------------------------------------------------- values shown in the pages


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
                  ).format(Markup(body))


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
    env.filters.update(json_block=json_block, breakable=breakable, command_anchor=command_anchor, phrase=phrase,
                       json_attr=lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    env.globals.update(phrases=phrases)
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
            # Said where it is included; a page's own template that is missing is its own place.
            name = name if name != "?" else str(templates_dir / exc.name)
            message = f"no template {exc.name} in {display(templates_dir)}"
        else:
            message = str(exc)  # a Jinja error's str() is its message
            if not isinstance(exc, jinja2.UndefinedError):
                message = f"{type(exc).__name__}: {message}"
    path = Path(name) if os.path.isabs(name) else templates_dir / name
    return Problem(display(path), max(line, 1), 0, "(template)", message)


def phrase(template: str, **values: Any) -> Markup:
    """A phrase of phrases.py with its {placeholders} filled in (values escaped unless Markup)."""
    return Markup.escape(template).format(**values)


def _context(catalog: Catalog, field_docs: dict[str, list], commands: list,
             edit_links: dict[str, str] | None = None) -> dict[str, Any]:
    codes = frozenset(catalog.by_code)
    example = catalog.envelope["example"]
    return {
        "catalog": catalog,
        "view": view(catalog),
        "md": lambda value, code_url="": text.inline(value, codes, code_url),
        "search_md": text.search_html,
        "sources": catalog.sources,
        "section_links": [(sec.id, sec.title) for sec in catalog.sections],
        "example_envelope": {"error": {k: example[k] for k in ("message", "type", "code", "param")}},
        "code_fields": field_docs.get("code", []),
        "file_fields": field_docs.get("file", []),
        "commands": commands,
        "edit_links": edit_links or {},  # code -> its entry's file and line in the repository
    }


def _render(env: jinja2.Environment, spec: PageSpec, context: dict[str, Any]) -> RenderedPage:
    """One page; a failure inside its template is a CatalogError naming the template line."""
    record = _PageRecord()
    try:
        page_html = env.get_template(spec.template).render({**context, "page": record, "links": links_from(spec)})
    except Exception as exc:  # any failure inside a template is the template's problem
        raise CatalogError([template_problem(exc, Path(env.loader.searchpath[0]))]) from None
    return record.page(spec, page_html)


def render_all(catalog: Catalog, templates_dir: Path, field_docs: dict[str, list] | None = None,
               commands: list | None = None, cache_dir: Path | None = None,
               edit_links: dict[str, str] | None = None) -> list[RenderedPage]:
    """Every generated page of the registry. ``field_docs`` ({"code": [...], "file": [...]}) and
    ``commands`` ((name, usage, summary) of each xemcat command) feed the Contributing page;
    ``cache_dir`` keeps compiled templates. Raises CatalogError naming the template and line
    when a template is broken."""
    env = _environment(templates_dir, cache_dir)
    context = _context(catalog, field_docs or {}, commands or [], edit_links)
    return [_render(env, spec, context) for spec in PAGES] + _code_pages(env, catalog, context)


def _code_pages(env: jinja2.Environment, catalog: Catalog, context: dict[str, Any]) -> list[RenderedPage]:
    """Each code's own page."""
    return [_render(env, code_page(c.code), {**context, "code": c}) for c in catalog.codes]


def check_templates(catalog: Catalog, templates_dir: Path, field_docs: dict[str, list], commands: list,
                    cache_dir: Path | None = None) -> tuple[Catalog, list[RenderedPage]]:
    """Render every page against ``template_sample(catalog)``: how `check` finds a broken
    template (CatalogError) in time that does not grow with the catalog. Returns the sample
    and its pages."""
    env = _environment(templates_dir, cache_dir)
    sample = template_sample(catalog)
    context = _context(sample, field_docs, commands)
    return sample, [_render(env, spec, context) for spec in PAGES] + _code_pages(env, sample, context)


def fixed_anchors(rendered: list[RenderedPage], catalog: Catalog, templates_dir: Path, field_docs: dict[str, list],
                  commands: list, cache_dir: Path | None = None) -> dict[str, str]:
    """The anchors the templates give a page whatever the catalog holds (`overview`, `sources`,
    ...), on the pages where ``catalog`` (``rendered``) puts codes or sections as anchors too:
    the ids those pages have when rendered with no sections, codes, commands or envelope types.
    Maps each to the page's title."""
    named = {c.code for c in catalog.codes} | {s.id for s in catalog.sections}
    hosts = [page.spec for page in rendered if page.ids & named]
    env = _environment(templates_dir, cache_dir)
    context = _context(replace(catalog, sections=(), commands=(), envelope_types=(), by_code={}), field_docs, commands)
    return {anchor: spec.title for spec in hosts for anchor in _render(env, spec, context).ids}


def _shape(code: ErrorCode) -> tuple:
    """What decides which template branches a code takes."""
    dep, diag = code.deprecated, code.diagnostic
    return (dep is not None, bool(dep and dep.replacement), len(code.http), any(h.when for h in code.http),
            code.type.known, bool(code.type.note), code.retryable.known, code.retryable.value,
            bool(code.retryable.note), bool(diag.command), bool(diag.note), code.example_param is None,
            *(getattr(code, name) is None for name in optional_fields()))


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


def redirect_page(target: str, title: str) -> str:
    """A static page that sends its reader on to ``target`` (relative), keeping the #fragment:
    what a former name's address serves, as mkdocs-redirects writes them (meta refresh, a
    canonical link for search engines, a link for readers without either)."""
    href = html.escape(target, quote=True)
    # JSON in a <script>: `<` escaped, so no `</script>` or `<!--` in the target can end it.
    script_target = json.dumps(target).replace("<", "\\u003c")
    return ('<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n"
            f'<link rel="canonical" href="{href}">\n'
            f'<meta http-equiv="refresh" content="0; url={href}">\n'
            f"<script>location.replace({script_target} + location.hash)</script>\n"
            f'</head>\n<body>\n<p>Moved: <a href="{href}">{html.escape(title)}</a></p>\n</body>\n</html>\n')


def render_contributing(templates_dir: Path, field_docs: dict[str, list], commands: list) -> RenderedPage:
    """The Contributing page without a catalog: what a writer needs most while the catalog is
    broken (the field reference) stays in the preview; only the coverage table waits."""
    # No catalog, so no code to link to: prose is rendered without code links.
    context = {"md": lambda value, *_: text.inline(value), "view": None,
               "code_fields": field_docs["code"], "file_fields": field_docs["file"], "commands": commands}
    return _render(_environment(templates_dir, None), PAGE["contributing"], context)


def render_problems_page(spec: PageSpec, problems: list[Problem]) -> RenderedPage:
    """What the preview shows in place of a generated page while the catalog is invalid."""
    listing = "\n".join(str(p) for p in problems)
    record = _PageRecord()
    anchor, title = "catalog-has-problems", "Catalog has problems"
    record.heading(1, anchor, title)
    page_html = Markup(
        '<h1 id="{}">{}</h1>\n'
        '<div class="admonition failure">\n'
        '<p class="admonition-title">The catalog is invalid, so this page could not be generated</p>\n'
        "<p>Fix these and save; the preview reloads on its own. <code>mkdocs build</code> refuses to "
        "build until then.</p>\n</div>\n"
        '<div class="highlight"><pre><span></span><code>{}</code></pre></div>\n').format(anchor, title, listing)
    return record.page(spec, str(page_html))
