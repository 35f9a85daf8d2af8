"""Every rule of `validate.RULES` has a case that breaks it (issue 20): the rule alone finds a
problem in the broken copy and none in the shipped catalog, and the whole check reports it.
A new rule without a case here fails `test_every_rule_has_a_case`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT

S02, S04, SITE, COMMANDS = "sections/02-agents.yaml", "sections/04-execution.yaml", "site.yaml", "commands.yaml"
# rule -> (file, text, replacement): the smallest edit a writer could make that only this rule catches.
RULE_CASES = {
    "blocks_defined_once": (COMMANDS, "commands:\n", "identifiers: [x_y]\ncommands:\n"),
    "command_forms_unique": (COMMANDS, "  - form: xeroctl keys <key-id>\n", "  - form: xeroctl keys\n"),
    "section_ids_unique": (S02, "  id: agents\n", "  id: execution\n"),
    "codes_unique": (S02, "  - code: candidate_not_found\n", "  - code: agent_not_found\n"),
    "codes_are_not_section_ids": (S02, "  id: agents\n", "  id: internal_error\n"),
    "former_names_are_free": (S02, "  - code: candidate_not_found\n", "  - code: candidate_not_found\n    former_names:\n"
                              "      - {name: agent_not_found, renamed: '2026-12-01'}\n"),
    "diagnostics_match_registry": (S02, "command: xeroctl agents\n", "command: xeroctl agents doctor\n"),
    "commands_are_inert": (S02, "command: xeroctl agents\n", "command: xeroctl agents; true\n"),
    "statuses_say_when": (S04, "        when: The tool is read through the tools-catalog route.\n", ""),
    "references_exist": (SITE, "    code: exec_tool_not_found\n", "    code: exec_tool_not_fund\n"),
    "no_placeholders_left": (S02, "  title: Agents\n", "  title: TODO name the section\n"),
    "sources_exist": (S04, "        source: error-codes\n", "        source: error-codez\n"),
    "code_references_exist": (S02, "is unknown, for example", "is `agent_not_fund`, for example"),
    "links_are_safe": (S02, "is unknown, for example", "is [unknown](javascript:alert(1)), for example"),
    "text_is_printable": (S02, "  title: Agents\n", '  title: "Age\\u200bnts"\n'),
}


# rule -> what it says for its case: FILE:LINE:COL: field: message, each checked by hand against
# the edited file (the column is where the offending word starts).
RULE_SAYS = {
    'blocks_defined_once': [
        'site.yaml:34:1: identifiers: `identifiers` is already defined at commands.yaml:9; define it in one file only',
    ],
    'code_references_exist': [
        'sections/02-agents.yaml:14:34: codes.agent_not_found.description: `agent_not_fund` is not a code in the catalog; did you mean `agent_not_found`? (if it is not an error code, add it to `identifiers` in site.yaml)',
    ],
    'codes_are_not_section_ids': [
        'sections/02-agents.yaml:3:7: section.id: section id `internal_error` is also a code (at sections/06-lifecycle.yaml:38); both would be the same anchor on a page',
    ],
    'codes_unique': [
        'sections/02-agents.yaml:27:11: codes.agent_not_found.code: duplicate code `agent_not_found`: also defined at sections/02-agents.yaml:12:11',
        'sections/02-agents.yaml:12:11: codes.agent_not_found.code: duplicate code `agent_not_found`: also defined at sections/02-agents.yaml:27:11',
    ],
    'command_forms_unique': [
        'commands.yaml:14:11: commands[1].form: command form `xeroctl keys` is listed twice (as `xeroctl keys` at line 10)',
    ],
    'commands_are_inert': [
        'sections/02-agents.yaml:22:16: codes.agent_not_found.diagnostic.command: `agents;` is not safe to paste into a shell: a command is words of letters, digits and `. _ / = -`, separated by single spaces, and placeholders like `<key-id>` (letters, digits, `-`, `_`)',
    ],
    'diagnostics_match_registry': [
        'sections/02-agents.yaml:22:16: codes.agent_not_found.diagnostic.command: `xeroctl agents doctor` matches no command form in the xeroctl registry; did you mean `xeroctl agents`? (add a documented form to commands.yaml, or use `none: true`)',
    ],
    'former_names_are_free': [
        'sections/02-agents.yaml:29:16: codes.candidate_not_found.former_names[0].name: former name `agent_not_found` is a code today (at sections/02-agents.yaml:12); a name leads to one code',
    ],
    'links_are_safe': [
        'sections/02-agents.yaml:14:44: codes.agent_not_found.description: link target "javascript:alert(1)" uses the scheme `javascript:`; only http, https, mailto, relative and # links are allowed',
    ],
    'no_placeholders_left': [
        'sections/02-agents.yaml:4:10: section.title: unfinished: replace the TODO placeholder',
    ],
    'references_exist': [
        'site.yaml:64:11: envelope.example.code: `exec_tool_not_fund` is not a code in the catalog; did you mean `exec_tool_not_found`?',
    ],
    'section_ids_unique': [
        'sections/04-execution.yaml:3:7: section.id: section id `execution` is already used at sections/02-agents.yaml:3:7',
    ],
    'sources_exist': [
        'sections/04-execution.yaml:13:17: codes.invalid_body.http[0].source: unknown source `error-codez`; did you mean `error-codes`? (known: authentication, error-codes, error-handling, incident-response, operator-guides, troubleshooting, xeroctl, xeroctl-platform)',
    ],
    'statuses_say_when': [
        'sections/04-execution.yaml:36:9: codes.exec_tool_not_found.http[1]: status 404 needs `when`: with several statuses, say which route or situation returns each',
    ],
    'text_is_printable': [
        'sections/02-agents.yaml:4:10: section.title: contains the invisible formatting character U+200B (Zero Width Space); this field is one line of plain text',
    ],
}


def _files(catalog_dir: Path):
    from xemcat.catalog import catalog_files
    from xemcat.loader import load_file
    from xemcat.schema import CatalogSchema
    from xemcat.validate import CatalogFiles
    files = [src for src, _ in (load_file(p, str(p.relative_to(catalog_dir))) for p in catalog_files(catalog_dir))]
    schema = CatalogSchema(catalog_dir / "schema.json", "schema.json")
    return CatalogFiles([f for f in files if isinstance(f.data, dict)], schema.envelope_types, True, "catalog"), files, schema


def test_every_rule_has_a_case():
    from xemcat.validate import RULES
    assert {rule.__name__ for rule in RULES} == set(RULE_CASES) == set(RULE_SAYS)


@pytest.mark.parametrize("name", sorted(RULE_CASES))
def test_each_rule_finds_its_case_and_nothing_in_the_shipped_catalog(tmp_path, name):
    from xemcat.validate import RULES, rule_problems
    rule = next(r for r in RULES if r.__name__ == name)
    shipped, _, _ = _files(ROOT / "catalog")
    assert list(rule(shipped)) == [], name
    copy = tmp_path / "catalog"
    shutil.copytree(ROOT / "catalog", copy)
    rel, old, new = RULE_CASES[name]
    text = (copy / rel).read_text(encoding="utf-8")
    assert old in text, (name, old)
    (copy / rel).write_text(text.replace(old, new, 1), encoding="utf-8")
    broken, files, schema = _files(copy)
    found = list(rule(broken))
    assert [str(p) for p in found] == RULE_SAYS[name]
    assert set(found) <= set(rule_problems(files, "catalog", schema.envelope_types)), name  # and check reports it


def test_a_word_in_prose_is_located_at_its_own_occurrence(tmp_path):
    """The same unknown word in two neighbouring entries, one of them far into its line: each
    problem points at its own occurrence (line and column), not at the other one nor at the
    start of the value."""
    from xemcat.validate import code_references_exist
    copy = tmp_path / "catalog"
    shutil.copytree(ROOT / "catalog", copy)
    path = copy / S02
    text = path.read_text(encoding="utf-8")
    # A comment just above also holds the word (comments are not prose): a search for it that
    # started early would report the comment's line.
    text = text.replace("    description: The agent ID is unknown, for example",
                        "    # `zz_missing`\n    description: The agent ID `zz_missing` is unknown, for example", 1)
    text = text.replace("    description: >-\n", "    description: >-\n      See `zz_missing` first.\n", 1)
    path.write_text(text, encoding="utf-8")
    broken, _, _ = _files(copy)
    found = sorted((p.line, p.col) for p in code_references_exist(broken) if "zz_missing" in p.message)
    expected = sorted((i + 1, line.index("`zz_missing`") + 1) for i, line in enumerate(text.split("\n"))
                      if "`zz_missing`" in line and not line.lstrip().startswith("#"))
    assert found == expected and len(found) == 2


@pytest.mark.parametrize("command, form", [
    ("xeroctl keys <key-id>", "xeroctl keys <key-id>"),
    ("xeroctl keys <id>", "xeroctl keys <key-id>"),  # the docs write <id> where the seed writes <key-id>
    ("xeroctl keys abc123", None),  # a concrete word where the form has a placeholder
    ("xeroctl agents lst", None),  # ... would let an invented verb pass as an argument
    ("xeroctl agents <agent-id> --events", "xeroctl agents <agent-id> --events"),
    ("xeroctl approvals list", "xeroctl approvals list [--risk <risk>]"),
    ("xeroctl approvals list --risk <level>", "xeroctl approvals list [--risk <risk>]"),
    ("xeroctl approvals list --risk", None),
    ("xeroctl approvals list  --risk <risk>", None),
])
def test_a_diagnostic_is_an_instance_of_a_registered_form(catalog, command, form):
    """A diagnostic names the form it instantiates: placeholders stand for placeholders (under
    any name), [optional] parts are present or absent whole, words must be the form's words."""
    from xemcat.vocabulary import matching_form
    assert matching_form(command, [c.form for c in catalog.commands]) == form


