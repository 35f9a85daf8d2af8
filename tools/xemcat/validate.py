"""Validate catalog files: first the JSON Schema, then the rules a schema cannot state.

Rules (each reports FILE:LINE:COL and the field):
  * every catalog-wide block (sources, envelope, commands, ...) is defined exactly once;
  * codes and section ids are unique across all files (a duplicate names both places);
  * every diagnostic command matches a form in the command registry;
  * every backticked snake_case word in catalog text is a known code or a listed identifier;
  * every `source` names an entry of `sources`; a deprecation's replacement exists;
  * a code with several HTTP statuses says `when` each is returned.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

from .loader import SourceFile, describe_path
from .problems import Problem


# Blocks that must appear exactly once in the whole catalog, whichever file holds them.
SINGLETONS = ("sources", "identifiers", "envelope", "correlation_header", "rate_limit_extras",
              "envelope_types", "commands")
# Keys whose string values are prose (inline Markdown) and may mention codes in backticks.
TEXT_KEYS = frozenset({"description", "action", "note", "when", "when_code_missing", "shows",
                       "advice", "meaning", "reason"})
CODE_REF = re.compile(r"`([a-z][a-z0-9_]*_[a-z0-9_]*)`")


class CatalogSchema:
    """catalog/schema.json, compiled for checking files.

    jsonschema-rs (Rust) answers "is this file valid?" about 500x faster than the Python
    jsonschema library, which is only imported and run for files that fail, to explain every
    error. A clean catalog therefore never pays for importing or running the Python validator.
    """

    def __init__(self, path: Path):
        self.path = path
        self.schema = json.loads(path.read_text(encoding="utf-8"))
        self._python: Any = None
        try:
            import jsonschema_rs
            self.fast: Any = jsonschema_rs.validator_for(self.schema)
        except ImportError:  # optional speed-up: the Python validator alone gives the same answers
            self.fast = None
        except Exception:  # an invalid schema: let the Python validator say what is wrong with it
            self.fast = None
            _ = self.python

    @property
    def python(self) -> Any:
        if self._python is None:
            import jsonschema
            cls = jsonschema.validators.validator_for(self.schema)
            cls.check_schema(self.schema)  # raises jsonschema.SchemaError for a broken schema
            self._python = cls(self.schema)
        return self._python

    @property
    def envelope_types(self) -> set[str]:
        return set(self.schema.get("$defs", {}).get("envelopeType", {}).get("enum", []))


@lru_cache(maxsize=4)
def load_schema(path: Path) -> CatalogSchema:
    """Compile the schema once per process; validation is the hot path of `check`."""
    return CatalogSchema(path)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def _did_you_mean(word: Any, candidates: Iterable[str]) -> str:
    best = closest(str(word), candidates)
    return f"; did you mean `{best}`?" if best else ""


def resolve_ref(node: Any, root: dict) -> Any:
    """Follow local `$ref`s ("#/$defs/x"); keys written beside a $ref (its description) win."""
    for _ in range(20):  # a bound, in case a schema refers to itself
        if not (isinstance(node, dict) and "$ref" in node):
            break
        target: Any = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _branch_errors(error: Any, root: dict) -> list[Any]:
    """For an anyOf/oneOf failure, the errors of the branch the writer most likely meant."""
    by_branch: dict[int, list[Any]] = {}
    for sub in error.context or []:
        by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
    def wrong_shape(errs: list[Any]) -> bool:
        return any(not e.relative_path and e.validator in ("type", "const", "enum") for e in errs)
    plausible = {i: errs for i, errs in by_branch.items() if not wrong_shape(errs)}
    if not plausible:
        return []

    # Prefer the branch whose properties share most keys with what the writer wrote.
    def score(item: tuple[int, list[Any]]) -> tuple[int, int]:
        branch = error.validator_value[item[0]]
        props = resolve_ref(branch, root).get("properties", {}) if isinstance(branch, dict) else {}
        shared = len(set(error.instance) & set(props)) if isinstance(error.instance, dict) else 0
        return (-shared, len(item[1]))
    return min(plausible.items(), key=score)[1]


def _describe_alternatives(error: Any, root: dict) -> str:
    options = []
    for branch in error.validator_value:
        b = resolve_ref(branch, root)
        if "const" in b:
            options.append(f"`{b['const']}`")
        elif b.get("type") == "object":
            req = b.get("required", [])
            options.append("a mapping with " + ", ".join(f"`{r}`" for r in req))
        elif b.get("type") == "array":
            options.append("a list")
        else:
            options.append("something else")
    return " or ".join(options)


def _schema_problems(src: SourceFile, error: Any, root: dict) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    v = error.validator
    inst = error.instance
    if v in ("anyOf", "oneOf"):
        branch = _branch_errors(error, root)
        if branch:
            for sub in branch:
                yield from _schema_problems(src, sub, root)
            return
        yield src.problem(path, f"must be {_describe_alternatives(error, root)}, not {_json(inst)}")
        return
    if v == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extras = [k for k in inst if k not in allowed] if isinstance(inst, dict) else []
        for key in extras:
            hint = _did_you_mean(key, allowed)
            yield src.problem(path + (key,), f"unknown field `{key}`{hint} (allowed here: {', '.join(allowed)})",
                              key=True, field_name=_field(src, path + (key,)))
        return
    if v == "required":
        missing = [r for r in error.validator_value if r not in inst]
        have = ", ".join(sorted(inst)) or "no fields"
        for name in missing:
            yield src.problem(path, f"missing required field `{name}` (the entry has: {have})",
                              key=True, field_name=_field(src, path + (name,)))
        return
    if v == "dependentRequired":
        for key, needs in error.validator_value.items():
            if key in inst:
                for name in needs:
                    if name not in inst:
                        yield src.problem(path + (key,), f"a file with `{key}` also needs `{name}`", key=True)
        return
    if v == "enum":
        yield src.problem(path, f"{_json(inst)} is not one of {', '.join(map(str, error.validator_value))}"
                                f"{_did_you_mean(inst, map(str, error.validator_value))}")
        return
    if v == "const":
        yield src.problem(path, f"must be {_json(error.validator_value)}, not {_json(inst)}")
        return
    if v == "type":
        want = error.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        yield src.problem(path, f"must be of type {want}, not {_kind(inst)} {_json(inst)}")
        return
    if v == "pattern":
        yield src.problem(path, f"{_json(inst)} does not match the required pattern {error.validator_value}"
                                + _pattern_hint(error.validator_value))
        return
    if v in ("minimum", "maximum"):
        yield src.problem(path, f"{_json(inst)} is not a valid HTTP status (100-599)"
                          if error.schema.get("maximum") == 599 else error.message)
        return
    if v == "minLength":
        yield src.problem(path, "must not be empty")
        return
    if v == "propertyNames":
        yield src.problem(path, f"invalid name: {error.message}")
        return
    yield src.problem(path, error.message)


def _pattern_hint(pattern: str) -> str:
    return {
        "^[a-z][a-z0-9_]*$": " (lower-case letters, digits and underscores, starting with a letter)",
        "\\S": " (must contain text)",
        "^xeroctl( [^ ]+)*$": " (a command starting with `xeroctl`, words separated by single spaces)",
    }.get(pattern, "")


def _field(src: SourceFile, path: tuple) -> str:
    return describe_path(src.data, path)


def _kind(value: Any) -> str:
    return {dict: "mapping", list: "list", str: "string", bool: "boolean", int: "integer",
            float: "number", type(None): "null"}.get(type(value), type(value).__name__)


def _json(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def schema_problems(src: SourceFile, schema: CatalogSchema) -> list[Problem]:
    if not isinstance(src.data, dict):
        return [src.problem((), f"a catalog file must be a mapping of fields, not {_kind(src.data)}",
                            field_name="(file)")]
    if schema.fast is not None:
        try:
            if schema.fast.is_valid(src.data):
                return []
        except Exception:  # a value jsonschema-rs cannot represent: let the Python validator judge
            pass
    problems: list[Problem] = []
    for error in schema.python.iter_errors(src.data):
        problems.extend(_schema_problems(src, error, schema.schema))
    return problems


# --------------------------------------------------------------------------- rules


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


def _words_regex(text: str) -> str:
    parts = []
    for lead, word in re.findall(r"(\s*)(\S+)", text):
        sep = " " if lead else ""
        parts.append(sep + (r"<[^<>\s]+>" if re.fullmatch(r"<[^>]+>", word) else re.escape(word)))
    return "".join(parts)


def _find_token(src: SourceFile, path: tuple, token: str) -> tuple[int, int]:
    """Line/column of `token` in the file at or after the value at `path` (folded text spans lines)."""
    line, col = src.pos(path)
    lines = src.text.splitlines()
    for i in range(line - 1, min(len(lines), line + 40)):
        start = col - 1 if i == line - 1 else 0
        j = lines[i].find(token, start)
        if j >= 0:
            return i + 1, j + 1
    return line, col


def _walk_strings(data: Any, path: tuple = (), key: Any = None) -> Iterator[tuple[tuple, Any, str]]:
    """Every string in the data with its path and the mapping key it sits under (one pass
    serves all the text rules; on a 10,000-code catalog each extra walk costs ~0.1 s)."""
    if isinstance(data, str):
        yield path, key, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from _walk_strings(v, path + (k,), k)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _walk_strings(v, path + (i,), None)


def _entries(data: Any, key: str) -> Iterator[tuple[int, dict]]:
    """The well-shaped mapping items of a list block; malformed ones already have schema problems."""
    items = data.get(key) if isinstance(data, dict) else None
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield i, item


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def rule_problems(files: list[SourceFile], catalog_dir_display: str, envelope_types: set[str],
                  complete: bool = True) -> list[Problem]:
    """Catalog-wide rules. Files may have schema problems: every rule looks only at the parts
    that are well-shaped, so one broken entry does not hide the problems of the others.

    ``complete`` is False when some file could not be parsed at all: then the codes and blocks it
    holds are unknown, and "not defined" / "not a code" would be false alarms, so those are skipped."""
    problems: list[Problem] = []
    files = [f for f in files if isinstance(f.data, dict)]

    # Each singleton block defined exactly once.
    where: dict[str, SourceFile] = {}
    for src in files:
        for key in SINGLETONS:
            if key in src.data:
                if key in where:
                    first = where[key]
                    fl, _ = first.pos((key,), key=True)
                    problems.append(src.problem((key,), f"`{key}` is already defined at {first.display}:{fl}; "
                                                        "define it in one file only", key=True, field_name=key))
                else:
                    where[key] = src
    anchor = where.get("sources") or (files[0] if files else None)
    for key in SINGLETONS:
        if key not in where and complete:
            problems.append(Problem(anchor.display if anchor else catalog_dir_display, 1, 1, key,
                                    f"no catalog file defines `{key}`; add it (usually to site.yaml or commands.yaml)"))

    def block(key: str) -> Any:
        return where[key].data[key] if key in where else None

    sources = set(block("sources")) if isinstance(block("sources"), dict) else None
    identifiers = {w for w in block("identifiers") or [] if isinstance(w, str)} \
        if isinstance(block("identifiers"), list) else None
    forms: list[tuple[str, re.Pattern[str]]] = []
    if "commands" in where:
        src = where["commands"]
        seen_forms: dict[str, int] = {}
        for i, c in _entries(src.data, "commands"):
            form = _str(c.get("form"))
            if form is None:
                continue
            if form in seen_forms:
                problems.append(src.problem(("commands", i, "form"),
                                            f"command form `{form}` is listed twice (first at line "
                                            f"{src.pos(('commands', seen_forms[form], 'form'))[0]})"))
            seen_forms.setdefault(form, i)
            forms.append((form, command_pattern(form)))

    # Codes and section ids unique; collect all codes.
    # One alternation of every form: a single regex match per diagnostic.
    registry = re.compile("|".join(f"(?:{rx.pattern})" for _, rx in forms)) if forms else None
    code_at: dict[str, tuple[SourceFile, tuple]] = {}
    section_at: dict[str, SourceFile] = {}
    for src in files:
        sec = src.data.get("section")
        if isinstance(sec, dict) and isinstance(sec.get("id"), str):
            if sec["id"] in section_at:
                other = section_at[sec["id"]]
                ol, oc = other.pos(("section", "id"))
                problems.append(src.problem(("section", "id"),
                                            f"section id `{sec['id']}` is already used at {other.display}:{ol}:{oc}"))
            else:
                section_at[sec["id"]] = src
        for i, entry in _entries(src.data, "codes"):
            code = _str(entry.get("code"))
            if code is None:
                continue
            if code in code_at:
                other, opath = code_at[code]
                ol, oc = other.pos(opath)
                problems.append(src.problem(("codes", i, "code"),
                                            f"duplicate code `{code}`: also defined at {other.display}:{ol}:{oc}"))
                ml, mc = src.pos(("codes", i, "code"))
                problems.append(other.problem(opath, f"duplicate code `{code}`: also defined at {src.display}:{ml}:{mc}"))
            else:
                code_at[code] = (src, ("codes", i, "code"))
    codes = set(code_at) if complete else None

    for src in files:
        # Diagnostics match the registry; statuses say when; deprecations point at real codes.
        for i, entry in _entries(src.data, "codes"):
            diag = entry.get("diagnostic")
            cmd = _str(diag.get("command")) if isinstance(diag, dict) else None
            if cmd and forms and cmd.startswith("xeroctl"):  # other text already fails the schema
                if not registry.fullmatch(cmd):
                    problems.append(src.problem(
                        ("codes", i, "diagnostic", "command"),
                        f"`{cmd}` matches no command form in the xeroctl registry"
                        f"{_did_you_mean(cmd, [f for f, _ in forms])} "
                        "(add a documented form to commands.yaml, or use `none: true`)"))
            http = entry.get("http")
            if isinstance(http, list) and all(isinstance(h, dict) for h in http):
                statuses = [h.get("status") for h in http]
                for j, h in enumerate(http):
                    if "status" not in h:
                        continue
                    if len(http) > 1 and "when" not in h:
                        problems.append(src.problem(("codes", i, "http", j), 
                                                    f"status {h['status']} needs `when`: with several statuses, "
                                                    "say which route or situation returns each"))
                    if statuses.count(h["status"]) > 1 and statuses.index(h["status"]) != j:
                        problems.append(src.problem(("codes", i, "http", j, "status"),
                                                    f"status {h['status']} is listed twice"))
            dep = entry.get("deprecated")
            if isinstance(dep, dict) and isinstance(dep.get("replacement"), str) and codes is not None:
                if dep["replacement"] == entry["code"]:
                    problems.append(src.problem(("codes", i, "deprecated", "replacement"),
                                                "a code cannot be its own replacement"))
                elif dep["replacement"] not in codes:
                    problems.append(src.problem(("codes", i, "deprecated", "replacement"),
                                                f"replacement `{dep['replacement']}` is not a code in the catalog"
                                                f"{_did_you_mean(dep['replacement'], codes)}"))
        # Envelope example names a real code.
        env = src.data.get("envelope")
        example_code = env.get("example", {}).get("code") if isinstance(env, dict) and \
            isinstance(env.get("example"), dict) else None
        if isinstance(example_code, str) and codes is not None and example_code not in codes:
            problems.append(src.problem(("envelope", "example", "code"),
                                        f"`{env['example']['code']}` is not a code in the catalog"
                                        f"{_did_you_mean(env['example']['code'], codes)}"))
        check_refs = identifiers is not None and codes is not None
        for path, key, value in _walk_strings(src.data):
            # Placeholders left by `xemcat new`.
            if value.startswith("TODO"):
                problems.append(src.problem(path, "unfinished: replace the TODO placeholder"))
            # Sources exist.
            if key == "source" and sources is not None and value not in sources:
                problems.append(src.problem(path, f"unknown source `{value}`{_did_you_mean(value, sources)} "
                                                  f"(known: {', '.join(sorted(sources))})"))
            # Backticked code references exist.
            if key in TEXT_KEYS and check_refs and "`" in value:
                for m in CODE_REF.finditer(value):
                    word = m.group(1)
                    if word in codes or word in identifiers or word in envelope_types:
                        continue
                    line, col = _find_token(src, path, f"`{word}`")
                    problems.append(Problem(src.display, line, col, _field(src, path),
                                            f"`{word}` is not a code in the catalog"
                                            f"{_did_you_mean(word, codes)} (if it is not an error code, "
                                            "add it to `identifiers` in site.yaml)"))
    return problems
