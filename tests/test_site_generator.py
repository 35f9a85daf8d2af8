"""The generated pages exist outside the MkDocs hook (issue 18): `xemcat pages` writes them
as files, Material's successor Zensical builds those files into a site that passes `sitecheck`
with every code in every place, and the page registry is the one place a page is declared."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ENV, ROOT, edit, mkdocs_build, run, shared_scope, xemcat, xemcat_process
from site_pages import GENERATED

ZENSICAL = Path(sys.executable).with_name("zensical")


def pages(project: Path, *args: str):
    return xemcat("--catalog", "catalog", "pages", *args, cwd=project)


def test_pages_writes_every_generated_page_and_published_file(project):
    result = pages(project, "build/docs")
    assert result.returncode == 0, result.stderr
    out = project / "build/docs"
    from xemcat.pages import CATALOG_JSON, LOOKUP_JSON, PAGES, SCHEMA_JSON
    for spec in PAGES:
        text = (out / spec.file).read_text(encoding="utf-8")
        front, body = text.split("---\n", 2)[1:]
        assert yaml.safe_load(front)["title"] == spec.title
        assert body.lstrip().startswith("<"), spec.file  # final HTML, not Markdown to convert
    assert json.loads((out / CATALOG_JSON).read_text())["version"] == 1
    assert json.loads((out / LOOKUP_JSON).read_text())["codes"]
    assert (out / SCHEMA_JSON).read_text() == (project / "catalog/schema.json").read_text()


def test_pages_never_overwrites_what_it_did_not_write_nor_writes_half(project):
    (project / "notes").mkdir()
    (project / "notes/mine.txt").write_text("keep me")
    refused = pages(project, "notes")
    assert refused.returncode == 2 and "was not written by `xemcat pages`" in refused.stderr
    assert (project / "notes/mine.txt").read_text() == "keep me"
    assert pages(project, "out").returncode == 0
    before = sorted(p.name for p in (project / "out").iterdir())
    edit(project / "catalog/sections/02-agents.yaml", "command: xeroctl agents\n", "command: xeroctl agents doctor\n")
    broken = pages(project, "out")
    assert broken.returncode == 1 and "catalog/sections/02-agents.yaml:" in broken.stderr
    assert "Traceback" not in broken.stderr
    assert sorted(p.name for p in (project / "out").iterdir()) == before  # the previous output stays whole
    assert not [p for p in project.iterdir() if p.name.startswith(".out.")]  # no temporary left behind
    # Fixed, the next run replaces the output as a whole: new text in, nothing of the old left.
    edit(project / "catalog/sections/02-agents.yaml", "command: xeroctl agents doctor\n", "command: xeroctl agents\n")
    edit(project / "catalog/sections/02-agents.yaml", "  title: Agents\n", "  title: Agents and fleets\n")
    (project / "out" / "stale.md").write_text("from an older catalog")
    (project / ".out.old").mkdir()  # left by a run that was killed between its two renames
    (project / ".out.old" / "x").write_text("x")
    again = pages(project, "out")
    files = sorted(p for p in (project / "out").rglob("*") if p.is_file())
    assert again.returncode == 0 and again.stderr == f"wrote {len(files) - 1} files to out\n"  # the marker aside
    assert not (project / "out" / "stale.md").exists() and "Agents and fleets" in (project / "out/troubleshooting.md").read_text()
    assert not [p for p in project.iterdir() if p.name.startswith(".out.")]
    nested = pages(project, "build/a/b")  # parents made as needed
    assert nested.returncode == 0 and (project / "build/a/b/troubleshooting.md").is_file()
    assert (project / "out").stat().st_mode & 0o777 == 0o755  # not mkdtemp's 0700: a web server reads it


def test_a_hand_written_copy_of_a_generated_page_is_refused(project):
    (project / "docs/troubleshooting.md").write_text("# stale copy\n")
    result = pages(project, "build/docs", "--with-docs", "docs")
    assert result.returncode == 2 and "troubleshooting.md is generated from catalog/" in result.stderr
    assert not (project / "build/docs").exists()


@pytest.fixture(scope=shared_scope("module"))
def zensical_site(tmp_path_factory):
    """The project built by Zensical from the files `xemcat pages` wrote (the README's command)."""
    from conftest import copy_project
    project = copy_project(tmp_path_factory.mktemp("zensical") / "project")
    assert pages(project, "build/docs", "--with-docs", "docs").returncode == 0
    env = {**ENV, "XEM_DOCS_DIR": "build/docs", "XEM_SITE_DIR": "build/site"}
    result = run([str(ZENSICAL), "build", "-f", "mkdocs.yml"], project, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "build/site"


def test_zensical_builds_the_same_files_into_a_site_with_every_code_link_and_anchor(zensical_site, catalog):
    from xemcat.sitecheck import check_links, code_counts, lost_codes
    report = check_links(zensical_site)
    assert report.broken == [] and report.pages >= len(GENERATED)
    assert lost_codes(zensical_site, [c.code for c in catalog.codes]) == []
    counts = code_counts(zensical_site, [c.code for c in catalog.codes])
    assert "search index" in counts and all(sum(c.values()) == len(catalog.codes) for c in counts.values())
    for url in GENERATED.values():
        assert (zensical_site / url / "index.html").is_file(), url
    assert (zensical_site / "assets/lookup.json").is_file() and (zensical_site / "catalog.json").is_file()


def test_what_zensical_does_not_carry_is_what_the_readme_says(zensical_site, site):
    """The README's "Site generator" section lists what a move would cost. Each cost is
    checked here, so the list stays true: if Zensical starts carrying one, this fails and the
    README gets shorter."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Site generator"):]
    # 1. The table of contents of a page with one (Contributing): headings in raw HTML are not in it.
    contributing = (zensical_site / GENERATED["contributing"] / "index.html").read_text(encoding="utf-8")
    assert 'href="#commands" class="md-nav__link"' in (site / GENERATED["contributing"] / "index.html").read_text()
    assert 'class="md-nav__link" href="#commands"' not in contributing and 'href="#commands" class="md-nav__link"' \
        not in contributing
    assert "table of contents" in section
    # 2. The shaped search index: codes' titles with their HTTP statuses.
    items = json.loads((zensical_site / "search.json").read_text())["items"]
    assert not any("· HTTP" in i["title"] for i in items)
    assert "search" in section
    assert "```sh" in section and "zensical build" in section


def test_nav_follows_the_page_registry(project, tmp_path):
    from xemcat.pages import PAGES, nav_problems
    nav = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=_EnvLoader)["nav"]
    assert nav_problems(nav) == []
    missing = [item for item in nav if PAGES[-1].file not in item.values()]
    assert nav_problems(missing) == [f"nav: lists {PAGES[-1].file} 0 times; the page registry "
                                     f"(tools/xemcat/pages.py) has it once, as `- {PAGES[-1].nav}: {PAGES[-1].file}`"]
    swapped = [nav[1], nav[0]] + nav[2:]
    assert nav_problems(swapped) and "order" in nav_problems(swapped)[0]
    edit(project / "mkdocs.yml", f"  - {PAGES[1].nav}: {PAGES[1].file}\n", "")
    result = mkdocs_build(project, tmp_path / "site", process=True)
    assert result.returncode == 1 and f"mkdocs.yml: nav: lists {PAGES[1].file} 0 times" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_adding_a_page_is_the_registry_entry_its_template_and_its_nav_line(project, tmp_path):
    """The recipe on the Contributing page, followed on a copy: the new page is built, linked
    from the others through `links`, and checked like every page."""
    edit(project / "tools/xemcat/pages.py", '''             "Changes", search_sections=False),
)''', '''             "Changes", search_sections=False),
    PageSpec("glossary", "glossary.md", "glossary.html.j2", "Glossary", "Words the error pages use.", "Glossary"),
)''')
    (project / "templates/glossary.html.j2").write_text(
        '{% import "_macros.html.j2" as m with context %}\n{{ m.heading(1, "glossary", "Glossary") }}\n'
        '<p id="{{ page.anchor("envelope") }}">Envelope: see <a href="{{ links.error_codes }}#error-format">'
        "the error format</a>.</p>\n")
    edit(project / "templates/troubleshooting.html.j2", '<a href="#request-id">why</a>',
         '<a href="#request-id">why</a>, <a href="{{ links.glossary }}#envelope">terms</a>')
    edit(project / "mkdocs.yml", "  - Changes: changes.md\n", "  - Changes: changes.md\n  - Glossary: glossary.md\n")
    out = tmp_path / "site"
    result = mkdocs_build(project, out, env={**ENV, "PYTHONPATH": str(project / "tools")}, process=True)  # this copy's registry
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "glossary/index.html").is_file()
    check = xemcat_process("--catalog", "catalog", "sitecheck", str(out), cwd=project)
    assert check.returncode == 0, check.stdout + check.stderr
    assert 'href="../glossary/#envelope"' in (out / "troubleshooting/index.html").read_text()


class _EnvLoader(yaml.SafeLoader):
    """Reads mkdocs.yml's !ENV tags as their defaults."""


_EnvLoader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1]
                           if isinstance(node, yaml.SequenceNode) else None)



