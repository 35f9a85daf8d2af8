"""One test per validation rule: break a copy of the catalog, run `xemcat check` as writers do,
and assert the report names the file, the line and the field, with exit status 1."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import edit, xemcat

LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<field>[^:]+): (?P<msg>.+)$")


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    hits = [i + 1 for i, line in enumerate(path.read_text().splitlines()) if needle in line]
    return hits[nth - 1]


def check(project: Path, *args: str):
    result = xemcat("--catalog", "catalog", "check", *args, cwd=project)
    assert "Traceback" not in result.stderr + result.stdout
    problems = [LINE.match(l) for l in result.stdout.splitlines() if l.strip()]
    assert all(problems), f"malformed problem line in:\n{result.stdout}"
    return result, problems


def only(problems, file_suffix: str, field: str):
    hits = [p for p in problems if p["file"].endswith(file_suffix) and p["field"] == field]
    assert hits, f"no problem for {field} in {file_suffix}: {[p.group(0) for p in problems]}"
    return hits[0]


def test_shipped_catalog_is_clean(project):
    result, problems = check(project)
    assert result.returncode == 0 and problems == []


def test_yaml_syntax_error(project):
    f = project / "catalog/sections/02-agents.yaml"
    edit(f, "    http: unknown\n", "    http: [unknown\n")
    result, problems = check(project)
    assert result.returncode == 1
    p = only(problems, "02-agents.yaml", "(yaml)")
    assert "YAML syntax error" in p["msg"]
    assert abs(int(p["line"]) - line_of(f, "http: [unknown")) <= 2


def test_duplicate_key(project):
    f = project / "catalog/sections/05-approvals.yaml"
    edit(f, "    retryable: unknown\n", "    retryable: unknown\n    retryable: unknown\n")
    result, problems = check(project)
    assert result.returncode == 1
    p = only(problems, "05-approvals.yaml", "codes.approval_not_found.retryable")
    assert int(p["line"]) == line_of(f, "retryable: unknown", 2)
    assert "duplicate key `retryable`" in p["msg"] and f"line {line_of(f, 'retryable: unknown')}" in p["msg"]


def test_missing_field_names_fields_present(project):
    f = project / "catalog/sections/06-lifecycle.yaml"
    text = f.read_text()
    f.write_text(text.replace("      Check the invocation ID and whether it is older than the retention window.\n", "")
                 .replace("    action: >-\n    diagnostic:\n      command: xeroctl exec list", "    diagnostic:\n      command: xeroctl exec list", 1))
    result, problems = check(project)
    assert result.returncode == 1
    p = only(problems, "06-lifecycle.yaml", "codes.invocation_not_found.action")
    assert "missing required field `action`" in p["msg"] and "description" in p["msg"]
    assert int(p["line"]) == line_of(f, "- code: invocation_not_found")


def test_missing_diagnostic_is_an_error(project):
    f = project / "catalog/sections/05-approvals.yaml"
    edit(f, "    diagnostic:\n      command: xeroctl approvals list\n", "")
    result, problems = check(project)
    assert result.returncode == 1
    p = only(problems, "05-approvals.yaml", "codes.approval_not_found.diagnostic")
    assert "missing required field `diagnostic`" in p["msg"]


def test_unknown_field_suggests_the_right_one(project):
    f = project / "catalog/sections/05-approvals.yaml"
    edit(f, "    action: >-\n      List the current", "    acton: >-\n      List the current")
    result, problems = check(project)
    p = only(problems, "05-approvals.yaml", "codes.approval_not_found.acton")
    assert "unknown field `acton`" in p["msg"] and "did you mean `action`" in p["msg"]
    assert int(p["line"]) == line_of(f, "acton:")


def test_wrong_type(project):
    f = project / "catalog/sections/04-execution.yaml"
    edit(f, "      - status: 503\n", "      - status: \"503\"\n")
    result, problems = check(project)
    p = only(problems, "04-execution.yaml", "codes.tool_executor_unavailable.http[0].status")
    assert "must be of type integer" in p["msg"]
    assert int(p["line"]) == line_of(f, 'status: "503"')


def test_http_status_out_of_range(project):
    f = project / "catalog/sections/04-execution.yaml"
    edit(f, "      - status: 503\n", "      - status: 700\n")
    result, problems = check(project)
    p = only(problems, "04-execution.yaml", "codes.tool_executor_unavailable.http[0].status")
    assert "100-599" in p["msg"]


def test_unknown_envelope_type_suggests_nearest(project):
    f = project / "catalog/sections/01-scope-auth.yaml"
    edit(f, "value: authentication_error", "value: authentcation_error")
    result, problems = check(project)
    p = only(problems, "01-scope-auth.yaml", "codes.scope_insufficient.type.value")
    assert "did you mean `authentication_error`" in p["msg"]
    assert int(p["line"]) == line_of(f, "authentcation_error")


def test_bad_code_pattern(project):
    f = project / "catalog/sections/05-approvals.yaml"
    edit(f, "- code: approval_not_found", "- code: Approval-Not-Found")
    result, problems = check(project)
    p = only(problems, "05-approvals.yaml", "codes.Approval-Not-Found.code")
    assert p["msg"] == '"Approval-Not-Found" is not valid here: lower-case letters, digits and _, starting with a letter'


def test_duplicate_code_names_both_places(project):
    f = project / "catalog/sections/06-lifecycle.yaml"
    edit(f, "- code: invocation_terminal", "- code: approval_not_found")
    result, problems = check(project)
    assert result.returncode == 1
    here = only(problems, "06-lifecycle.yaml", "codes.approval_not_found.code")
    assert "05-approvals.yaml:" in here["msg"] and int(here["line"]) == line_of(f, "- code: approval_not_found")
    there = only(problems, "05-approvals.yaml", "codes.approval_not_found.code")
    assert "06-lifecycle.yaml:" in there["msg"]


def test_duplicate_section_id(project):
    f = project / "catalog/sections/06-lifecycle.yaml"
    edit(f, "  id: lifecycle", "  id: approvals")
    result, problems = check(project)
    p = only(problems, "06-lifecycle.yaml", "section.id")
    assert "already used" in p["msg"] and "05-approvals.yaml" in p["msg"]


def test_invented_xeroctl_command(project):
    f = project / "catalog/sections/02-agents.yaml"
    edit(f, "command: xeroctl agents\n", "command: xeroctl agents doctor\n")
    result, problems = check(project)
    p = only(problems, "02-agents.yaml", "codes.agent_not_found.diagnostic.command")
    assert "matches no command form" in p["msg"] and "did you mean" in p["msg"]
    assert int(p["line"]) == line_of(f, "xeroctl agents doctor")


def test_dangling_code_reference(project):
    f = project / "catalog/sections/02-agents.yaml"
    edit(f, "`exec_tool_not_found` or", "`exec_tool_not_fund` or")
    result, problems = check(project)
    p = only(problems, "02-agents.yaml", "section.note")
    assert "`exec_tool_not_fund` is not a code" in p["msg"] and "did you mean `exec_tool_not_found`" in p["msg"]
    line = line_of(f, "exec_tool_not_fund")
    assert int(p["line"]) == line
    assert int(p["col"]) == f.read_text().splitlines()[line - 1].index("`exec_tool_not_fund`") + 1


def test_unknown_source(project):
    f = project / "catalog/sections/04-execution.yaml"
    edit(f, "      - status: 503\n        source: error-codes", "      - status: 503\n        source: error-code")
    result, problems = check(project)
    p = only(problems, "04-execution.yaml", "codes.tool_executor_unavailable.http[0].source")
    assert "unknown source `error-code`" in p["msg"]


def test_several_statuses_need_when(project):
    f = project / "catalog/sections/04-execution.yaml"
    edit(f, "        when: The tool is read through the tools-catalog route.\n", "")
    result, problems = check(project)
    p = only(problems, "04-execution.yaml", "codes.exec_tool_not_found.http[1]")
    assert "needs `when`" in p["msg"]


def test_diagnostic_must_be_command_or_marker(project):
    f = project / "catalog/sections/06-lifecycle.yaml"
    edit(f, "      none: true\n", "      none: false\n")
    result, problems = check(project)
    p = only(problems, "06-lifecycle.yaml", "codes.internal_error.diagnostic.none")
    assert "must be true" in p["msg"]


def test_all_problems_reported_at_once(project):
    edit(project / "catalog/sections/02-agents.yaml", "command: xeroctl agents\n", "command: xeroctl agents doctor\n")
    edit(project / "catalog/sections/05-approvals.yaml", "    action: >-\n      List", "    acton: >-\n      List")
    edit(project / "catalog/sections/01-scope-auth.yaml", "value: authentication_error", "value: authn")
    result, problems = check(project)
    files = {Path(p["file"]).name for p in problems}
    assert files == {"02-agents.yaml", "05-approvals.yaml", "01-scope-auth.yaml"}


def test_github_and_json_formats(project):
    edit(project / "catalog/sections/02-agents.yaml", "command: xeroctl agents\n", "command: xeroctl agents doctor\n")
    gh = xemcat("--catalog", "catalog", "check", "--format", "github", cwd=project)
    assert gh.returncode == 1
    assert re.match(r"^::error file=catalog/sections/02-agents\.yaml,line=\d+,col=\d+::codes\.agent_not_found", gh.stdout)
    js = xemcat("--catalog", "catalog", "check", "--format", "json", cwd=project)
    data = json.loads(js.stdout)
    assert js.returncode == 1 and data[0]["file"].endswith("02-agents.yaml") and data[0]["line"] > 1


def test_github_format_is_automatic_under_actions(project):
    from conftest import ENV
    edit(project / "catalog/sections/02-agents.yaml", "command: xeroctl agents\n", "command: xeroctl agents doctor\n")
    result = xemcat("--catalog", "catalog", "check", cwd=project, env={**ENV, "GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("::error file=")


def test_usage_errors_exit_2(project):
    assert xemcat("check", "--format", "xml", cwd=project).returncode == 2
    assert xemcat("frobnicate", cwd=project).returncode == 2


def test_missing_catalog_is_one_problem_line(project):
    result = xemcat("--catalog", "nowhere", "check", cwd=project)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "nowhere:1:1: (catalog): catalog directory not found (run from the project root, or pass --catalog)"]


def test_a_status_listed_twice_in_one_code_is_refused(project):
    f = project / "catalog/sections/04-execution.yaml"
    edit(f, "      - status: 404\n        when: The tool is read through the tools-catalog route.",
         "      - status: 400\n        when: The tool is read through the tools-catalog route.")
    result, problems = check(project)
    assert result.returncode == 1
    assert any(p["file"].endswith("04-execution.yaml") and p["msg"] == "status 400 is listed twice" for p in problems), \
        result.stdout


def test_a_line_separator_in_a_one_line_field_is_refused(project):
    edit(project / "catalog/sections/02-agents.yaml", "title: Agents", 'title: "Age\\u2028nts"')
    result, problems = check(project)
    assert result.returncode == 1 and any("U+2028" in p["msg"] for p in problems), result.stdout


def test_a_prose_link_to_a_missing_anchor_is_located_in_the_catalog(project):
    f = project / "catalog/sections/02-agents.yaml"
    edit(f, "is unknown, for example", "is [unknown](#tool_executor_unavialable), for example")
    result, problems = check(project)
    assert result.returncode == 1
    hit = [p for p in problems if "#tool_executor_unavialable" in p["msg"]]
    assert hit and hit[0]["file"].endswith("02-agents.yaml") and int(hit[0]["line"]) == line_of(f, "unavialable")
    assert "did you mean `tool_executor_unavailable`" in hit[0]["msg"]
    edit(f, "(#tool_executor_unavialable)", "(#request-id)")  # a page's own anchor is a fine target
    assert check(project)[0].returncode == 0


@pytest.mark.parametrize("value, said", [
    ("[a]", 'must be of type string, not list ["a"]'), ("{a: 1}", 'must be of type string, not mapping {"a": 1}'),
    ("3", "must be of type string, not integer 3"), ("true", "must be of type string, not boolean true"),
    ("null", "must be of type string, not null null"),
])
def test_a_wrong_type_is_named_in_the_catalogs_words(project, value, said):
    """YAML's words (mapping, list) and JSON's (integer, boolean, null), with the value as JSON."""
    edit(project / "catalog/sections/02-agents.yaml", "  title: Agents\n", f"  title: {value}\n")
    out = xemcat("--catalog", "catalog", "check", cwd=project).stdout
    assert f"catalog/sections/02-agents.yaml:4:10: section.title: {said}\n" in out, out


def test_a_field_with_two_allowed_types_names_both(project):
    f = project / "catalog/sections/04-execution.yaml"
    edit(f, "      message: 'The request body is not valid JSON: unexpected end of input.'\n      param: null\n",
         "      message: 'The request body is not valid JSON: unexpected end of input.'\n      param: [body]\n")
    out = xemcat("--catalog", "catalog", "check", cwd=project).stdout
    assert 'example.param: must be string or null, not list ["body"]' in out, out


@pytest.mark.parametrize("value", ["[]", "{a: 1}", "3", "null"])
def test_a_section_id_that_is_no_text_is_one_problem_not_a_crash(project, value):
    """Found by the property test: a list as section id crashed the former-names rule."""
    edit(project / "catalog/sections/01-scope-auth.yaml", "  id: scope-auth\n", f"  id: {value}\n")
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "catalog/sections/01-scope-auth.yaml:3:7: section.id: must be" in result.stdout, result.stdout


def test_a_quoted_value_is_json_as_written_and_cut_only_past_60_characters():
    """Problem messages quote the writer's value: non-ASCII as typed, a YAML date as its text,
    and a long value cut with `...` to keep the message on one line."""
    import datetime
    from xemcat.problems import shown_value
    assert shown_value("Zugriff verweigert: ä") == '"Zugriff verweigert: ä"'
    assert shown_value(datetime.date(2026, 11, 29)) == '"2026-11-29"'
    exactly = "x" * 58  # 60 characters with its quotes
    assert shown_value(exactly) == f'"{exactly}"'
    assert shown_value(exactly + "y") == f'"{exactly[:56]}...'
    assert len(shown_value("z" * 500)) == 60


AGENT = "    http: unknown\n    retryable: unknown\n    type: unknown\n    action: >-\n      Check the agent"


@pytest.mark.parametrize("old, new, said", [
    (AGENT, AGENT.replace("http: unknown", "http: 5"),
     "15:11: codes.agent_not_found.http: must be `unknown` or a list, not 5"),
    (AGENT, AGENT.replace("http: unknown", "http: []"), "15:11: codes.agent_not_found.http: must not be an empty list"),
    (AGENT, AGENT.replace("retryable: unknown", "retryable: {value: 'no', source: error-codes}"),
     '16:24: codes.agent_not_found.retryable.value: must be of type boolean, not string "no"'),
    # One of several shapes: the branch the writer meant is the one reported.
    (AGENT, AGENT.replace("retryable: unknown", "retryable: {value: true}"),
     "16:5: codes.agent_not_found.retryable.source: missing required field `source` (the entry has: value)"),
    # Two mappings that could fit, both failing as often: the one whose fields the entry uses.
    ("      command: xeroctl agents\n", "      none: false\n      note: 5\n",
     "22:13: codes.agent_not_found.diagnostic.none: must be true, not false"),
    (AGENT, AGENT.replace("type: unknown", "type: {value: nope, source: error-codes}"),
     '17:19: codes.agent_not_found.type.value: "nope" is not one of invalid_request_error, authentication_error, '
     "not_found_error, authorization_error, forbidden_error, validation_error, service_error, stream_error, "
     "internal_error, cancelled"),
    (AGENT, AGENT.replace("type: unknown", "type: nope"),
     '17:11: codes.agent_not_found.type: must be `unknown` or a mapping with `value`, `source`, not "nope"'),
    ("  title: Agents\n", '  title: "Age\\u2028nts"\n',
     "4:10: section.title: contains the control character U+2028 (Line Separator); this field is one line of plain text"),
    ("section:\n  id: agents\n  title: Agents\n", "sectio:\n  id: agents\n  title: Agents\n",
     "11:1: codes: a file with `codes` also needs `section`"),
    ("codes:\n  - code: agent_not_found\n", "codes:\n  - {}\n  - code: agent_not_found\n",
     "12:5: codes[0].code: missing required field `code` (the entry has: no fields)"),
    ("    description: The agent ID is unknown, for example because the agent was decommissioned.\n",
     '    description: "\\t"\n', '14:18: codes.agent_not_found.description: "\\t" is not valid here: must contain text'),
    ("      command: xeroctl agents\n", "      command: 'xeroctl  agents'\n",
     '22:16: codes.agent_not_found.diagnostic.command: "xeroctl  agents" is not valid here: a command starting '
     "with `xeroctl`, words separated by single spaces"),
])
def test_each_schema_failure_is_one_problem_in_the_writers_words(project, old, new, said):
    """What the schema refuses, said once, at the value, without JSON Schema's vocabulary."""
    edit(project / "catalog/sections/02-agents.yaml", old, new)
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    lines = result.stdout.splitlines()
    assert result.returncode == 1 and f"catalog/sections/02-agents.yaml:{said}" in lines, result.stdout
    place = ": ".join(said.split(": ")[:2]) + ": "
    if "xeroctl" not in said:  # a malformed command is also not in the registry: a second problem, its own
        assert sum(line.startswith(f"catalog/sections/02-agents.yaml:{place}") for line in lines) == 1, result.stdout
    else:  # and not safe to paste: said with what a command may hold
        assert (f"catalog/sections/02-agents.yaml:{place}`two spaces in a row` is not safe to paste into a shell: a "
                "command is words of letters, digits and `. _ / = -`, separated by single spaces, and placeholders "
                "like `<key-id>` (letters, digits, `-`, `_`)") in lines, result.stdout


