"""`xemcat new CODE --section ID`: append an unfinished entry to the right section file.

Every required field is present; the ones only a writer can fill in say TODO, which `check`
reports, so an unfinished entry cannot be merged by accident.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

from .catalog import check_catalog
from .vocabulary import closest

SKELETON = """
  - code: {code}
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


def add_code(catalog_dir: Path, code: str, section_id: str) -> int:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", code):
        print(f"xemcat new: error: `{code}` is not a valid code (lower-case letters, digits and _, "
              "starting with a letter)", file=sys.stderr)
        return 2
    files, _ = check_catalog(catalog_dir)
    sections = {}
    for src in files:
        sec = src.data.get("section") if isinstance(src.data, dict) else None
        if isinstance(sec, dict) and isinstance(sec.get("id"), str):
            sections[sec["id"]] = src
        for entry in (src.data.get("codes") or []) if isinstance(src.data, dict) else []:
            if isinstance(entry, dict) and entry.get("code") == code:
                line, col = src.pos(("codes", src.data["codes"].index(entry), "code"))
                print(f"xemcat new: error: `{code}` already exists at {src.display}:{line}:{col}", file=sys.stderr)
                return 1
    if section_id not in sections:
        hint = closest(section_id, sections)
        print(f"xemcat new: error: no section `{section_id}`"
              + (f"; did you mean `{hint}`?" if hint else "")
              + f" (sections: {', '.join(sections)})", file=sys.stderr)
        return 2
    target = sections[section_id]
    text = target.path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    new_text = text + SKELETON.format(code=code)
    fd, tmp = tempfile.mkstemp(dir=target.path.parent, prefix=f".{target.path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(new_text)
    os.replace(tmp, target.path)
    line = text.count("\n") + 2
    print(f"added `{code}` at {target.display}:{line}; fill in the TODO fields, then run `xemcat check`")
    return 0
