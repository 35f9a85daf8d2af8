"""Load → validate → model, for a whole catalog directory. The one entry point the
command-line tool, the renderer's callers and the site adapter use."""

from __future__ import annotations

import os
from pathlib import Path

from .loader import SourceFile, load_file
from .model import Catalog, build_catalog
from .problems import CatalogError, Problem
from .validate import SINGLETONS, load_schema, rule_problems, schema_problems


def catalog_files(catalog_dir: Path) -> list[Path]:
    """All catalog YAML files, site-wide files first, then sections in file-name order."""
    top = sorted(p for p in catalog_dir.glob("*.yaml"))
    sections = sorted((catalog_dir / "sections").glob("*.yaml"))
    return top + sections


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # different drive on Windows
        return str(path)


def cache_dir_for(catalog_dir: Path) -> Path | None:
    """Where parsed files are cached: .cache/xemcat beside the catalog; XEMCAT_CACHE=0 turns it off."""
    if os.environ.get("XEMCAT_CACHE", "1") == "0":
        return None
    return catalog_dir.resolve().parent / ".cache" / "xemcat"


def check_catalog(catalog_dir: Path, paths: list[Path] | None = None) -> tuple[list[SourceFile], list[Problem]]:
    """Load and validate every file. Returns the parsed files and all problems found."""
    files: list[SourceFile] = []
    problems: list[Problem] = []
    all_paths = catalog_files(catalog_dir)
    if not all_paths:
        return [], [Problem(_display(catalog_dir), 1, 1, "(catalog)", "no catalog YAML files found")]
    schema_path = catalog_dir / "schema.json"
    try:
        schema = load_schema(schema_path.resolve())
    except (OSError, ValueError) as exc:  # a missing or broken schema is a catalog problem too
        return [], [Problem(_display(schema_path), 1, 1, "(schema)", f"cannot use the schema: {exc}")]
    except Exception as exc:  # jsonschema.SchemaError: the schema itself is invalid
        return [], [Problem(_display(schema_path), 1, 1, "(schema)", f"the schema is invalid: {getattr(exc, 'message', exc)}")]
    envelope_types = schema.envelope_types
    cache = cache_dir_for(catalog_dir)
    for src, file_problems in _load_all(all_paths, cache):
        problems.extend(file_problems)
        if src is None:
            continue
        problems.extend(schema_problems(src, schema))
        files.append(src)
    problems.extend(rule_problems(files, _display(catalog_dir), envelope_types,
                                  complete=len(files) == len(all_paths)))
    if paths is not None:
        wanted = {_display(p) for p in paths}
        problems = [p for p in problems if p.file in wanted]
    return files, sorted(set(problems))


# Below this much YAML a second process costs more than it saves.
PARALLEL_MIN_BYTES = 1_500_000


def _load_one(args: tuple[Path, str, Path | None]):
    return load_file(*args)


def _load_all(paths: list[Path], cache: Path | None) -> list:
    """Parse every file. Files found in the cache are read here; when the rest is large, it is
    split over the machine's cores, because libyaml's parsing (not our code) is most of the
    time of a cold `check` on thousands of codes."""
    jobs = [(p, _display(p), cache) for p in paths]
    results = [load_file(*job, cached_only=True) if cache else None for job in jobs]
    misses = [i for i, r in enumerate(results) if r is None]
    try:
        todo_bytes = sum(paths[i].stat().st_size for i in misses)
    except OSError:
        todo_bytes = 0
    workers = min(os.cpu_count() or 1, 4)
    if workers > 1 and todo_bytes >= PARALLEL_MIN_BYTES and hasattr(os, "fork"):
        import multiprocessing  # only a large cold catalog pays for importing these
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            parsed = list(pool.map(_load_one, [jobs[i] for i in misses],
                                   chunksize=max(1, len(misses) // (workers * 4))))
    else:
        parsed = [load_file(*jobs[i]) for i in misses]
    for i, result in zip(misses, parsed, strict=True):
        results[i] = result
    return results


def load_catalog(catalog_dir: Path) -> Catalog:
    """The validated catalog, or CatalogError carrying every problem."""
    files, problems = check_catalog(catalog_dir)
    if problems:
        raise CatalogError(problems)
    blocks = {}
    for src in files:
        for key in SINGLETONS:
            if key in src.data:
                blocks[key] = src.data[key]
    sections = [src.data for src in files if "section" in src.data]
    return build_catalog(blocks, sections)