def test_a_schema_keyword_without_a_worded_explanation_still_says_jsonschemas_words(project):
    """A keyword added to the schema before xemcat has words for it is reported, not dropped."""
    schema = project / "catalog/schema.json"
    data = json.loads(schema.read_text())
    data["$defs"]["errorCode"]["properties"]["code"]["maxLength"] = 5
    schema.write_text(json.dumps(data))
    out = xemcat("--catalog", "catalog", "check", cwd=project).stdout
    assert "codes.agent_not_found.code: 'agent_not_found' is too long" in out, out


def test_each_broken_anchor_link_is_reported_at_its_own_line_and_field(project):
    """The same typo in two neighbouring fields: each problem points at its own field's line,
    not at the first place the token appears."""
    f = project / "catalog/sections/02-agents.yaml"
    edit(f, "    description: The agent ID is unknown, for example because the agent was decommissioned.\n", "")
    edit(f, "    action: >-\n      Check the agent ID.",  # the description right above the action
         "    description: The agent ID is unknown ([see](#nope)).\n    action: >-\n      Check the agent ID ([see](#nope)).")
    text = f.read_text().splitlines()
    lines = [i + 1 for i, l in enumerate(text) if "(#nope)" in l]
    out = xemcat("--catalog", "catalog", "check", cwd=project).stdout.splitlines()
    said = [l for l in out if "link to `#nope`" in l]
    assert [(int(l.split(":")[1]), l.split(": ")[1]) for l in said] == [
        (lines[0], "codes.agent_not_found.description"), (lines[1], "codes.agent_not_found.action")], out


