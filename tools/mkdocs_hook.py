"""MkDocs adapter: the only code that knows about MkDocs. It hands MkDocs what
`xemcat.site.generate` produced: the same pages and files `xemcat pages` writes for any other
generator (see README, "Site generator").

* Everything is generated in `on_config`, before MkDocs cleans or writes anything in site/: an
  invalid catalog or a broken template stops `mkdocs build` there, printing one FILE:LINE:COL
  line per problem (exit status 1), and the previous site stays as it was.
* The generated pages are final HTML. MkDocs gets a Markdown file holding only the page's front
  matter, and `on_page_content` puts the rendered HTML in place of its (empty) conversion, so no
  Markdown extension ever reads catalog text. The headings, ids and search texts the templates
  declared become the page's table of contents, its anchors and its search sections.
* `mkdocs serve`: an invalid catalog does not stop the server (a failed rebuild would leave page
  requests hanging); the generated pages show the problem list instead, and the terminal logs it.
"""

from __future__ import annotations

import html
import json
import logging
import os
import subprocess
import time
from pathlib import Path

from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from xemcat.pages import PAGES, nav_problems
from xemcat.problems import CatalogError
from xemcat.render import RenderedPage, render_problems_page
from xemcat.site import contributing_without_catalog, front_matter, generate, unpublishable

log = logging.getLogger("mkdocs.plugins.xemcat")

_state: dict = {"serve": False, "pages": {}, "extra": {}, "problems": []}


def on_startup(command: str, dirty: bool) -> None:
    _state["serve"] = command == "serve"


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def _set_source_date_epoch(root: Path) -> None:
    """Reproducible output: date the build by the last commit, not by the clock (sitemap, gzip)."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True,
                             text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    os.environ["SOURCE_DATE_EPOCH"] = out if out.isdigit() else "0"


def _record_timing(stage: str, seconds: float) -> None:
    """Benchmark support: with XEMCAT_TIMINGS=FILE, append how long a catalog stage took."""
    target = os.environ.get("XEMCAT_TIMINGS")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"stage": stage, "seconds": seconds}) + "\n")


def on_config(config):
    root = _root(config)
    _set_source_date_epoch(root)
    publishing = os.environ.get("XEMCAT_PUBLISH") == "1"
    if publishing and (reason := unpublishable(config.site_url)):
        raise Abort(f"{reason}: a build for publishing (XEMCAT_PUBLISH=1) needs SITE_URL set to the address the "
                    "site is served at, or catalog.json's doc_url links would point there. Nothing was built.")
    if not config.use_directory_urls:
        raise Abort("use_directory_urls: false is not supported: the generated pages link to each other "
                    "with directory URLs (tools/xemcat/pages.py)")
    if problems := nav_problems(config.nav):
        raise Abort("\n".join(f"mkdocs.yml: {p}" for p in problems))
    started = time.perf_counter()
    _state["problems"] = []
    try:
        output = generate(root / "catalog", root / "templates", config.site_url or "", published=publishing,
                          edit_url=config.extra.get("catalog_edit_url"))
        rendered, extra = list(output.pages), output.files
    except CatalogError as exc:
        if not _state["serve"]:
            # Raised before MkDocs touches site/: the previous site stays as it was.
            raise Abort("\n".join(str(p) for p in exc.problems)
                        + f"\nAborted: {len(exc.problems)} problem(s) in the catalog or templates; "
                          "nothing was built.") from None
        for p in exc.problems:
            log.error(str(p))
        _state["problems"] = exc.problems
        rendered, extra = [render_problems_page(spec, exc.problems) for spec in PAGES], {}
        try:  # the field reference is what a writer needs right now: keep it when we can
            contributing = contributing_without_catalog(root / "catalog", root / "templates")
            rendered = [contributing if page.spec.id == "contributing" else page for page in rendered]
        except (CatalogError, OSError, ValueError):
            pass
    _state["pages"] = {page.spec.file: page for page in rendered}
    _state["extra"] = extra
    _record_timing("load+validate+render", time.perf_counter() - started)
    return config


def on_files(files: Files, config) -> Files:
    for name, page in _state["pages"].items():
        _add(files, config, name, front_matter(page))
    for name, content in _state["extra"].items():
        _add(files, config, name, content)
    return files


def _add(files: Files, config, name: str, content: str) -> None:
    if files.get_file_from_path(name) is not None:  # a hand-written copy would silently win
        raise Abort(f"docs/{name}: this file is generated from catalog/; delete the hand-written copy")
    files.append(File.generated(config, name, content=content))


def on_page_content(html_content: str, page, config, files) -> str:
    rendered: RenderedPage | None = _state["pages"].get(page.file.src_uri)
    banner = _problems_banner() if _state["problems"] else ""
    if rendered is None:
        return banner + html_content
    page.toc = get_toc(_toc_tokens(rendered))
    # A page replaced by the problem list has none of its anchors: skip checking links to them
    # rather than warn about each (MkDocs skips pages whose anchors are None).
    replaced = _state["problems"] and rendered.spec.id != "contributing"
    page.present_anchor_ids = None if replaced else set(rendered.ids)
    return (banner if not replaced else "") + rendered.html


def _problems_banner() -> str:
    """While the catalog is invalid, every preview page says so at the top."""
    first = html.escape(str(_state["problems"][0]))
    return (f'<div class="admonition failure xem-problems-banner"><p class="admonition-title">The catalog has '
            f'{len(_state["problems"])} problem(s); the generated pages show the list</p><p><code>{first}</code>'
            f'{" …" if len(_state["problems"]) > 1 else ""}</p></div>\n')


def _toc_tokens(page: RenderedPage) -> list[dict]:
    """The page's headings nested by level, in the shape MkDocs' get_toc takes (names as HTML)."""
    root: dict = {"level": 0, "children": []}
    stack = [root]
    for h in (h for h in page.headings if h.in_toc):
        token = {"level": h.level, "id": h.id, "name": html.escape(h.title), "children": []}
        while stack[-1]["level"] >= h.level:
            stack.pop()
        stack[-1]["children"].append(token)
        stack.append(token)
    return root["children"]


def on_post_build(config) -> None:
    """Shape the search index so results land on codes. Material splits a page into search
    sections at its headings; a heading inside a table cell loses the row's other cells to the
    section above, and section headings collect every row of their tables. The rendered pages
    say what each anchor should hold (see RenderedPage in render.py)."""
    index = Path(config.site_dir) / "search" / "search_index.json"
    if not index.is_file() or not _state["pages"]:
        return
    by_url = {File(name, config.docs_dir, config.site_dir, True).url: page for name, page in _state["pages"].items()}
    data = json.loads(index.read_text(encoding="utf-8"))
    data["docs"] = [doc for doc in data.get("docs", []) if "#" not in doc.get("location", "")
                    or (page := by_url.get(doc["location"].partition("#")[0])) is None or page.spec.search_sections]
    for doc in data.get("docs", []):
        url, _, anchor = doc.get("location", "").partition("#")
        page = by_url.get(url)
        texts, titles = (page.search_text, page.search_title) if page else ({}, {})
        if anchor in texts:
            doc["text"] = texts[anchor]
        if anchor in titles:
            doc["title"] = titles[anchor]
    index.write_text(json.dumps(data, separators=(",", ":"), default=str), encoding="utf-8")
