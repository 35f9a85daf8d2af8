"""Validation, stage two: the rules a schema cannot state, over the whole catalog.

Modelled on rustc's tidy: each rule is one function whose docstring says what it guarantees,
and ``RULES`` runs them in order. Every problem names FILE:LINE:COL and the field. Files may
have schema problems (stage one, schema.py): rules look only at the well-shaped parts, so one
broken entry does not hide the problems of the others.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from . import text
from .loader import SourceFile, describe_path, line_col
from .problems import Problem, shown_value as _json
from .vocabulary import (CODE_REF, SINGLETONS, TEXT_KEYS, command_anchor, did_you_mean, matching_form,
                         refused_character, section_id, shell_problem)


@dataclass
class CatalogFiles:
    """What the rules read: the parsed files and the indexes built once from them."""

    files: list[SourceFile]
    envelope_types: set[str]
    complete: bool  # False when some file could not be parsed: "not defined" would be a false alarm
    anchor_display: str
    blocks: dict[str, SourceFile] = field(default_factory=dict)  # singleton key -> first file defining it
    code_places: dict[str, tuple[SourceFile, tuple]] = field(default_factory=dict)  # code -> first place
    # Every string of every file: (file, path, key it sits under, value); walked once, read by many rules.
    strings: list[tuple[SourceFile, tuple, Any, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for src in self.files:
            self.strings.extend((src, path, key, value) for path, key, value in strings(src.data))
            for key in SINGLETONS:
                if key in src.data:
                    self.blocks.setdefault(key, src)
            for i, entry in entries(src.data, "codes"):
                if isinstance(entry.get("code"), str):
                    self.code_places.setdefault(entry["code"], (src, ("codes", i, "code")))

    def block(self, key: str) -> Any:
        return self.blocks[key].data[key] if key in self.blocks else None


def entries(data: Any, key: str) -> Iterator[tuple[int, dict]]:
    """The well-shaped mapping items of a list block; malformed ones already have schema problems."""
    items = data.get(key) if isinstance(data, dict) else None
    for i, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict):
            yield i, item


def strings(data: Any, path: tuple = (), key: Any = None) -> Iterator[tuple[tuple, Any, str]]:
    """Every string in the data with its path and the mapping key it sits under (for a list's
    items, the key of the list: each of `source: [a, b]` is a source)."""
    if isinstance(data, str):
        yield path, key, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from strings(v, path + (k,), k)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from strings(v, path + (i,), key if isinstance(v, str) else None)


def locate(src: SourceFile, path: tuple, token: str) -> tuple[int, int]:
    """Line/column of ``token`` in the file at or after the value at ``path`` (prose spans lines)."""
    line, col = src.pos(path)
    lines = src.text.split("\n")
    start = sum(len(x) + 1 for x in lines[: line - 1]) + col - 1
    found = src.text.find(token, start, start + 8000)
    return line_col(src.text, found) if found >= 0 else (line, col)


def blocks_defined_once(cat: CatalogFiles) -> Iterator[Problem]:
    """Each catalog-wide block (sources, envelope, commands, ...) is defined in exactly one file."""
    for src in cat.files:
        for key in SINGLETONS:
            first = cat.blocks.get(key)
            if key in src.data and first is not src:
                yield src.problem((key,), f"`{key}` is already defined at {first.display}:"
                                          f"{first.pos((key,), key=True)[0]}; define it in one file only",
                                  key=True, field_name=key)
    for key in SINGLETONS if cat.complete else ():
        if key not in cat.blocks:
            anchor = cat.blocks.get("sources") or (cat.files[0] if cat.files else None)
            yield Problem(anchor.display if anchor else cat.anchor_display, 1, 1, key,
                          f"no catalog file defines `{key}`; add it (usually to site.yaml or commands.yaml)")


def command_forms_unique(cat: CatalogFiles) -> Iterator[Problem]:
    """No command form is listed twice in the xeroctl registry, and each has its own anchor."""
    src = cat.blocks.get("commands")
    seen: dict[str, int] = {}
    for i, c in entries(src.data if src else None, "commands"):
        form = c.get("form")
        if not isinstance(form, str):
            continue
        key = command_anchor(form)
        if key in seen:
            first = src.data["commands"][seen[key]]["form"]
            yield src.problem(("commands", i, "form"), f"command form `{form}` is listed twice (as `{first}` at "
                                                       f"line {src.pos(('commands', seen[key], 'form'))[0]})")
        else:
            seen[key] = i


def section_ids_unique(cat: CatalogFiles) -> Iterator[Problem]:
    """Section ids are unique across files (they are the pages' anchors)."""
    first: dict[str, SourceFile] = {}
    for src in cat.files:
        if (sid := section_id(src.data)) is None:
            continue
        if sid in first:
            other = first[sid]
            ol, oc = other.pos(("section", "id"))
            yield src.problem(("section", "id"), f"section id `{sid}` is already used at {other.display}:{ol}:{oc}")
        else:
            first[sid] = src


def codes_are_not_section_ids(cat: CatalogFiles) -> Iterator[Problem]:
    """A code and a section share the pages' anchors: one name cannot be both."""
    for src in cat.files:
        sid = section_id(src.data)
        if sid is not None and sid in cat.code_places:
            other, there = cat.code_places[sid]
            yield src.problem(("section", "id"), f"section id `{sid}` is also a code (at {other.display}:"
                                                 f"{other.pos(there)[0]}); both would be the same anchor on a page")


def page_anchor_problems(files: list[SourceFile], reserved: dict[str, str]) -> list[Problem]:
    """A code or section id that is an anchor the pages already have (``reserved``: anchor ->
    the page that has it, e.g. `overview`, `sources`) would give that page two elements with one
    id, and links to either would land on the first."""
    problems = []
    for src in files:
        named = [(("section", "id"), section_id(src.data))]
        named += [(("codes", i, "code"), entry.get("code")) for i, entry in entries(src.data, "codes")]
        for path, name in named:
            if isinstance(name, str) and name in reserved:
                problems.append(src.problem(path, f"`{name}` is already an anchor of the {reserved[name]} page "
                                                  "(one of its own headings); choose another name"))
    return problems


def fragment_link_problems(files: list[SourceFile], anchors: set[str]) -> list[Problem]:
    """A `#anchor` link in prose names an anchor the pages have (``anchors``: every code, section
    and page anchor). A typo would otherwise pass `check` and be found only in the built site,
    page by page, without the catalog line."""
    problems = []
    for src in files:
        for path, key, value in strings(src.data):
            if key not in TEXT_KEYS or "](#" not in value:
                continue
            for href in text.link_targets(value):
                if href.startswith("#") and href[1:] not in anchors:
                    line, col = locate(src, path, href)
                    problems.append(Problem(src.display, line, col, describe_path(src.data, path),
                                            f"link to `{href}`: no such anchor on the pages"
                                            f"{did_you_mean(href[1:], anchors)}"))
    return problems


def former_names_are_free(cat: CatalogFiles) -> Iterator[Problem]:
    """A former name leads to one code: it is no code or section id of today, and no other
    code's former name (its old addresses would lead to two places)."""
    sections = {sid for src in cat.files if (sid := section_id(src.data)) is not None}
    seen: dict[str, tuple[SourceFile, tuple]] = {}
    for src in cat.files:
        for i, entry in entries(src.data, "codes"):
            for j, former in enumerate(entry.get("former_names") or []):
                name = former.get("name") if isinstance(former, dict) else None
                if not isinstance(name, str):
                    continue
                here = ("codes", i, "former_names", j, "name")
                if name in cat.code_places:
                    other, there = cat.code_places[name]
                    yield src.problem(here, f"former name `{name}` is a code today (at {other.display}:"
                                            f"{other.pos(there)[0]}); a name leads to one code")
                elif name in sections:
                    yield src.problem(here, f"former name `{name}` is a section id; both would be the same anchor")
                elif name in seen:
                    other, there = seen[name]
                    yield src.problem(here, f"former name `{name}` is already a former name at {other.display}:"
                                            f"{other.pos(there)[0]}")
                else:
                    seen[name] = (src, here)


def codes_unique(cat: CatalogFiles) -> Iterator[Problem]:
    """Every code is defined once; a duplicate is reported at both places."""
    for src in cat.files:
        for i, entry in entries(src.data, "codes"):
            code, here = entry.get("code"), ("codes", i, "code")
            other, there = cat.code_places.get(code, (src, here)) if isinstance(code, str) else (src, here)
            if (other, there) != (src, here):
                yield src.problem(here, f"duplicate code `{code}`: also defined at {other.display}:"
                                        f"{':'.join(map(str, other.pos(there)))}")
                yield other.problem(there, f"duplicate code `{code}`: also defined at {src.display}:"
                                           f"{':'.join(map(str, src.pos(here)))}")


def diagnostics_match_registry(cat: CatalogFiles) -> Iterator[Problem]:
    """Every diagnostic command matches a form of the xeroctl registry in commands.yaml."""
    forms = [c["form"] for _, c in entries({"commands": cat.block("commands")}, "commands")
             if isinstance(c.get("form"), str)]
    if not forms:
        return
    for src in cat.files:
        for i, entry in entries(src.data, "codes"):
            diag = entry.get("diagnostic")
            cmd = diag.get("command") if isinstance(diag, dict) else None
            if isinstance(cmd, str) and cmd.startswith("xeroctl") and matching_form(cmd, forms) is None:
                yield src.problem(("codes", i, "diagnostic", "command"),
                                  f"`{cmd}` matches no command form in the xeroctl registry"
                                  f"{did_you_mean(cmd, forms)} (add a documented form to commands.yaml, "
                                  "or use `none: true`)")


def commands_are_inert(cat: CatalogFiles) -> Iterator[Problem]:
    """Diagnostic commands and registry forms hold nothing a shell would run: operators paste
    them (the pages give them a copy button)."""
    for src in cat.files:
        for i, entry in entries(src.data, "codes"):
            diag = entry.get("diagnostic")
            cmd = diag.get("command") if isinstance(diag, dict) else None
            if isinstance(cmd, str) and (reason := shell_problem(cmd)):
                yield src.problem(("codes", i, "diagnostic", "command"), reason)
        for i, entry in entries(src.data, "commands"):
            form = entry.get("form")
            if isinstance(form, str) and (reason := shell_problem(form, optional_groups=True)):
                yield src.problem(("commands", i, "form"), reason)


def statuses_say_when(cat: CatalogFiles) -> Iterator[Problem]:
    """A code with several HTTP statuses says `when` each is returned, and lists each once."""
    for src in cat.files:
        for i, entry in entries(src.data, "codes"):
            http = [h for _, h in entries(entry, "http")]
            statuses = [h.get("status") for h in http]
            for j, h in enumerate(http):
                if "status" in h and len(http) > 1 and "when" not in h:
                    yield src.problem(("codes", i, "http", j), f"status {h['status']} needs `when`: with several "
                                                               "statuses, say which route or situation returns each")
                if "status" in h and statuses.index(h["status"]) != j:
                    yield src.problem(("codes", i, "http", j, "status"), f"status {h['status']} is listed twice")


def references_exist(cat: CatalogFiles) -> Iterator[Problem]:
    """A deprecation's or removal's replacement and the envelope example name codes of the
    catalog; a replacement is another code, and not one that was removed itself."""
    if not cat.complete:
        return
    removed = {e.get("code") for src in cat.files for _, e in entries(src.data, "codes") if "removed" in e}
    for src in cat.files:
        for i, entry in entries(src.data, "codes"):
            for kind in ("deprecated", "removed"):
                block = entry.get(kind)
                rep = block.get("replacement") if isinstance(block, dict) else None
                where = ("codes", i, kind, "replacement")
                if isinstance(rep, str) and rep == entry.get("code"):
                    yield src.problem(where, "a code cannot be its own replacement")
                elif isinstance(rep, str) and rep not in cat.code_places:
                    yield src.problem(where, f"replacement `{rep}` is not a code in the catalog"
                                             f"{did_you_mean(rep, cat.code_places)}")
                elif isinstance(rep, str) and rep in removed:
                    yield src.problem(where, f"replacement `{rep}` was removed itself; name the code clients "
                                             "receive now")
        env = src.data.get("envelope")
        example = env.get("example") if isinstance(env, dict) else None
        code = example.get("code") if isinstance(example, dict) else None
        if isinstance(code, str) and code not in cat.code_places:
            yield src.problem(("envelope", "example", "code"),
                              f"`{code}` is not a code in the catalog{did_you_mean(code, cat.code_places)}")


def no_placeholders_left(cat: CatalogFiles) -> Iterator[Problem]:
    """No `TODO` placeholder left by `xemcat new` survives."""
    for src, path, _, value in cat.strings:
        if value.startswith("TODO"):
            yield src.problem(path, "unfinished: replace the TODO placeholder")


def sources_exist(cat: CatalogFiles) -> Iterator[Problem]:
    """Every `source` names an entry of `sources`."""
    sources = cat.block("sources")
    if not isinstance(sources, dict):
        return
    for src, path, key, value in cat.strings:
        if key == "source" and value not in sources:
            yield src.problem(path, f"unknown source `{value}`{did_you_mean(value, sources)} "
                                    f"(known: {', '.join(sorted(sources))})")


def code_references_exist(cat: CatalogFiles) -> Iterator[Problem]:
    """Every backticked snake_case word in prose is a code, a listed identifier or an envelope type."""
    identifiers = cat.block("identifiers")
    if not cat.complete or not isinstance(identifiers, list):
        return
    known = set(cat.code_places) | {w for w in identifiers if isinstance(w, str)} | cat.envelope_types
    for src, path, key, value in cat.strings:
        for word in CODE_REF.findall(value) if key in TEXT_KEYS and "`" in value else ():
            if word not in known:
                line, col = locate(src, path, f"`{word}`")
                yield Problem(src.display, line, col, describe_path(src.data, path),
                              f"`{word}` is not a code in the catalog{did_you_mean(word, cat.code_places)} "
                              "(if it is not an error code, add it to `identifiers` in site.yaml)")


def links_are_safe(cat: CatalogFiles) -> Iterator[Problem]:
    """Links in prose go only to http, https or mailto addresses, relative paths or #anchors."""
    for src, path, key, value in cat.strings:
        if key not in TEXT_KEYS or ("[" not in value and "<" not in value):
            continue
        for href in text.link_targets(value):
            reason = text.link_problem(href)
            if reason:
                line, col = locate(src, path, href.split(":", 1)[0] + ":" if ":" in href else href)
                yield Problem(src.display, line, col, describe_path(src.data, path),
                              f"link target {_json(href)} {reason}")


def text_is_printable(cat: CatalogFiles) -> Iterator[Problem]:
    """No string holds a control character or an invisible formatting character (bidi controls,
    zero-width characters: text that reads differently from what it is); only prose may break
    lines, as YAML folding does."""
    for src, path, key, value in cat.strings:
        if value.isprintable() or not (bad := refused_character(key, value)):
            continue
        kind = "prose" if key in TEXT_KEYS else "one line of plain text"
        what = "control" if unicodedata.category(bad) in ("Cc", "Zl", "Zp") else "invisible formatting"
        name = unicodedata.name(bad, "").title()
        yield src.problem(path, f"contains the {what} character U+{ord(bad):04X}{f' ({name})' if name else ''}; "
                                f"this field is {kind}")


RULES: tuple[Callable[[CatalogFiles], Iterator[Problem]], ...] = (
    blocks_defined_once, command_forms_unique, section_ids_unique, codes_unique, codes_are_not_section_ids,
    former_names_are_free,
    diagnostics_match_registry, commands_are_inert, statuses_say_when, references_exist, no_placeholders_left,
    sources_exist, code_references_exist, links_are_safe, text_is_printable,
)


def rule_problems(files: list[SourceFile], catalog_display: str, envelope_types: set[str],
                  complete: bool = True) -> list[Problem]:
    """Run every rule over the catalog's (mapping-shaped) files."""
    cat = CatalogFiles([f for f in files if isinstance(f.data, dict)], envelope_types, complete, catalog_display)
    return [p for rule in RULES for p in rule(cat)]
