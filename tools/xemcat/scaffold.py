"""`xemcat new CODE --section ID`: append an unfinished entry to the right section file.

Every required field is present; the ones only a writer can fill in say TODO, which `check`
reports, so an unfinished entry cannot be merged by accident.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

from . import phrases
from .catalog import check_catalog
from .fmt import write_atomic
from .loader import load_text
from .vocabulary import did_you_mean, section_id

SKELETON = """
  - code: {code}
    added: '{today}'
    description: TODO say in one line, in your own words, what the error means
    http: unknown
    retryable: unknown
    type: unknown
    action: TODO the single next step an operator takes
    diagnostic:
      command: TODO  # a form from commands.yaml, or replace the mapping with "none: true"
    example:
      message: TODO an illustrative message
      param: null
"""


def _not_appended(before: dict, new_text: str, code: str) -> str | None:
    """Why appending the skeleton as text did not add exactly one entry for ``code`` at the end
    of `codes` and change nothing else (the file's layout differs from the canonical one), or None."""
    src, problems = load_text(new_text, Path("new.yaml"), "new.yaml")
    if src is None or problems:
        return "the result would not be valid YAML"
    after = src.data
    codes = after.get("codes") if isinstance(after, dict) else None
    if not isinstance(codes, list) or not codes or not isinstance(codes[-1], dict) or codes[-1].get("code") != code:
        return "the entry would not land at the end of `codes`"
    if {**after, "codes": codes[:-1]} != before:
        return "the rest of the file would read differently"
    return None


def add_code(catalog_dir: Path, code: str, section: str) -> int:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", code):
        print(f"xemcat new: error: `{code}` is not a valid code ({phrases.CODE_NAME})", file=sys.stderr)
        return 2
    files, _ = check_catalog(catalog_dir)
    sections = {}
    for src in files:
        if (sid := section_id(src.data)) is not None:
            sections[sid] = src
        for entry in (src.data.get("codes") or []) if isinstance(src.data, dict) else []:
            if isinstance(entry, dict) and entry.get("code") == code:
                line, col = src.pos(("codes", src.data["codes"].index(entry), "code"))
                print(f"xemcat new: error: `{code}` already exists at {src.display}:{line}:{col}", file=sys.stderr)
                return 1
    if section not in sections:
        print(f"xemcat new: error: no section `{section}`{did_you_mean(section, sections)} "
              f"(sections: {', '.join(sections)})", file=sys.stderr)
        return 2
    target = sections[section]
    text = target.path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    new_text = text + SKELETON.format(code=code, today=date.today().isoformat())  # the day it is documented
    if reason := _not_appended(target.data, new_text, code):
        print(f"xemcat new: error: cannot append `{code}` to {target.display} safely: {reason}. Nothing was "
              f"changed; run `xemcat fmt {target.display}` (codes last, 2-space layout) and try again",
              file=sys.stderr)
        return 1
    try:
        write_atomic(target.path, new_text)
    except OSError as exc:
        print(f"xemcat new: error: cannot write {target.display}: {exc.strerror}; nothing was changed", file=sys.stderr)
        return 1
    line = text.count("\n") + 2
    print(f"added `{code}` at {target.display}:{line}; fill in the TODO fields, then run `xemcat check`")
    return 0
