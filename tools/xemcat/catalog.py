"""Load → validate → model, for a whole catalog directory. The one entry point the
command-line tool, the renderer's callers and the site adapter use."""

from __future__ import annotations

import gc
from pathlib import Path

from .loader import SourceFile, load_file
from .model import Catalog, build_catalog
from .problems import CatalogError, Problem, display
from .schema import CatalogSchema, SchemaUnusable, schema_problems
from .validate import rule_problems
from .vocabulary import SINGLETONS


def catalog_files(catalog_dir: Path) -> list[Path]:
    """Every *.yaml and *.yml file under the catalog directory: files at the top (site-wide
    blocks) first, then the rest by path. Hidden files, editor backups and lock files
    (`.#x.yaml`, `#x.yaml#`, `x.yaml~`) are not catalog files."""
    found = []
    for path in catalog_dir.rglob("*"):
        rel = path.relative_to(catalog_dir)
        if path.suffix not in (".yaml", ".yml") or any(part.startswith((".", "#")) for part in rel.parts):
            continue
        if path.is_file():  # not a directory, not a dangling link
            found.append(path)
    return sorted(found, key=lambda p: (len(p.relative_to(catalog_dir).parts), str(p)))


def check_catalog(catalog_dir: Path) -> tuple[list[SourceFile], list[Problem]]:
    """Load and validate every file. Returns the parsed files and all problems found."""
    if not catalog_dir.is_dir():
        return [], [Problem(display(catalog_dir), 1, 1, "(catalog)",
                            "catalog directory not found (run from the project root, or pass --catalog)")]
    all_paths = catalog_files(catalog_dir)
    if not all_paths:
        return [], [Problem(display(catalog_dir), 1, 1, "(catalog)", "no catalog YAML files found")]
    try:
        schema = CatalogSchema(catalog_dir / "schema.json", display(catalog_dir / "schema.json"))
    except SchemaUnusable as exc:
        return [], [exc.problem]
    files: list[SourceFile] = []
    problems: list[Problem] = []
    collecting = gc.isenabled()
    gc.disable()  # parsing makes a million small acyclic objects: collector passes over them are pure cost
    try:
        for path in all_paths:
            src, file_problems = load_file(path, display(path))
            problems.extend(file_problems)
            if src is not None:
                problems.extend(schema_problems(src, schema))
                files.append(src)
    finally:
        if collecting:
            gc.enable()
    problems.extend(rule_problems(files, display(catalog_dir), schema.envelope_types,
                                  complete=len(files) == len(all_paths)))
    return files, sorted(set(problems))


def catalog_from_files(files: list[SourceFile]) -> Catalog:
    """The model of files that passed validation."""
    blocks = {key: src.data[key] for src in files for key in SINGLETONS if key in src.data}
    return build_catalog(blocks, [src.data for src in files if "section" in src.data])


def entry_places(files: list[SourceFile]) -> dict[str, tuple[SourceFile, int, int]]:
    """Where each code's entry is in files that passed validation: its file, and the line and
    column of its `code` value."""
    return {entry["code"]: (src, *src.pos(("codes", i, "code")))
            for src in files for i, entry in enumerate(src.data.get("codes", []))}


def load_catalog(catalog_dir: Path) -> Catalog:
    """The validated catalog, or CatalogError carrying every problem."""
    files, problems = check_catalog(catalog_dir)
    if problems:
        raise CatalogError(problems)
    return catalog_from_files(files)
