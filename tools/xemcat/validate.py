"""Validate catalog files: first the JSON Schema, then the rules a schema cannot state.

Modelled on rustc's tidy: each rule is one function whose docstring says what it guarantees,
and ``RULES`` runs them in order over the whole catalog. Every problem names FILE:LINE:COL and
the field. Files may have schema problems: rules look only at the well-shaped parts, so one
broken entry does not hide the problems of the others.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

from . import text
from .loader import SourceFile, describe_path, line_col
from .problems import Problem
from .vocabulary import CODE_REF, SINGLETONS, TEXT_KEYS, command_pattern, did_you_mean, resolve_ref

# ============================================================================ the schema


class SchemaUnusable(Exception):
    """catalog/schema.json cannot be used; carries the one problem that says why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@lru_cache(maxsize=256)
def _ecma(pattern: str) -> re.Pattern[str]:
    """A JSON Schema (ECMA-262) pattern as a Python regex with the same meaning: an unescaped
    `$` outside a class matches only at the very end (Python's `$` also matches before a final
    newline, which let "code\\n" pass)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        in_class = (in_class or c == "[") and c != "]" if not in_class else c != "]"
        out.append(r"\Z" if c == "$" and not in_class else c)
        i += 1
    return re.compile("".join(out))


def _python_validator(schema: dict) -> Any:
    import jsonschema  # only files that fail the fast check pay for importing this

    def pattern(validator: Any, patrn: str, instance: Any, _schema: Any) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not _ecma(patrn).search(instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {patrn!r}")

    base = jsonschema.validators.validator_for(schema)
    base.check_schema(schema)  # raises SchemaError for a broken schema
    return jsonschema.validators.extend(base, {"pattern": pattern})(schema)


class CatalogSchema:
    """catalog/schema.json, compiled. jsonschema-rs answers "is this file valid?"; the Python
    library (whose import alone, ~45 ms, costs more than checking the shipped catalog) is only
    loaded for files that fail, to say why, or when jsonschema-rs rejects the schema itself."""

    def __init__(self, path: Path, display: str):
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SchemaUnusable(Problem(display, 1, 1, "(schema)", f"cannot read the schema: {exc}")) from None
        try:
            self.schema = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise SchemaUnusable(Problem(display, exc.lineno, exc.colno, "(schema)",
                                         f"not valid JSON: {exc.msg}")) from None
        if not isinstance(self.schema, dict) or self.schema.get("type") != "object":
            raise SchemaUnusable(Problem(display, 1, 1, "(schema)",
                                         "the schema must be a JSON object describing a mapping (`\"type\": \"object\"`)"))
        self._python: Any = None
        dangling = _dangling_ref(self.schema)
        try:
            import jsonschema_rs
            self.fast: Any = jsonschema_rs.validator_for(self.schema)  # also checks the schema itself
        except ImportError:  # optional: the Python validator alone gives the same answers
            self.fast = None
        except Exception:  # an invalid schema: the Python validator's check says why, below
            self.fast = None
        if self.fast is None or dangling:
            try:
                if dangling:
                    raise ValueError(f"`$ref` {dangling!r} points at nothing")
                _ = self.python
            except Exception as exc:  # jsonschema.SchemaError, or a reference that leads nowhere
                message = getattr(exc, "message", None) or str(exc)
                raise SchemaUnusable(Problem(display, 1, 1, "(schema)", f"the schema is invalid: {message}")) from None
        self.envelope_types = set(self.schema.get("$defs", {}).get("envelopeType", {}).get("enum", []))

    @property
    def python(self) -> Any:
        """The Python validator, built on first use: only files that fail pay for importing it."""
        if self._python is None:
            self._python = _python_validator(self.schema)
        return self._python


def _dangling_ref(node: Any, root: Any = None) -> str | None:
    root = node if root is None else root
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not resolve_ref({"$ref": ref}, root):
            return ref
        return next((r for v in node.values() if (r := _dangling_ref(v, root))), None)
    if isinstance(node, list):
        return next((r for v in node if (r := _dangling_ref(v, root))), None)
    return None


def schema_problems(src: SourceFile, schema: CatalogSchema) -> list[Problem]:
    """Every way ``src`` breaks the schema, explained in the writer's terms."""
    if not isinstance(src.data, dict):
        return [src.problem((), f"a catalog file must be a mapping of fields, not {_kind(src.data)}",
                            field_name="(file)")]
    if schema.fast is not None:
        try:
            if schema.fast.is_valid(src.data):
                return []
        except Exception:  # a value jsonschema-rs cannot represent: the Python validator judges
            pass
    return [p for error in schema.python.iter_errors(src.data) for p in _explain(src, error, schema.schema)]


