"""The validated catalog as typed objects. Built only from data that passed validation."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from . import phrases

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Source:
    """A public page the catalog's facts come from (catalog/site.yaml `sources`)."""

    id: str
    title: str
    url: str
    scope: str | None = None  # the surface the page documents, when it is not the XEM router


@dataclass(frozen=True)
class HttpStatus:
    """An HTTP status a source documents for a code, and `when` it is sent if there are several."""

    status: int
    source: str
    when: str | None = None


@dataclass(frozen=True)
class Fact:
    """A sourced fact (retryable flag, envelope type). ``value is None`` means not documented."""

    value: Any = None
    source: str | None = None
    note: str | None = None

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Diagnostic:
    """The xeroctl command that diagnoses a code further, or the explicit "no dedicated diagnostic"."""

    command: str | None = None  # None: the explicit "(no dedicated diagnostic)" marker
    note: str | None = None

    @property
    def text(self) -> str:
        if self.command:
            return self.command
        return phrases.NO_DIAGNOSTIC_BECAUSE.format(note=self.note) if self.note else phrases.NO_DIAGNOSTIC


@dataclass(frozen=True)
class Deprecation:
    """Why and since when a code is deprecated, and the code that replaces it, if any."""

    since: str
    reason: str
    replacement: str | None = None


@dataclass(frozen=True)
class Removal:
    """A tombstone: when the router stopped sending a code, why, and what clients get instead."""

    date: str
    reason: str
    replacement: str | None = None


@dataclass(frozen=True)
class Rename:
    """A name the code had before, and when it was renamed."""

    name: str
    renamed: str


@dataclass(frozen=True)
class ErrorCode:
    """One `error.code` value: its facts, the operator's next action, its diagnostic and example."""

    code: str
    section_id: str
    description: str
    http: tuple[HttpStatus, ...]  # empty: not documented
    retryable: Fact
    type: Fact
    action: str
    diagnostic: Diagnostic
    example_message: str
    example_param: str | None
    deprecated: Deprecation | None = None
    removed: Removal | None = None
    former_names: tuple[Rename, ...] = ()
    # Optional plain fields: declared here with a None default and in schema.json, they are read
    # from the YAML by name and take part in `check`'s template sample (see optional_fields).
    error_codes_section: str | None = None
    added: str | None = None  # date the catalog first documented the code

    def envelope(self) -> dict[str, Any]:
        """The example JSON envelope. An undocumented type is left out rather than shown as a
        placeholder that reads like a value; the page says so next to the example."""
        error = {"message": self.example_message, "type": self.type.value, "code": self.code,
                 "param": self.example_param}
        if not self.type.known:
            del error["type"]
        return {"error": error}

    @property
    def documented(self) -> dict[str, bool]:
        """Which kinds of fact (phrases.FACT_NAMES) a source documents for this code."""
        return {"http": bool(self.http), "type": self.type.known, "retryable": self.retryable.known}

    @property
    def unknown_facts(self) -> list[str]:
        """Names of the facts no source documents for this code, in the pages' order."""
        return [phrases.FACT_NAMES[kind] for kind, known in self.documented.items() if not known]


@dataclass(frozen=True)
class Section:
    """A group of codes as Troubleshooting shows them (one file under catalog/sections/)."""

    id: str
    title: str
    note: str | None
    codes: tuple[ErrorCode, ...]


@dataclass(frozen=True)
class CommandForm:
    """A form of the xeroctl registry (catalog/commands.yaml): what it shows and how we know it exists."""

    form: str
    shows: str
    evidence: str
    source: str
    note: str | None = None


@dataclass(frozen=True)
class EnvelopeType:
    """An envelope `type` value: its status, and what to do when a response of it has no `code`."""

    type: str
    http: tuple[HttpStatus, ...]
    source: str
    when_code_missing: str
    advice_basis: str = "general"  # a source id, or "general": guidance no source states

    @property
    def general_advice(self) -> bool:
        return self.advice_basis == "general"