FORMER = "  - code: candidate_not_found\n    former_names:\n"


@pytest.mark.parametrize("old, new, said", [
    ("  id: agents\n", "  id: internal_error\n",
     "3:7: section.id: section id `internal_error` is also a code (at catalog/sections/06-lifecycle.yaml:38); both "
     "would be the same anchor on a page"),
    ("  - code: candidate_not_found\n", FORMER + "      - {name: agent_not_found, renamed: '2026-12-01'}\n",
     "29:16: codes.candidate_not_found.former_names[0].name: former name `agent_not_found` is a code today (at "
     "catalog/sections/02-agents.yaml:12); a name leads to one code"),
    ("  - code: candidate_not_found\n", FORMER + "      - {name: execution, renamed: '2026-12-01'}\n",
     "29:16: codes.candidate_not_found.former_names[0].name: former name `execution` is a section id; both would be "
     "the same anchor"),
    ("  - code: candidate_not_found\n", FORMER + "      - {name: agent_gone, renamed: '2026-12-01'}\n"
     "      - {name: agent_gone, renamed: '2026-12-02'}\n",
     "30:16: codes.candidate_not_found.former_names[1].name: former name `agent_gone` is already a former name at "
     "catalog/sections/02-agents.yaml:29"),
])
def test_a_name_that_would_lead_to_two_places_is_said_at_the_second(project, old, new, said):
    """Anchors and addresses are one namespace: a section id, a code and a former name each
    lead to one place; the problem points at the name that came second and at the first."""
    from conftest import edit, xemcat
    edit(project / "catalog" / S02, old, new)
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1 and f"catalog/{S02}:{said}" in result.stdout.splitlines(), result.stdout