def _explain(src: SourceFile, error: Any, root: dict) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    if error.validator in ("anyOf", "oneOf"):
        branch = _likely_branch(error, root)
        if branch:
            for sub in branch:
                yield from _explain(src, sub, root)
        else:
            yield src.problem(path, f"must be {_alternatives(error, root)}, not {_json(error.instance)}")
        return
    explain = _EXPLAIN.get(error.validator)
    yield from explain(src, error, path) if explain else [src.problem(path, error.message)]


def _unknown_fields(src: SourceFile, error: Any, path: tuple) -> Iterator[Problem]:
    allowed = list(error.schema.get("properties", {}))
    for key in (k for k in error.instance if k not in allowed):
        yield src.problem(path + (key,), f"unknown field `{key}`{did_you_mean(key, allowed)} "
                                         f"(allowed here: {', '.join(allowed)})",
                          key=True, field_name=describe_path(src.data, path + (key,)))


def _missing_fields(src: SourceFile, error: Any, path: tuple) -> Iterator[Problem]:
    have = ", ".join(sorted(error.instance)) or "no fields"
    for name in (r for r in error.validator_value if r not in error.instance):
        yield src.problem(path, f"missing required field `{name}` (the entry has: {have})",
                          key=True, field_name=describe_path(src.data, path + (name,)))


def _dependent_fields(src: SourceFile, error: Any, path: tuple) -> Iterator[Problem]:
    for key, needs in error.validator_value.items():
        for name in needs if key in error.instance else ():
            if name not in error.instance:
                yield src.problem(path + (key,), f"a file with `{key}` also needs `{name}`", key=True)


_PATTERN_HINTS = {
    "^[a-z][a-z0-9_]*$": "lower-case letters, digits and underscores, starting with a letter",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "a date written YYYY-MM-DD",
}


def _pattern(src: SourceFile, error: Any, path: tuple) -> Iterator[Problem]:
    value, pattern = error.instance, error.validator_value
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):
        yield src.problem(path, f"{_json(value)} contains a line break or control character; "
                                "this field is one line of plain text")
        return
    hint = _PATTERN_HINTS.get(pattern) or ("a command starting with `xeroctl`, words separated by single spaces"
                                           if pattern.startswith("^xeroctl") else None)
    if not hint and not value.strip():
        hint = "must contain text"
    yield src.problem(path, f"{_json(value)} is not valid here: " + (hint or f"it must match {pattern}"))

_EXPLAIN: dict[str, Callable[[SourceFile, Any, tuple], Iterator[Problem]]] = {
    "additionalProperties": _unknown_fields,
    "required": _missing_fields,
    "dependentRequired": _dependent_fields,
    "pattern": _pattern,
    "enum": lambda src, e, p: iter([src.problem(p, f"{_json(e.instance)} is not one of "
                                                   f"{', '.join(map(str, e.validator_value))}"
                                                   f"{did_you_mean(e.instance, map(str, e.validator_value))}")]),
    "const": lambda src, e, p: iter([src.problem(p, f"must be {_json(e.validator_value)}, not {_json(e.instance)}")]),
    "type": lambda src, e, p: iter([src.problem(p, f"must be {_or(e.validator_value)}, "
                                                   f"not {_kind(e.instance)} {_json(e.instance)}")]),
    "minimum": lambda src, e, p: iter([src.problem(p, f"{_json(e.instance)} is not a valid HTTP status (100-599)")]),
    "maximum": lambda src, e, p: iter([src.problem(p, f"{_json(e.instance)} is not a valid HTTP status (100-599)")]),
    "minLength": lambda src, e, p: iter([src.problem(p, "must not be empty")]),
    "propertyNames": lambda src, e, p: iter([src.problem(p, f"invalid name: {e.message}")]),
}


def _likely_branch(error: Any, root: dict) -> list[Any]:
    """For an anyOf/oneOf failure, the errors of the branch the writer most likely meant."""
    by_branch: dict[int, list[Any]] = {}
    for sub in error.context or []:
        by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
    plausible = {i: errs for i, errs in by_branch.items()
                 if not any(not e.relative_path and e.validator in ("type", "const", "enum") for e in errs)}
    if not plausible:
        return []

    def score(item: tuple[int, list[Any]]) -> tuple[int, int]:  # most keys shared, then fewest errors
        props = resolve_ref(error.validator_value[item[0]], root).get("properties", {})
        shared = len(set(error.instance) & set(props)) if isinstance(error.instance, dict) else 0
        return (-shared, len(item[1]))
    return min(plausible.items(), key=score)[1]