@dataclass(frozen=True)
class Catalog:
    """The whole validated catalog: sections of codes plus the page-level facts and the command registry."""

    sections: tuple[Section, ...]
    sources: dict[str, Source]
    identifiers: tuple[str, ...]
    envelope: dict[str, Any]
    correlation_header: dict[str, Any]
    rate_limit_extras: dict[str, Any]
    envelope_types: tuple[EnvelopeType, ...]
    commands: tuple[CommandForm, ...]
    by_code: dict[str, ErrorCode] = field(default_factory=dict)

    @property
    def codes(self) -> list[ErrorCode]:
        return [c for s in self.sections for c in s.codes]

    @property
    def former_names(self) -> dict[str, str]:
        """Each former name of a code -> the code's name now."""
        return {f.name: c.code for c in self.codes for f in c.former_names}

    def scope(self, source_id: str | None) -> str | None:
        """The other surface a fact from this source is documented for (e.g. "inference API"),
        or None for the router's own pages and for undocumented facts."""
        return self.sources[source_id].scope if source_id in self.sources else None


# The ErrorCode attributes build_catalog builds from nested YAML; every other one is an optional
# plain field of the entry, read by its name.
_BUILT = frozenset({"code", "section_id", "description", "http", "retryable", "type", "action", "diagnostic",
                    "example_message", "example_param", "deprecated", "removed", "former_names"})


def optional_fields() -> tuple[str, ...]:
    """The optional plain fields of a code entry (the recipe for adding one: Contributing page)."""
    return tuple(f.name for f in fields(ErrorCode) if f.name not in _BUILT)


def _http(raw: Any) -> tuple[HttpStatus, ...]:
    if raw == UNKNOWN:
        return ()
    return tuple(HttpStatus(h["status"], h["source"], h.get("when")) for h in raw)


def _fact(raw: Any) -> Fact:
    if raw == UNKNOWN:
        return Fact()
    return Fact(raw["value"], raw["source"], raw.get("note"))


def build_catalog(blocks: dict[str, Any], section_files: list[dict[str, Any]]) -> Catalog:
    """Build the model from validated data: singleton blocks and section files in page order."""
    sections = []
    for data in section_files:
        sec = data["section"]
        codes = []
        for e in data["codes"]:
            diag = e["diagnostic"]
            dep = e.get("deprecated")
            codes.append(ErrorCode(
                code=e["code"], section_id=sec["id"], description=e["description"],
                http=_http(e["http"]), retryable=_fact(e["retryable"]), type=_fact(e["type"]),
                action=e["action"],
                diagnostic=Diagnostic(diag.get("command"), diag.get("note")),
                example_message=e["example"]["message"], example_param=e["example"]["param"],
                deprecated=Deprecation(dep["since"], dep["reason"], dep.get("replacement")) if dep else None,
                removed=Removal(e["removed"]["date"], e["removed"]["reason"], e["removed"].get("replacement"))
                if "removed" in e else None,
                former_names=tuple(Rename(f["name"], f["renamed"]) for f in e.get("former_names", ())),
                **{name: e.get(name) for name in optional_fields()},
            ))
        sections.append(Section(sec["id"], sec["title"], sec.get("note"), tuple(codes)))
    catalog = Catalog(
        sections=tuple(sections),
        sources={k: Source(k, v["title"], v["url"], v.get("scope")) for k, v in blocks["sources"].items()},
        identifiers=tuple(blocks["identifiers"]),
        envelope=blocks["envelope"],
        correlation_header=blocks["correlation_header"],
        rate_limit_extras=blocks["rate_limit_extras"],
        envelope_types=tuple(EnvelopeType(t["type"], _http(t["http"]), t["source"], t["when_code_missing"],
                                          t["advice_basis"]) for t in blocks["envelope_types"]),
        commands=tuple(CommandForm(c["form"], c["shows"], c["evidence"], c["source"], c.get("note"))
                       for c in blocks["commands"]),
    )
    catalog.by_code.update({c.code: c for c in catalog.codes})
    return catalog