@pytest.mark.parametrize("form, anchor", [
    ("xeroctl keys <key-id>", "cmd-keys-key-id"),
    ("xeroctl approvals list [--risk <risk>]", "cmd-approvals-list-risk-risk"),
    ("xeroctl", "cmd-xeroctl"),  # the bare tool: an anchor of its one word
    ("xeroctl --", "cmd-xeroctl"),  # no word after the tool's (punctuation only): still an anchor
    ("XEROCTL Keys", "cmd-keys"),
])
def test_a_command_forms_anchor_is_its_words(form, anchor):
    """Diagnostics page anchors come from a form's words, not its position: adding a command
    never changes the links to the others."""
    from xemcat.vocabulary import command_anchor
    assert command_anchor(form) == anchor


def test_a_file_that_vanished_or_cannot_be_read_is_one_problem_at_its_start(tmp_path):
    """Between listing the catalog and reading it a file can go (an editor's save, a checkout)."""
    import errno
    import os
    from xemcat.loader import load_file
    from xemcat.problems import Problem
    src, problems = load_file(tmp_path / "gone.yaml", "catalog/gone.yaml")
    assert src is None
    assert problems == [Problem("catalog/gone.yaml", 1, 1, "(file)", f"cannot read file: {os.strerror(errno.ENOENT)}")]