def test_a_command_form_listed_twice_is_reported_at_the_second_form(project):
    f = project / "catalog/commands.yaml"
    edit(f, "  - form: xeroctl keys <key-id> --rotate\n", "  - form: xeroctl keys  <key-id>\n")
    lines = f.read_text().splitlines()
    line = lines.index("  - form: xeroctl keys  <key-id>") + 1
    out = xemcat("--catalog", "catalog", "check", cwd=project).stdout
    said = [l for l in out.splitlines() if "is listed twice" in l]
    assert len(said) == 1 and said[0].startswith(f"catalog/commands.yaml:{line}:11: commands[2].form: command form "
                                                 "`xeroctl keys  <key-id>` is listed twice (as `xeroctl keys <key-id>` at "), out


def test_a_code_that_is_not_text_is_one_problem_not_a_crash(project):
    edit(project / "catalog/sections/02-agents.yaml", "  - code: agent_not_found\n", "  - code: [agent_not_found]\n")
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("catalog/sections/02-agents.yaml:12:11: codes[0].code: must be of type string, not list "
            '["agent_not_found"]') in result.stdout, result.stdout  # named by its place: it has no name


CODES = {"codes": [{"code": "agent_not_found", "type": "x_y", "http": [{"status": 404, "type": "foo"}],
                    "former_names": [{"name": "old_name"}], "bad": {"a b": 1}}, {"code": 5, "type": "x_y"}],
         "envelope_types": [{"type": "not_found_error"}]}


