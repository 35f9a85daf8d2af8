"""A problem found in the catalog, reported as ``FILE:LINE:COL: field: message``.

Every stage (load, validate) returns a list of these instead of raising, so a
writer sees every mistake in one run.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


# Every character str.splitlines() treats as a line break, shown escaped instead.
_LINE_BREAKS = {ord(c): f"\\u{ord(c):04x}" for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


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
        # One line per problem, always: a value quoted in a message may contain line breaks.
        where = f"{self.file}:{self.line}:{self.col}" if self.col else f"{self.file}:{self.line}"
        text = f"{where}: {self.field}: {self.message}"
        return text.translate(_LINE_BREAKS)

    def github(self) -> str:
        # GitHub workflow commands need '%', CR and LF escaped in the message.
        msg = f"{self.field}: {self.message}"
        msg = msg.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").translate(_LINE_BREAKS)
        col = f",col={self.col}" if self.col else ""
        return f"::error file={self.file},line={self.line}{col}::{msg}"


class CatalogError(Exception):
    """Raised by the high-level API when the catalog has problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def format_problems(problems: list[Problem], fmt: str = "text") -> str:
    problems = sorted(problems)
    if fmt == "json":
        return json.dumps([asdict(p) for p in problems], indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(p.github() for p in problems)
    return "\n".join(str(p) for p in problems)


def display(path: Path) -> str:
    """A path as shown to the writer: relative to the working directory where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # a different drive on Windows
        return str(path)