def _alternatives(error: Any, root: dict) -> str:
    options = []
    for branch in error.validator_value:
        b = resolve_ref(branch, root)
        if "const" in b:
            options.append(f"`{b['const']}`")
        elif b.get("type") == "object":
            options.append("a mapping with " + ", ".join(f"`{r}`" for r in b.get("required", [])))
        else:
            options.append({"array": "a list"}.get(b.get("type"), "something else"))
    return " or ".join(options)


def _or(types: Any) -> str:
    return " or ".join(types) if isinstance(types, list) else f"of type {types}"


def _kind(value: Any) -> str:
    return {dict: "mapping", list: "list", str: "string", bool: "boolean", int: "integer",
            float: "number", type(None): "null"}.get(type(value), type(value).__name__)


def _json(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False, default=str)
    return shown if len(shown) <= 60 else shown[:57] + "..."


# ============================================================================ the rules


@dataclass
class Catalog:
    """What the rules read: the parsed files and the indexes built once from them."""

    files: list[SourceFile]
    envelope_types: set[str]
    complete: bool  # False when some file could not be parsed: "not defined" would be a false alarm
    anchor_display: str
    blocks: dict[str, SourceFile] = field(default_factory=dict)  # singleton key -> first file defining it
    codes: dict[str, tuple[SourceFile, tuple]] = field(default_factory=dict)  # code -> first place
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
                    self.codes.setdefault(entry["code"], (src, ("codes", i, "code")))

    def block(self, key: str) -> Any:
        return self.blocks[key].data[key] if key in self.blocks else None


def entries(data: Any, key: str) -> Iterator[tuple[int, dict]]:
    """The well-shaped mapping items of a list block; malformed ones already have schema problems."""
    items = data.get(key) if isinstance(data, dict) else None
    for i, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict):
            yield i, item


def strings(data: Any, path: tuple = (), key: Any = None) -> Iterator[tuple[tuple, Any, str]]:
    """Every string in the data with its path and the mapping key it sits under."""
    if isinstance(data, str):
        yield path, key, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from strings(v, path + (k,), k)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from strings(v, path + (i,), None)


def locate(src: SourceFile, path: tuple, token: str) -> tuple[int, int]:
    """Line/column of ``token`` in the file at or after the value at ``path`` (prose spans lines)."""
    line, col = src.pos(path)
    lines = src.text.split("\n")
    start = sum(len(x) + 1 for x in lines[: line - 1]) + col - 1
    found = src.text.find(token, start, start + 8000)
    return line_col(src.text, found) if found >= 0 else (line, col)


def blocks_defined_once(cat: Catalog) -> Iterator[Problem]:
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


def command_forms_unique(cat: Catalog) -> Iterator[Problem]:
    """No command form is listed twice in the xeroctl registry."""
    src = cat.blocks.get("commands")
    seen: dict[str, int] = {}
    for i, c in entries(src.data if src else None, "commands"):
        form = c.get("form")
        if isinstance(form, str) and form in seen:
            yield src.problem(("commands", i, "form"), f"command form `{form}` is listed twice "
                                                       f"(first at line {src.pos(('commands', seen[form], 'form'))[0]})")
        elif isinstance(form, str):
            seen[form] = i


def section_ids_unique(cat: Catalog) -> Iterator[Problem]:
    """Section ids are unique across files (they are the pages' anchors)."""
    first: dict[str, SourceFile] = {}
    for src in cat.files:
        sec = src.data.get("section")
        if isinstance(sec, dict) and isinstance(sec.get("id"), str):
            if sec["id"] in first:
                other = first[sec["id"]]
                ol, oc = other.pos(("section", "id"))
                yield src.problem(("section", "id"), f"section id `{sec['id']}` is already used at {other.display}:{ol}:{oc}")
            else:
                first[sec["id"]] = src


def codes_unique(cat: Catalog) -> Iterator[Problem]:
    """Every code is defined once; a duplicate is reported at both places."""
    for src in cat.files:
        for i, entry in entries(src.data, "codes"):
            code, here = entry.get("code"), ("codes", i, "code")
            other, there = cat.codes.get(code, (src, here)) if isinstance(code, str) else (src, here)
            if (other, there) != (src, here):
                yield src.problem(here, f"duplicate code `{code}`: also defined at {other.display}:"
                                        f"{':'.join(map(str, other.pos(there)))}")
                yield other.problem(there, f"duplicate code `{code}`: also defined at {src.display}:"
                                           f"{':'.join(map(str, src.pos(here)))}")