@pytest.mark.parametrize("path, named", [
    ((), "(file)"),
    (("codes", 0, "http", 0, "status"), "codes.agent_not_found.http[0].status"),
    # An HTTP entry's stray `type` is a field, not its name; a code's `type` is a fact, not its name.
    (("codes", 0, "http", 0, "type"), "codes.agent_not_found.http[0].type"),
    (("codes", 1, "code"), "codes[1].code"),
    (("codes", 0, "former_names", 0, "name"), "codes.agent_not_found.former_names[0].name"),
    (("envelope_types", 0), "envelope_types.not_found_error"),
    (("codes", 0, "bad", "a b"), 'codes.agent_not_found.bad."a b"'),
    (("codes", 7, "code"), "codes[7].code"),  # past the end: by its index
    ((0, "x"), "[0].x"),
])
def test_a_problem_names_its_field_by_the_entries_names(path, named):
    """Problems say `codes.agent_not_found.http[0]`, the way a writer finds the entry, not
    `codes/0/http/0`: an entry of a list whose entries have names is shown by its name."""
    from xemcat.loader import describe_path
    assert describe_path(CODES, path) == named


def test_of_several_shapes_one_the_value_cannot_have_is_not_the_one_explained(tmp_path):
    """`level` is a word from a list or a mapping; a writer who wrote a mapping meant the mapping,
    even when the word would be fewer problems: the mapping's problems are the ones said."""
    import json
    from xemcat.loader import load_text
    from xemcat.schema import CatalogSchema, schema_problems
    mapping = {"type": "object", "required": ["value"], "additionalProperties": False,
               "properties": {"value": {"type": "integer"}}}
    for words in ({"enum": ["low", "high"]}, {"const": "low"}, {"type": "string"}):
        (tmp_path / "schema.json").write_text(json.dumps(
            {"type": "object", "properties": {"level": {"anyOf": [words, mapping]}}}))
        src, _ = load_text("level: {z: 1}\n", tmp_path / "x.yaml", "x.yaml")
        said = [f"{p.line}:{p.col}: {p.field}: {p.message}"
                for p in schema_problems(src, CatalogSchema(tmp_path / "schema.json", "schema.json"))]
        assert said == ["1:1: level.value: missing required field `value` (the entry has: z)",
                        "1:9: level.z: unknown field `z` (allowed here: value)"], (words, said)