def test_adding_an_optional_field_is_the_schema_the_model_and_a_template(project, tmp_path):
    """The field recipe on the Contributing page, followed on a copy: the field is validated,
    documented, shown, and `check` renders the template branch that shows it."""
    schema = project / "catalog/schema.json"
    edit(schema, '''        "error_codes_section": {''', '''        "router_since": {
          "description": "The router release that introduced the code, where a source states it.",
          "examples": ["2.4"],
          "$ref": "#/$defs/line"
        },
        "error_codes_section": {''')
    edit(project / "tools/xemcat/model.py", "    error_codes_section: str | None = None\n",
         "    error_codes_section: str | None = None\n    router_since: str | None = None\n")
    edit(project / "templates/code.html.j2", "{% if code.error_codes_section %}",
         "{% if code.router_since %}<p class=\"xem-since\">Since router {{ code.router_since }}</p>{% endif %}\n"
         "{% if code.error_codes_section %}")
    # On a code that `check`'s template sample would otherwise leave out.
    from xemcat.catalog import load_catalog
    from xemcat.render import template_sample
    catalog = load_catalog(ROOT / "catalog")
    sampled = {c.code for c in template_sample(catalog).codes}
    code = next(c for c in catalog.codes if c.code not in sampled)
    section = next(f for f in (project / "catalog/sections").iterdir() if f"  - code: {code.code}\n" in f.read_text())
    edit(section, f"  - code: {code.code}\n", f"  - code: {code.code}\n    router_since: '2.4'\n")
    env = {**ENV, "PYTHONPATH": str(project / "tools")}
    assert xemcat_process("--catalog", "catalog", "check", cwd=project).returncode == 0
    out = tmp_path / "site"
    result = mkdocs_build(project, out, env=env, process=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Since router 2.4" in (out / "codes" / code.code / "index.html").read_text()
    assert 'id="field-router_since"' in (out / "contributing/index.html").read_text()
    # A mistake in the new branch is found by `check`, not first by a build.
    edit(project / "templates/code.html.j2", "{{ code.router_since }}", "{{ code.router_since.nope }}")
    broken = xemcat_process("--catalog", "catalog", "check", cwd=project)
    assert broken.returncode == 1 and "templates/code.html.j2:" in broken.stdout, broken.stdout + broken.stderr
    edit(section, "router_since: '2.4'", "router_since: [2, 4]")
    assert "router_since" in xemcat_process("--catalog", "catalog", "check", cwd=project).stdout


def test_hand_written_pages_that_are_not_a_directory_are_refused_in_one_line(project):
    result = pages(project, "build/docs", "--with-docs", "nowhere")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "xemcat pages: error: nowhere is not a directory of hand-written pages\n"
    assert not (project / "build").exists()
