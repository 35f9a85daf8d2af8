"""Words the catalog's commands share: which blocks exist, which keys hold prose, what a command
form matches, how the schema refers to itself. Depends only on terminal (which characters a
screen acts on rather than shows)."""

from __future__ import annotations

import functools
import re
from typing import Any, Iterable

from .terminal import unsafe

# Blocks that must appear exactly once in the whole catalog, whichever file holds them.
SINGLETONS = ("sources", "identifiers", "envelope", "correlation_header", "rate_limit_extras",
              "envelope_types", "commands")
# Keys whose string values are prose (inline Markdown); everything else is plain text.
TEXT_KEYS = frozenset({"description", "action", "note", "when", "when_code_missing", "shows",
                       "advice", "meaning", "reason"})
# A backticked snake_case word in prose: a reference to a code (or a listed identifier).
CODE_REF = re.compile(r"`([a-z][a-z0-9_]*_[a-z0-9_]*)`")


def section_id(data: Any) -> str | None:
    """The id of a catalog file's section, when the file has one written as text (any other
    shape is the schema's to report; the rules that compare ids skip it)."""
    sec = data.get("section") if isinstance(data, dict) else None
    sid = sec.get("id") if isinstance(sec, dict) else None
    return sid if isinstance(sid, str) else None


def refused_character(key: Any, value: str) -> str | None:
    """The first character of a catalog string under ``key`` that it may not hold: a control or
    invisible formatting character (text that reads differently from what it is). Only prose
    (TEXT_KEYS) may break lines and hold tabs, as YAML folding does."""
    allowed = "\t\n" if key in TEXT_KEYS else ""
    return next((c for c in value if c not in allowed and unsafe(c)), None)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``word``, if any is close enough to be a likely typo."""
    import difflib  # only a problem message needs it
    found = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: Any, candidates: Iterable[str]) -> str:
    best = closest(str(word), candidates)
    return f"; did you mean `{best}`?" if best else ""


@functools.lru_cache(maxsize=None)  # forms are few; every page and rule asks for the same ones
def command_pattern(form: str) -> re.Pattern[str]:
    """Regex for a registry form: [..] is optional; a <placeholder> matches a placeholder.

    Diagnostics are generic instructions, so where the form has a placeholder the diagnostic
    must have one too (its name may differ: the docs write <id>, the seed <key-id>). A concrete
    word there would let an invented verb pass as an argument (`xeroctl agents lst`)."""
    out: list[str] = []
    pos = 0
    for m in re.finditer(r"\s*\[([^\]]*)\]", form):
        out.append(_words_regex(form[pos:m.start()]))
        out.append("(?:" + _words_regex(" " + m.group(1).strip()) + ")?")
        pos = m.end()
    out.append(_words_regex(form[pos:]))
    return re.compile("".join(out))


def matching_form(command: str | None, forms: Iterable[str]) -> str | None:
    """The registry form a diagnostic command is an instance of, or None (no command, or none fits)."""
    if not command:
        return None
    return next((form for form in forms if command_pattern(form).fullmatch(command)), None)


# A word of a command an operator pastes into a shell: nothing in it that POSIX shells,
# PowerShell or cmd would expand, redirect, substitute, quote or chain. A placeholder is a name in
# angle brackets (bash reads `<name>` as a redirection, which fails without running anything).
_INERT_WORD = re.compile(r"-{0,2}[A-Za-z0-9][A-Za-z0-9._/=-]*|<[A-Za-z0-9_-]+>")


def shell_problem(command: str, optional_groups: bool = False) -> str | None:
    """Why ``command`` is not safe to paste into a shell, or None. Registry forms may write
    optional parts in brackets (``optional_groups``)."""
    text = command
    if optional_groups:
        text = re.sub(r"\[([^\[\]]*)\]", r"\1", text)
    for word in text.split(" "):
        if not _INERT_WORD.fullmatch(word):
            shown = word if word else "two spaces in a row"
            return (f"`{shown[:40]}` is not safe to paste into a shell: a command is words of letters, digits "
                    "and `. _ / = -`, separated by single spaces, and placeholders like `<key-id>` (letters, "
                    "digits, `-`, `_`)")
    return None


def command_anchor(form: str) -> str:
    """The stable anchor of a command form on the Diagnostics page: its words, not its position,
    so adding a command never renumbers the links to the others."""
    words = re.sub(r"[^a-z0-9]+", "-", form.lower().removeprefix("xeroctl ")).strip("-")
    return f"cmd-{words or 'xeroctl'}"


def _words_regex(text: str) -> str:
    parts = []
    for lead, word in re.findall(r"(\s*)(\S+)", text):
        sep = " " if lead else ""
        parts.append(sep + (r"<[^<>\s]+>" if re.fullmatch(r"<[^>]+>", word) else re.escape(word)))
    return "".join(parts)


def resolve_ref(node: Any, root: dict) -> Any:
    """Follow local `$ref`s ("#/$defs/x"); keys written beside a $ref (its description) win.
    A reference that leads nowhere resolves to an empty schema."""
    for _ in range(20):  # a bound, in case a schema refers to itself
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            break
        target: Any = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        node = {**(target if isinstance(target, dict) else {}), **{k: v for k, v in node.items() if k != "$ref"}}
    return node
