"""The shipped catalog against its sources: the seed page and the reference facts.

The expected values here are transcribed from the seed page (shared/seed) and the reference
fact sheet, not from the catalog, so a catalog edit that drops or alters a fact fails.
"""

from __future__ import annotations

import pytest

# (section title, code, diagnostic) exactly as the seed Troubleshooting page gives them.
SEED = [
    ("Scope & Auth", "scope_insufficient", "xeroctl keys"),
    ("Scope & Auth", "cross_project_access", "xeroctl keys <key-id>"),
    ("Scope & Auth", "project_not_found", "xeroctl project members list"),
    ("Scope & Auth", "signing_public_key_required", "xeroctl keys <key-id>"),
    ("Scope & Auth", "insufficient_quota", "xeroctl settings get"),
    ("Scope & Auth", "billing_delinquent", "xeroctl settings get"),
    ("Agents", "agent_not_found", "xeroctl agents"),
    ("Agents", "candidate_not_found", "xeroctl agents candidates list <agent-id>"),
    ("Workspaces & Models", "workspace_not_found", "xeroctl workspaces list"),
    ("Workspaces & Models", "model_not_found", "xeroctl models"),
    ("Workspaces & Models", "endpoint_inactive", "xeroctl endpoints show <endpoint-id>"),
    ("Workspaces & Models", "endpoint_restricted", "xeroctl endpoints show <endpoint-id>"),
    ("Workspaces & Models", "endpoint_task_mode_mismatch", "xeroctl endpoints show <endpoint-id>"),
    ("Workspaces & Models", "model_not_scoring", "xeroctl endpoints list"),
    ("Workspaces & Models", "invalid_tier", "xeroctl endpoints show <endpoint-id>"),
    ("Execution", "exec_tool_not_found", "xeroctl exec tools"),
    ("Execution", "tool_not_mcp_visible", "xeroctl exec tool-show <tool>"),
    ("Execution", "tool_executor_unavailable", "xeroctl agents"),
    ("Execution", "capacity_exceeded", "xeroctl exec list"),
    ("Execution", "rate_limit_exceeded", "xeroctl settings get"),
    ("Execution", "context_length_exceeded", "xeroctl models"),
    ("Approvals", "approval_not_found", "xeroctl approvals list"),
    ("Approvals", "approval_not_pending", "xeroctl approvals show <id>"),
    ("Lifecycle", "invocation_not_found", "xeroctl exec list"),
    ("Lifecycle", "invocation_terminal", "xeroctl exec show <id>"),
    ("Lifecycle", "internal_error", "(no dedicated diagnostic; provide the x-request-id header value)"),
]
SEED_SECTIONS = ["Scope & Auth", "Agents", "Workspaces & Models", "Execution", "Approvals", "Lifecycle"]

# Facts the reference sheet states from the Error Codes page (EC) for the Exec Invocations rows.
EC_FACTS = {
    "invalid_body": ([400], False),
    "exec_tool_not_found": ([400, 404], False),
    "tool_not_mcp_visible": ([400], False),
    "tool_executor_unavailable": ([503], True),
}


def test_every_seed_code_is_in_its_seed_section_with_the_seed_diagnostic(catalog):
    for section_title, code, diagnostic in SEED:
        entry = catalog.by_code.get(code)
        assert entry is not None, f"seed code {code} missing from the catalog"
        section = next(s for s in catalog.sections if s.id == entry.section_id)
        assert section.title == section_title, code
        assert entry.diagnostic.text == diagnostic, code


def test_sections_follow_the_seed_order(catalog):
    assert [s.title for s in catalog.sections] == SEED_SECTIONS


def test_the_seed_section_notes_are_kept(catalog):
    notes = {s.title: s.note or "" for s in catalog.sections}
    for word in ("ManagementScopeMiddleware", "InferenceScopeMiddleware", "ExecScopeValidator", "authentication_error"):
        assert word in notes["Scope & Auth"]
    for word in ("/v1/enroll/refresh", "exec_tool_not_found", "tool_executor_unavailable", "xeroctl agents"):
        assert word in notes["Agents"]


def test_catalog_holds_seed_codes_plus_invalid_body_and_nothing_else(catalog):
    assert sorted(c.code for c in catalog.codes) == sorted([c for _, c, _ in SEED] + ["invalid_body"])


@pytest.mark.parametrize("code", sorted(EC_FACTS))
def test_error_codes_page_facts(catalog, code):
    statuses, retryable = EC_FACTS[code]
    entry = catalog.by_code[code]
    assert [h.status for h in entry.http] == statuses
    assert all(h.source == "error-codes" for h in entry.http)
    assert entry.retryable.value is retryable and entry.retryable.source == "error-codes"
    if len(statuses) > 1:
        assert all(h.when for h in entry.http), "several statuses must each say when"


def test_facts_not_stated_anywhere_stay_unknown(catalog):
    # The reference sheet states no HTTP status, retry flag or type for these codes.
    for code in ("cross_project_access", "billing_delinquent", "approval_not_found", "invocation_terminal",
                 "internal_error", "context_length_exceeded"):
        entry = catalog.by_code[code]
        assert entry.http == () and not entry.retryable.known and not entry.type.known, code
    # rate_limit_exceeded: no public page ties the code to a status.
    assert catalog.by_code["rate_limit_exceeded"].http == ()


def test_every_diagnostic_is_a_registered_command(catalog):
    from xemcat.vocabulary import command_pattern
    patterns = [command_pattern(c.form) for c in catalog.commands]
    for entry in catalog.codes:
        if entry.diagnostic.command:
            assert any(p.fullmatch(entry.diagnostic.command) for p in patterns), entry.code


def test_every_known_fact_names_a_listed_source(catalog):
    for entry in catalog.codes:
        for fact_source in [h.source for h in entry.http] + [entry.retryable.source, entry.type.source]:
            assert fact_source is None or fact_source in catalog.sources, entry.code


def test_page_level_facts(catalog):
    assert catalog.correlation_header["name"].lower() == "x-request-id"
    assert catalog.rate_limit_extras["status"] == 429
    names = [f["name"] for f in catalog.rate_limit_extras["fields"]]
    assert names == ["retry_after", "retry_strategy"]
    members = [m["name"] for m in catalog.rate_limit_extras["fields"][1]["members"]]
    assert members == ["type", "initial_delay_ms", "max_delay_ms", "multiplier", "jitter"]
    assert catalog.rate_limit_extras["header"]["name"] == "Retry-After"
    assert [f["name"] for f in catalog.envelope["fields"]] == ["message", "type", "code", "param"]
    assert {t.type for t in catalog.envelope_types} >= {"invalid_request_error", "authentication_error"}
