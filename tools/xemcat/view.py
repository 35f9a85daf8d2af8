"""Everything the outputs need beyond the model, computed once per catalog.

The pages (through the templates), `catalog.json`, `lookup.json` (the look-up box), `explain`
and `coverage` read these values; none of them derives its own. As PostgreSQL's errcodes.txt
feeds its generators: one table in, every consumer reads the same derived facts.

* a code's facts as shown: each status with its scope, the type, the retry flag, and one line
  of all three; the filter tokens and their labels;
* command <-> codes: the registry form each diagnostic is an instance of, the codes each form
  diagnoses, the codes without a diagnostic;
* codes by envelope type;
* search texts and titles for a code's anchors;
* the lifecycle events of every code (added, renamed, deprecated, removed), newest first: the
  Changes page and its Atom feed.
The look-up index that lookup.json publishes is built from these by lookup.index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from . import phrases, text
from .coverage import coverage
from .model import Catalog, CommandForm, ErrorCode, Fact, HttpStatus
from .vocabulary import matching_form

UNKNOWN_TOKEN = "unknown"  # the filter's token for a fact no source states


def scoped(value: str, scope: str | None) -> str:
    """A value documented for another surface names it: "404 (inference API)"."""
    return phrases.SCOPED.format(value=value, scope=scope) if scope else value


@dataclass(frozen=True)
class CodeView:
    """One code as every output shows it."""

    entry: ErrorCode
    statuses: tuple[str, ...]  # each documented status with its scope, e.g. "404 (inference API)"
    http_label: str  # the statuses joined, or "not documented"
    type_label: str
    retryable_label: str
    facts_line: str  # "HTTP 404 · type invalid_request_error · retryable No"
    form: CommandForm | None  # the registry form its diagnostic command is an instance of
    filter_tokens: dict[str, str]  # data-* values of the Error Codes filter (space-separated tokens)
    search_text: Markup  # what a site search indexes under the code's Troubleshooting row
    search_title: Markup  # the code's search-result title: the code, then its statuses


@dataclass(frozen=True)
class Event:
    """Something that happened to a code, on a date the catalog records."""

    date: str  # YYYY-MM-DD
    kind: str  # added | renamed | deprecated | removed (phrases.EVENTS)
    code: str
    summary: str  # one plain line: what happened

    @property
    def anchor(self) -> str:
        """Its id on the Changes page (and the feed entry's fragment)."""
        return f"{self.date}-{self.kind}-{self.code}"


def events(catalog: Catalog) -> tuple[Event, ...]:
    """Every dated lifecycle event of the catalog, newest first (then by code)."""
    out = []
    for c in catalog.codes:
        if c.added:
            out.append(Event(c.added, "added", c.code, phrases.EVENTS["added"].format(code=c.code)))
        for f in c.former_names:
            out.append(Event(f.renamed, "renamed", c.code, phrases.EVENTS["renamed"].format(code=c.code, old=f.name)))
        if c.deprecated:
            out.append(Event(c.deprecated.since, "deprecated", c.code, phrases.EVENTS["deprecated"].format(code=c.code)))
        if c.removed:
            out.append(Event(c.removed.date, "removed", c.code, phrases.EVENTS["removed"].format(code=c.code)))
    order = {"removed": 0, "deprecated": 1, "renamed": 2, "added": 3}
    return tuple(sorted(out, key=lambda e: (tuple(-int(x) for x in e.date.split("-")), order[e.kind], e.code)))


@dataclass(frozen=True)
class View:
    """The derived facts of one catalog (see the module docstring)."""

    catalog: Catalog
    codes: dict[str, CodeView]
    codes_by_type: dict[str, tuple[ErrorCode, ...]]
    diagnosed_by: dict[str, tuple[ErrorCode, ...]]  # registry form -> the codes it diagnoses
    no_diagnostic: tuple[ErrorCode, ...]
    events: tuple[Event, ...]  # lifecycle events, newest first
    filter_options: dict[str, list[tuple[str, str]]]  # filter -> (token, label) in display order
    coverage: dict[str, Any]


def _status_label(h: HttpStatus, catalog: Catalog) -> str:
    """A status as shown: with the surface it is documented for, when that is not the router."""
    return scoped(str(h.status), catalog.scope(h.source))


def _fact_label(fact: Fact, catalog: Catalog) -> str:
    if not fact.known:
        return phrases.NOT_DOCUMENTED
    value = fact.value if isinstance(fact.value, str) else (phrases.YES if fact.value else phrases.NO)
    return scoped(value, catalog.scope(fact.source))


def _token(h: HttpStatus, catalog: Catalog) -> str:
    """A status as a filter token: a status documented for another surface is its own token
    (`404@inference-API`), so the filter never mixes it with the router's own statuses."""
    scope = catalog.scope(h.source)
    return f"{h.status}@{scope.replace(' ', '-')}" if scope else str(h.status)


def _code_view(entry: ErrorCode, catalog: Catalog, forms: tuple[str, ...]) -> CodeView:
    statuses = tuple(_status_label(h, catalog) for h in entry.http)
    http_label = " / ".join(statuses) or phrases.NOT_DOCUMENTED
    type_label, retryable_label = _fact_label(entry.type, catalog), _fact_label(entry.retryable, catalog)
    form = matching_form(entry.diagnostic.command, forms)
    command = next((c for c in catalog.commands if c.form == form), None)
    return CodeView(
        entry=entry, statuses=statuses, http_label=http_label, type_label=type_label,
        retryable_label=retryable_label,
        facts_line=" · ".join((phrases.FACT_HTTP.format(value=http_label), phrases.FACT_TYPE.format(value=type_label),
                               phrases.FACT_RETRYABLE.format(value=retryable_label))),
        form=command,
        filter_tokens={
            "http": " ".join(_token(h, catalog) for h in entry.http) or UNKNOWN_TOKEN,
            "retryable": ("yes" if entry.retryable.value else "no") if entry.retryable.known else UNKNOWN_TOKEN,
            "type": entry.type.value if entry.type.known else UNKNOWN_TOKEN,
        },
        search_text=_search_text(entry, command),
        search_title=Markup(f"<code>{entry.code}</code>"
                            + (f" · HTTP {' / '.join(str(h.status) for h in entry.http)}" if entry.http else "")),
    )


def _search_text(entry: ErrorCode, command: CommandForm | None) -> Markup:
    """A row's search text: what it means, what to do, the diagnostic and its caveat, and the
    example message, so a message copied from a log finds the row that says what to do."""
    parts = [f"{text.search_html(entry.description)} {text.search_html(entry.action)}"]
    if entry.diagnostic.command:
        parts.append(f"<pre><code>{text.escape(entry.diagnostic.command)}</code></pre>")
        if command and command.note:
            parts.append(f"<p>{phrases.CAVEAT} {text.search_html(command.note)}</p>")
    else:
        parts.append(text.search_html(entry.diagnostic.text))
    parts.append(f"<p>Example message: {text.escape(entry.example_message)}</p>")
    return Markup(" ".join(parts))


def _options(codes: list[CodeView], kind: str, labels: dict[str, str]) -> list[tuple[str, str]]:
    tokens = sorted({t for c in codes for t in c.filter_tokens[kind].split()},
                    key=lambda t: (t == UNKNOWN_TOKEN, t))
    return [(t, labels.get(t, t)) for t in tokens]


_last: list[View] = []  # the pages, catalog.json and lookup.json of one build share one view


def view(catalog: Catalog) -> View:
    """The derived facts of ``catalog`` (computed once for the catalog last asked about)."""
    if _last and _last[0].catalog is catalog:
        return _last[0]
    _last[:] = [_compute(catalog)]
    return _last[0]


def _compute(catalog: Catalog) -> View:
    forms = tuple(c.form for c in catalog.commands)
    codes = {c.code: _code_view(c, catalog, forms) for c in catalog.codes}
    by_type: dict[str, list[ErrorCode]] = {}
    diagnosed_by: dict[str, list[ErrorCode]] = {form: [] for form in forms}
    for c in catalog.codes:
        if c.type.known:
            by_type.setdefault(c.type.value, []).append(c)
        if codes[c.code].form:
            diagnosed_by[codes[c.code].form.form].append(c)
    labels = {_token(h, catalog): _status_label(h, catalog) for c in catalog.codes for h in c.http}
    unknown = {UNKNOWN_TOKEN: phrases.NOT_DOCUMENTED}
    views = list(codes.values())
    return View(
        catalog=catalog, codes=codes,
        codes_by_type={k: tuple(v) for k, v in by_type.items()},
        diagnosed_by={k: tuple(v) for k, v in diagnosed_by.items()},
        no_diagnostic=tuple(c for c in catalog.codes if not c.diagnostic.command),
        events=events(catalog),
        filter_options={"http": _options(views, "http", {**labels, **unknown}),
                        "retryable": _options(views, "retryable", {"yes": phrases.YES, "no": phrases.NO, **unknown}),
                        "type": _options(views, "type", unknown)},
        coverage=coverage(catalog),
    )
