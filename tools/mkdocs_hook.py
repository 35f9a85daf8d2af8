"""MkDocs adapter: the only code that knows about MkDocs. It loads and validates the catalog,
renders the pages with xemcat and hands them to MkDocs as generated files.

* `mkdocs build`: an invalid catalog stops the build in `on_config`, before MkDocs cleans or
  writes anything in site/, printing one FILE:LINE:COL line per problem (exit status 1).
* `mkdocs serve`: an invalid catalog does not stop the server (a failed rebuild would leave page
  requests hanging); the generated pages show the problem list instead, and the terminal logs it.
  The next good save brings the pages back.

Moving to another generator (e.g. Zensical) means rewriting this file, nothing else.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import time
from pathlib import Path

import jinja2
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from xemcat.catalog import load_catalog
from xemcat.export import catalog_json
from xemcat.problems import CatalogError
from xemcat.render import PAGES, PageLinks, render_all, render_problems_page

log = logging.getLogger("mkdocs.plugins.xemcat")

_state: dict = {"serve": False, "catalog": None, "problems": []}


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
    started = time.perf_counter()
    try:
        _state["catalog"], _state["problems"] = load_catalog(root / "catalog"), []
    except CatalogError as exc:
        _state["catalog"], _state["problems"] = None, exc.problems
        if not _state["serve"]:
            # Raised before MkDocs touches site/: the previous site stays as it was.
            raise Abort("\n".join(str(p) for p in exc.problems)
                        + f"\nAborted: the catalog has {len(exc.problems)} problem(s); nothing was built.") from None
        for p in exc.problems:
            log.error(str(p))
    _record_timing("load+validate", time.perf_counter() - started)
    return config


def on_files(files: Files, config) -> Files:
    urls = {pid: File(name, config.docs_dir, config.site_dir, config.use_directory_urls).url
            for pid, name, _ in PAGES}
    started = time.perf_counter()
    if _state["catalog"] is not None:
        links = {page: PageLinks(**{pid: get_relative_url(url, urls[page]) for pid, url in urls.items()})
                 for page in urls}
        schema = (_root(config) / "catalog" / "schema.json").read_text(encoding="utf-8")
        pages = render_all(_state["catalog"], links, _root(config) / "templates", json.loads(schema))
        pages["catalog.json"] = catalog_json(_state["catalog"], config.site_url or "", urls)
        pages["schema.json"] = schema
        # Nothing after this needs the model: free it before MkDocs' own memory peak (page
        # conversion and the search index), which at 10,000 codes is ~270 MB by itself.
        _state["catalog"] = None
    else:
        pages = {name: render_problems_page(_state["problems"]) for _, name, _ in PAGES}
    for name, content in pages.items():
        if files.get_file_from_path(name) is not None:  # a hand-written copy would silently win
            raise Abort(f"docs/{name}: this file is generated from catalog/; delete the hand-written copy")
        files.append(File.generated(config, name, content=content))
    _record_timing("render", time.perf_counter() - started)
    return files


def on_env(env, config, files):
    """Keep the theme's compiled templates between builds. MkDocs compiles all of Material's
    templates anew on every build, which is most of a small site's rebuild under `serve`."""
    if os.environ.get("XEMCAT_CACHE", "1") != "0":
        directory = _root(config) / ".cache" / "xemcat" / "theme"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(directory))
        except OSError:  # read-only checkout: no cache
            pass
    return env