def diagnostics_match_registry(cat: Catalog) -> Iterator[Problem]:
    """Every diagnostic command matches a form of the xeroctl registry in commands.yaml."""
    forms = [c["form"] for _, c in entries({"commands": cat.block("commands")}, "commands")
             if isinstance(c.get("form"), str)]
    if not forms:
        return
    registry = re.compile("|".join(f"(?:{command_pattern(f).pattern})" for f in forms))
    for src in cat.files:
        for i, entry in entries(src.data, "codes"):
            diag = entry.get("diagnostic")
            cmd = diag.get("command") if isinstance(diag, dict) else None
            if isinstance(cmd, str) and cmd.startswith("xeroctl") and not registry.fullmatch(cmd):
                yield src.problem(("codes", i, "diagnostic", "command"),
                                  f"`{cmd}` matches no command form in the xeroctl registry"
                                  f"{did_you_mean(cmd, forms)} (add a documented form to commands.yaml, "
                                  "or use `none: true`)")


def statuses_say_when(cat: Catalog) -> Iterator[Problem]:
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


def references_exist(cat: Catalog) -> Iterator[Problem]:
    """A deprecation's replacement and the envelope example name codes of the catalog."""
    if not cat.complete:
        return
    for src in cat.files:
        for i, entry in entries(src.data, "codes"):
            dep = entry.get("deprecated")
            rep = dep.get("replacement") if isinstance(dep, dict) else None
            if isinstance(rep, str) and rep == entry.get("code"):
                yield src.problem(("codes", i, "deprecated", "replacement"), "a code cannot be its own replacement")
            elif isinstance(rep, str) and rep not in cat.codes:
                yield src.problem(("codes", i, "deprecated", "replacement"),
                                  f"replacement `{rep}` is not a code in the catalog{did_you_mean(rep, cat.codes)}")
        env = src.data.get("envelope")
        example = env.get("example") if isinstance(env, dict) else None
        code = example.get("code") if isinstance(example, dict) else None
        if isinstance(code, str) and code not in cat.codes:
            yield src.problem(("envelope", "example", "code"),
                              f"`{code}` is not a code in the catalog{did_you_mean(code, cat.codes)}")


def no_placeholders_left(cat: Catalog) -> Iterator[Problem]:
    """No `TODO` placeholder left by `xemcat new` survives."""
    for src, path, _, value in cat.strings:
        if value.startswith("TODO"):
            yield src.problem(path, "unfinished: replace the TODO placeholder")


def sources_exist(cat: Catalog) -> Iterator[Problem]:
    """Every `source` names an entry of `sources`."""
    sources = cat.block("sources")
    if not isinstance(sources, dict):
        return
    for src, path, key, value in cat.strings:
        if key == "source" and value not in sources:
            yield src.problem(path, f"unknown source `{value}`{did_you_mean(value, sources)} "
                                    f"(known: {', '.join(sorted(sources))})")


def code_references_exist(cat: Catalog) -> Iterator[Problem]:
    """Every backticked snake_case word in prose is a code, a listed identifier or an envelope type."""
    identifiers = cat.block("identifiers")
    if not cat.complete or not isinstance(identifiers, list):
        return
    known = set(cat.codes) | {w for w in identifiers if isinstance(w, str)} | cat.envelope_types
    for src, path, key, value in cat.strings:
        for word in CODE_REF.findall(value) if key in TEXT_KEYS and "`" in value else ():
            if word not in known:
                line, col = locate(src, path, f"`{word}`")
                yield Problem(src.display, line, col, describe_path(src.data, path),
                              f"`{word}` is not a code in the catalog{did_you_mean(word, cat.codes)} "
                              "(if it is not an error code, add it to `identifiers` in site.yaml)")


def links_are_safe(cat: Catalog) -> Iterator[Problem]:
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


def text_is_printable(cat: Catalog) -> Iterator[Problem]:
    """No string holds a control character; only prose may break lines (as YAML folding does)."""
    for src, path, key, value in cat.strings:
        bad = (_CONTROL_IN_PROSE if key in TEXT_KEYS else _CONTROL).search(value)
        if bad:
            kind = "prose" if key in TEXT_KEYS else "one line of plain text"
            yield src.problem(path, f"contains the control character U+{ord(bad.group()):04X}; this field is {kind}")


# Unicode categories Cc (C0, DEL, C1), Zl and Zp; prose may hold the tabs and newlines of YAML text.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_IN_PROSE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


RULES: tuple[Callable[[Catalog], Iterator[Problem]], ...] = (
    blocks_defined_once, command_forms_unique, section_ids_unique, codes_unique,
    diagnostics_match_registry, statuses_say_when, references_exist, no_placeholders_left,
    sources_exist, code_references_exist, links_are_safe, text_is_printable,
)


def rule_problems(files: list[SourceFile], catalog_display: str, envelope_types: set[str],
                  complete: bool = True) -> list[Problem]:
    """Run every rule over the catalog's (mapping-shaped) files."""
    cat = Catalog([f for f in files if isinstance(f.data, dict)], envelope_types, complete, catalog_display)
    return [p for rule in RULES for p in rule(cat)]
