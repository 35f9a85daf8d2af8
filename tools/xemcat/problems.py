"""A problem found in the catalog, reported as ``FILE:LINE:COL: field: message``.

Every stage (load, validate) returns a list of these instead of raising, so a
writer sees every mistake in one run.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from . import terminal


def shown_value(value: object) -> str:
    """A value from a catalog file quoted in a problem message: as JSON, cut to 60 characters."""
    shown = json.dumps(value, ensure_ascii=False, default=str)
    return shown if len(shown) <= 60 else shown[:57] + "..."


@dataclass(frozen=True, order=True)
class Problem:
    """``col`` 0 means the column is not known (a template line)."""

    file: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        # One line per problem, always, and nothing a terminal would act on: a value quoted in
        # a message, or a file name, may hold line breaks or escape sequences.
        where = f"{self.file}:{self.line}:{self.col}" if self.col else f"{self.file}:{self.line}"
        return terminal.line(f"{where}: {self.field}: {self.message}")

    def github(self) -> str:
        """The problem as a GitHub Actions annotation on its file and line."""
        where = {"file": self.file, "line": self.line, **({"col": self.col} if self.col else {})}
        return terminal.workflow_command("error", where, f"{self.field}: {self.message}")


class CatalogError(Exception):
    """Raised by the high-level API when the catalog has problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def format_problems(problems: list[Problem], fmt: str = "text") -> str:
    problems = sorted(problems)
    if fmt == "json":
        return json.dumps([asdict(p) for p in problems], indent=2)  # \u-escaped: safe in any terminal
    if fmt == "github":
        return "\n".join(p.github() for p in problems)
    return "\n".join(str(p) for p in problems)


def display(path: Path) -> str:
    """A path as shown to the writer: relative to the working directory when it is inside it,
    otherwise absolute (`/dev/zero`, not a chain of `../` that depends on where the writer is)."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # a different drive on Windows
        return os.path.abspath(path)
    return os.path.abspath(path) if relative == os.pardir or relative.startswith(os.pardir + os.sep) else relative
