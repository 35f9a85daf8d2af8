"""Everything a build publishes, as files any static-site generator can build.

`generate` loads and validates the catalog and renders every page of the registry, with the
files published beside them (catalog.json, schema.json, the look-up box's lookup.json). Two
callers: `xemcat pages OUT` writes them as files (each page a Markdown source holding its front
matter and final HTML, which a generator passes through), and the MkDocs hook hands the same
output to MkDocs. Nothing here knows a site generator.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from .catalog import catalog_from_files, check_catalog, entry_places
from .loader import SourceFile
from .export import catalog_json
from .lookup import index
from .model import Catalog
from .feed import atom_feed
from .pages import CATALOG_JSON, CHANGES_FEED, CODE_PAGES_URL, LOOKUP_JSON, PAGES, REDIRECT_PAGE, SCHEMA_JSON, page_url
from .problems import CatalogError
from .render import RenderedPage, check_templates, fixed_anchors, redirect_page, render_all, render_contributing
from .validate import fragment_link_problems, page_anchor_problems

# The file `xemcat pages` leaves in a directory it wrote: only such a directory is replaced.
MARKER = ".xemcat-pages"


class OutputError(Exception):
    """The output directory cannot be written (a usage error, not a catalog problem)."""


@dataclass(frozen=True)
class SiteOutput:
    """The generated pages and the files published beside them (site path -> text)."""

    catalog: Catalog
    pages: tuple[RenderedPage, ...]
    files: dict[str, str]


def unpublishable(site_url: str | None) -> str | None:
    """Why ``site_url`` cannot be the address of a published site (catalog.json's links would
    point at nothing, or at the writer's machine), or None."""
    parsed = urlparse(site_url or "")
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return f"site_url {site_url!r} is not an absolute http(s) address"
    host = parsed.hostname
    if host == "localhost" or host.endswith(".localhost") or host in ("0.0.0.0", "::1") or host.startswith("127."):
        return f"site_url {site_url!r} is a loopback address"
    return None


def field_docs(catalog_dir: Path) -> dict[str, list]:
    """The Contributing page's field reference, from the schema."""
    from .schema_doc import field_docs as docs
    schema = json.loads((catalog_dir / "schema.json").read_text(encoding="utf-8"))
    return {"code": docs(schema, "errorCode"), "file": docs(schema)}


def command_reference() -> list[tuple[str, str, str]]:
    from .parser import command_reference as reference
    return reference()


def template_cache(catalog_dir: Path) -> Path | None:
    """Where compiled templates are kept (.cache/xemcat beside the catalog); XEMCAT_CACHE=0: nowhere."""
    return None if os.environ.get("XEMCAT_CACHE") == "0" else catalog_dir.resolve().parent / ".cache" / "xemcat"


def check_catalog_templates(files: list[SourceFile], catalog_dir: Path, templates_dir: Path) -> None:
    """Render the templates against a sample of the catalog (see render.check_templates), and
    check that no code or section takes an anchor the pages already have. Raises CatalogError."""
    catalog = catalog_from_files(files)
    docs, commands, cache = field_docs(catalog_dir), command_reference(), template_cache(catalog_dir)
    sample, rendered = check_templates(catalog, templates_dir, docs, commands, cache)
    _check_anchors(files, catalog, sample, rendered, templates_dir, docs, commands, cache)


def edit_links(files: list[SourceFile], catalog_dir: Path, edit_url: str | None) -> dict[str, str]:
    """Each code's entry in the repository (``edit_url``: the address of the repository's files,
    e.g. https://github.com/OWNER/REPO/blob/main): the catalog file, at the entry's line. None
    or empty: no links (a site built outside a repository)."""
    if not edit_url:
        return {}
    root = catalog_dir.resolve().parent
    return {code: f"{edit_url.rstrip('/')}/{Path(src.path).resolve().relative_to(root).as_posix()}#L{line}"
            for code, (src, line, _) in entry_places(files).items()}


def generate(catalog_dir: Path, templates_dir: Path, site_url: str, published: bool = False,
             edit_url: str | None = None) -> SiteOutput:
    """Every page and published file. Raises CatalogError with every problem of the catalog,
    or the template line that failed; nothing is written here. ``edit_url``: see edit_links."""
    files, problems = check_catalog(catalog_dir)
    if problems:
        raise CatalogError(problems)
    catalog = catalog_from_files(files)
    docs, commands, cache = field_docs(catalog_dir), command_reference(), template_cache(catalog_dir)
    pages = render_all(catalog, templates_dir, docs, commands, cache, edit_links(files, catalog_dir, edit_url))
    _check_anchors(files, catalog, catalog, pages, templates_dir, docs, commands, cache)
    urls = {p.id: page_url(p.file) for p in PAGES} | {"codes": CODE_PAGES_URL}
    published_files = {
        CATALOG_JSON: catalog_json(catalog, site_url, urls, published=published),
        SCHEMA_JSON: (catalog_dir / "schema.json").read_text(encoding="utf-8"),
        LOOKUP_JSON: json.dumps(index(catalog, urls), ensure_ascii=False, separators=(",", ":")) + "\n",
        CHANGES_FEED: atom_feed(catalog, site_url),
    }
    # A former name's page address leads to the page of the code it became.
    for old, new in catalog.former_names.items():
        published_files[REDIRECT_PAGE.format(code=old)] = redirect_page(
            f"../{new}/", f"{old} is now {new}")
    return SiteOutput(catalog, tuple(pages), published_files)


def _check_anchors(files: list[SourceFile], catalog: Catalog, rendered_catalog: Catalog, rendered: list[RenderedPage],
                   templates_dir: Path, docs: dict[str, list], commands: list, cache: Path | None) -> None:
    """The rules that need the rendered pages (``rendered``, of ``rendered_catalog``: the whole
    catalog or `check`'s sample): no code or section takes an anchor its page already has, and
    every `#link` in prose names an anchor of the pages or a code or section of ``catalog``.
    Raises CatalogError."""
    fixed = fixed_anchors(rendered, rendered_catalog, templates_dir, docs, commands, cache)
    anchors = set().union(*(page.ids for page in rendered)) | set(catalog.by_code) | {s.id for s in catalog.sections}
    if problems := page_anchor_problems(files, fixed) + fragment_link_problems(files, anchors):
        raise CatalogError(problems)


def contributing_without_catalog(catalog_dir: Path, templates_dir: Path) -> RenderedPage:
    """The Contributing page while the catalog is invalid: the field reference stays."""
    return render_contributing(templates_dir, field_docs(catalog_dir), command_reference())


def front_matter(page: RenderedPage) -> str:
    """A page's YAML front matter: its title and description, and no table of contents where
    the page has its own section links."""
    hide = "hide: [toc]\n" if page.spec.hide_toc else ""
    boost = f"search:\n  boost: {page.spec.search_boost}\n" if page.spec.search_boost else ""
    return (f"---\ntitle: {json.dumps(page.spec.title)}\ndescription: {json.dumps(page.spec.description)}\n"
            f"{hide}{boost}---\n")


def page_source(page: RenderedPage) -> str:
    """A page as a source file: front matter, then its final HTML, which Markdown passes
    through as raw HTML blocks (every top-level element of a generated page is a block)."""
    return front_matter(page) + "\n" + page.html


def write_pages(output: SiteOutput, out: Path, docs: Path | None = None) -> int:
    """Write the pages and published files under ``out`` (and first a copy of ``docs``): into a
    new directory beside it, which then replaces it, so ``out`` is never half-written. ``out``
    must not exist or be a directory this function wrote. Returns the number of files written."""
    out = out.absolute()
    if out.exists() and not (out / MARKER).is_file():
        raise OutputError(f"{out} exists and was not written by `xemcat pages`; give a new directory")
    if docs is not None and not docs.is_dir():
        raise OutputError(f"{docs} is not a directory of hand-written pages")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {exc.strerror}") from None
    try:
        if docs is not None:
            shutil.copytree(docs, tmp, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".*"))
            clash = [p.file for p in PAGES if (tmp / p.file).exists()] + [f for f in output.files if (tmp / f).exists()]
            if clash:
                raise OutputError(f"{docs / clash[0]} is generated from catalog/; delete the hand-written copy")
        texts = {page.spec.file: page_source(page) for page in output.pages} | output.files
        for name, content in texts.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text(content, encoding="utf-8")
        (tmp / MARKER).write_text("written by `xemcat pages`; replaced as a whole by the next run\n", encoding="utf-8")
        os.chmod(tmp, 0o755)
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"cannot write {out}: {exc}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sum(1 for p in out.rglob("*") if p.is_file()) - 1
