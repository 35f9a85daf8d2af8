"""Validation, stage one: each catalog file against catalog/schema.json, every error explained
in the writer's terms at FILE:LINE:COL. (Stage two, the rules a schema cannot state, is
validate.py.)

Two validators give one answer: jsonschema-rs says quickly whether a file is valid, and the
Python jsonschema library, run only for files that fail, says why. Both read patterns as
ECMA-262 does (see ``_ecma``); a property test keeps them agreeing.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

from . import phrases
from .loader import SourceFile, describe_path
from .problems import Problem, shown_value as _json
from .vocabulary import did_you_mean, refused_character, resolve_ref


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
    library (whose import alone, ~50 ms, costs more than checking the shipped catalog) is only
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
                                         'the schema must be a JSON object describing a mapping (`"type": "object"`)'))
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
            shapes = _alternatives(error.validator_value, root)
            yield src.problem(path, f"must be {shapes}, not {_json(error.instance)}")
        return
    explain = _EXPLAIN.get(error.validator)
    yield from explain(src, error, path, root) if explain else [src.problem(path, error.message)]


def _unknown_fields(src: SourceFile, error: Any, path: tuple, root: dict) -> Iterator[Problem]:
    allowed = list(error.schema.get("properties", {}))
    for key in (k for k in error.instance if k not in allowed):
        yield src.problem(path + (key,), f"unknown field `{key}`{did_you_mean(key, allowed)} "
                                         f"(allowed here: {', '.join(allowed)})",
                          key=True, field_name=describe_path(src.data, path + (key,)))


def _missing_fields(src: SourceFile, error: Any, path: tuple, root: dict) -> Iterator[Problem]:
    have = ", ".join(sorted(error.instance)) or "no fields"
    for name in (r for r in error.validator_value if r not in error.instance):
        shapes = _shapes(error.schema.get("properties", {}).get(name), root)
        yield src.problem(path, f"missing required field `{name}`{shapes} (the entry has: {have})",
                          key=True, field_name=describe_path(src.data, path + (name,)))


def _shapes(prop: Any, root: dict) -> str:
    """For a field that takes one of several shapes, what they are: a writer adding it needs that."""
    node = resolve_ref(prop, root) if isinstance(prop, dict) else {}
    return f", which is {_alternatives(node['anyOf'], root)}" if "anyOf" in node else ""


def _dependent_fields(src: SourceFile, error: Any, path: tuple, root: dict) -> Iterator[Problem]:
    for key, needs in error.validator_value.items():
        for name in needs if key in error.instance else ():
            if name not in error.instance:
                yield src.problem(path + (key,), f"a file with `{key}` also needs `{name}`", key=True)


_PATTERN_HINTS = {
    "^[a-z][a-z0-9_]*$": phrases.CODE_NAME,
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "a date written YYYY-MM-DD",
}


def _pattern(src: SourceFile, error: Any, path: tuple, root: dict) -> Iterator[Problem]:
    value, pattern = error.instance, error.validator_value
    key = next((k for k in reversed(path) if isinstance(k, str)), None)  # a list's items: the list's key
    if value.startswith("TODO") or refused_character(key, value):
        # A placeholder left by `xemcat new`, or a control or invisible character: a rule
        # reports each once, naming the character (validate.text_is_printable).
        return
    hint = _PATTERN_HINTS.get(pattern) or ("a command starting with `xeroctl`, words separated by single spaces"
                                           if pattern.startswith("^xeroctl") else None)
    if not hint and not value.strip():
        hint = "must contain text"
    yield src.problem(path, f"{_json(value)} is not valid here: " + (hint or f"it must match {pattern}"))

def _say(message: Callable[[Any], str]) -> Callable[[SourceFile, Any, tuple, dict], Iterator[Problem]]:
    """An explanation that is one problem at the error's place, worded by ``message(error)``."""
    return lambda src, error, path, _root: iter([src.problem(path, message(error))])


def _not_a_status(error: Any) -> str:
    return f"{_json(error.instance)} is not a valid HTTP status (100-599)"


# How each JSON Schema keyword's failure is told to a writer.
_EXPLAIN: dict[str, Callable[[SourceFile, Any, tuple, dict], Iterator[Problem]]] = {
    "additionalProperties": _unknown_fields,
    "required": _missing_fields,
    "dependentRequired": _dependent_fields,
    "pattern": _pattern,
    "enum": _say(lambda e: f"{_json(e.instance)} is not one of {', '.join(map(str, e.validator_value))}"
                           f"{did_you_mean(e.instance, map(str, e.validator_value))}"),
    "const": _say(lambda e: f"must be {_json(e.validator_value)}, not {_json(e.instance)}"),
    "type": _say(lambda e: f"must be {_or(e.validator_value)}, not {_kind(e.instance)} {_json(e.instance)}"),
    "minimum": _say(_not_a_status),
    "maximum": _say(_not_a_status),
    "minLength": _say(lambda e: "must not be empty"),
    "minItems": _say(lambda e: "must not be an empty list"),
    "minProperties": _say(lambda e: "must not be an empty mapping"),
    "uniqueItems": _say(lambda e: f"lists the same value twice: {_json(e.instance)}"),
    "propertyNames": _say(lambda e: f"invalid name: {e.message}"),
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


def _alternatives(branches: list, root: dict) -> str:
    options = []
    for branch in branches:
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
    # No float: the loader reads `1.5` as text and says so (the catalog's numbers are whole).
    return {dict: "mapping", list: "list", str: "string", bool: "boolean", int: "integer",
            type(None): "null"}.get(type(value), type(value).__name__)


