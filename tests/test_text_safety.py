"""Catalog text can never become markup or script (issue 9).

Every kind of catalog field gets hostile text. Text that is merely markup-looking must come out
as literal text in every built file (pages, search index, catalog.json); links with a
script-capable scheme must be refused by `check` at FILE:LINE:COL. A broken template is a
located error that leaves a previously built site byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import edit, mkdocs_build, run, serve, shared_scope, xemcat
from site_pages import GENERATED

# Looks like markup to some processor on the way; must stay text. The marker ties a payload to
# the field it was put in.
LITERAL = ('<script>alert("{m}")</script><img src=x onerror=alert("{m}")> {{: autofocus onfocus=alert("{m}") }} '
           '{{#x}} !!! danger "{m}" {{{{ 7*7 }}}}{{% raw %}} ](javascript:alert("{m}")) [b](#overview){{: onclick=alert(1) }} '
           '&lt;b&gt; <b onmouseover=alert("{m}")>{m}</b>')
# Script-capable or ambiguous link targets: `check` refuses each in any prose field.
BAD_LINKS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java&#x09;script:alert(1)", "&#106;avascript:alert(1)",
             "data:text/html,hi", "vbscript:msgbox(1)", "<java script:alert(1)>", "java%0ascript:alert(1)",
             "//evil.example/x", "file:///etc/passwd", " javascript:alert(1)"]


def _scheme(href: str) -> str:
    """The scheme a browser would use for ``href`` (it drops tabs and newlines, trims controls)."""
    url = re.sub(r"[\t\n\r]", "", href).strip("".join(map(chr, range(33))))
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    return m.group(1).lower() if m else ""


def _set(data, path, value):
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def _fields(project: Path) -> dict[str, list[tuple]]:
    """Catalog file -> paths of every field that holds writer text (prose or plain)."""
    out: dict[str, list[tuple]] = {}
    for f in sorted((project / "catalog").rglob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        paths = []

        def walk(node, path):
            if isinstance(node, dict):
                for k, v in node.items():
                    if isinstance(v, str) and k in PLAIN_OR_PROSE:
                        paths.append(path + (k,))
                    walk(v, path + (k,))
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, path + (i,))
        walk(data, ())
        out[str(f.relative_to(project))] = paths
    return out


PROSE = {"description", "action", "note", "when", "when_code_missing", "shows", "advice", "meaning", "reason"}
PLAIN = {"title", "message", "error_codes_section"}
PLAIN_OR_PROSE = PROSE | PLAIN


def _inject(project: Path, payload) -> list[tuple[str, tuple, str]]:
    """Put ``payload(marker)`` into every text field; returns (file, path, marker) of each."""
    done = []
    for rel, paths in _fields(project).items():
        f = project / rel
        header = "".join(line for line in f.read_text(encoding="utf-8").splitlines(keepends=True)
                          if line.startswith("#"))
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        for n, path in enumerate(paths):
            marker = f"m{len(done)}x"
            _set(data, path, payload(marker))
            done.append((rel, path, marker))
        f.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**6),
                     encoding="utf-8")
    return done


@pytest.fixture(scope=shared_scope("module"))
def hostile_site(tmp_path_factory):
    from conftest import copy_project
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    # A deprecation too, so its `reason` is covered.
    edit(project / "catalog/sections/05-approvals.yaml", "  - code: approval_not_found\n",
         "  - code: approval_not_found\n    deprecated: {since: '2026-01-01', reason: x, replacement: invalid_body}\n")
    injected = _inject(project, lambda m: LITERAL.format(m=m))
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    out = project / "site"
    result = mkdocs_build(project, out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out, injected


def test_every_text_field_was_injected(hostile_site):
    _, injected = hostile_site
    fields = {path[-1] for _, path, _ in injected}
    assert PLAIN_OR_PROSE <= fields, f"field kinds not covered: {PLAIN_OR_PROSE - fields}"


def _pages(site: Path):
    return sorted(site.rglob("*.html"))


def test_no_element_attribute_or_script_link_from_catalog_text(hostile_site):
    site, _ = hostile_site
    for page in _pages(site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        article = soup.find("article") or soup
        for el in soup.find_all(True):
            for name, value in el.attrs.items():
                shown = " ".join(value) if isinstance(value, list) else str(value)
                assert not name.lower().startswith("on"), f"{page}: event attribute {name}={shown!r} on <{el.name}>"
                # Text may sit in aria-label or title (escaped); never where it would run or load.
                if name in ("href", "src", "action", "formaction", "style", "srcdoc", "content"):
                    assert "alert" not in shown, f"{page}: payload inside attribute {name} of <{el.name}>"
            if el.name == "script":
                assert "alert" not in el.get_text(), f"{page}: payload inside a script element"
        assert not article.find_all(["img", "b", "iframe", "object", "embed"]), page
        # The one autofocus is ours: Home's look-up box; catalog text never brings one.
        focused = article.find_all(attrs={"autofocus": True})
        assert all(e.name == "textarea" and e.find_parent(class_="xem-lookup") for e in focused), page
        for a in soup.find_all("a", href=True):
            assert _scheme(a["href"]) in ("", "http", "https", "mailto"), f"{page}: link {a['href']!r}"


def test_payload_text_is_shown_literally_on_every_generated_page(hostile_site):
    site, injected = hostile_site
    pages = [site / url / "index.html" for url in GENERATED.values()] + sorted((site / "codes").glob("*/index.html"))
    shown = "".join(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text() for page in pages)
    for rel, path, marker in injected:
        payload = LITERAL.format(m=marker)
        if path[-1] == "message":  # example messages are shown inside JSON envelopes
            expected = json.dumps(payload, ensure_ascii=False)
        elif path[-1] in PLAIN:
            expected = payload
        else:  # prose is inline Markdown; its raw-HTML opening has no Markdown syntax in it
            expected = f'<script>alert("{marker}")</script><img src=x onerror=alert("{marker}")>'
        assert expected in shown, (rel, path)


def test_section_heading_keeps_its_anchor_and_gets_no_attributes(hostile_site):
    site, _ = hostile_site
    soup = BeautifulSoup((site / "troubleshooting" / "index.html").read_text(encoding="utf-8"), "html.parser")
    h2 = soup.find("h2", id="scope-auth")
    assert h2 is not None and set(h2.attrs) == {"id"}
    assert "{: autofocus" in h2.get_text()


def test_search_index_and_catalog_json_carry_text_literally(hostile_site):
    site, injected = hostile_site
    catalog = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    first = catalog["codes"][0]
    assert first["description"].startswith('<script>alert("')
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    docs = json.loads(index)["docs"]
    ts = " ".join(d["text"] for d in docs if d["location"].startswith("troubleshooting/"))
    # Material's index stores HTML-escaped text: the payload is there as text, never as a tag.
    assert "&lt;script&gt;alert(" in ts and "<script>" not in ts


def test_no_dialog_in_chromium_when_loading_hovering_and_clicking(hostile_site, browser):
    site, _ = hostile_site
    with serve(site) as url:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url) else route.abort())
        dialogs: list[str] = []
        page = ctx.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        for path in GENERATED.values():
            page.goto(f"{url}/{path}")
            page.wait_for_timeout(300)  # autofocus and load handlers would have fired
            clicked = page.evaluate("""() => {
                // Keep the page: links to other http(s) pages are not followed, anything else
                // (javascript:, data:, ...) is clicked for real.
                document.addEventListener('click', e => {
                  const a = e.target.closest('a');
                  if (a && /^(https?|mailto):$/.test(new URL(a.href, location.href).protocol)
                      && !a.getAttribute('href').startsWith('#')) e.preventDefault();
                }, true);
                let n = 0;
                for (const a of document.querySelectorAll('a')) {
                  for (const type of ['mouseover', 'mouseenter', 'focus']) a.dispatchEvent(new Event(type));
                  a.click(); n++;
                }
                return n;
            }""")
            page.wait_for_timeout(200)
            assert clicked > 10, path  # the links of the page and of the theme were all clicked
        ctx.close()
    assert dialogs == []


@pytest.mark.parametrize("target", BAD_LINKS)
def test_script_capable_links_are_refused_by_check_at_their_place(project, target):
    f = project / "catalog" / "sections" / "01-scope-auth.yaml"
    text = f.read_text(encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.strip().startswith("action:"))
    edit(f, "    action: ", f"    action: See [the docs]({target}) then ")
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1, result.stdout
    written = f.read_text(encoding="utf-8").splitlines()[line - 1]
    # At the target as written; one spelled with character references or %-escapes is not in the
    # file as the browser reads it, so at the start of the field's value.
    col = written.index(target.strip(" <>")) + 1 if not re.search(r"&#|%", target) else len("    action: ") + 1
    located = [l for l in result.stdout.splitlines() if l.startswith(f"catalog/sections/01-scope-auth.yaml:{line}:{col}:")]
    assert located and "link target" in located[0] and "allowed" in located[0], result.stdout


@pytest.mark.parametrize("where", [
    ("catalog/site.yaml", "  advice: >-\n", "  advice: >-\n    [x](javascript:alert(1))\n"),
    ("catalog/commands.yaml", "    shows: ", "    shows: '[x](vbscript:x)' # "),
    ("catalog/site.yaml", "  note: >-\n", "  note: >-\n    <data:text/html,x>\n"),
])
def test_bad_links_refused_in_page_level_prose(project, where):
    rel, old, new = where
    edit(project / rel, old, new)
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1
    assert any(l.startswith(rel + ":") and "link target" in l for l in result.stdout.splitlines()), result.stdout


@pytest.mark.parametrize("value", ["scope_insufficient\n", "scope\u2028insufficient", "Scope\x85Auth", "Scope\tAuth"])
def test_single_line_fields_refuse_line_breaks_and_control_characters(project, value):
    f = project / "catalog" / "sections" / "01-scope-auth.yaml"
    edit(f, "  title: Scope & Auth", f"  title: {json.dumps(value)}")
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1
    assert "catalog/sections/01-scope-auth.yaml:" in result.stdout and "section.title" in result.stdout


def test_code_with_trailing_newline_is_refused(project):
    f = project / "catalog" / "sections" / "05-approvals.yaml"
    edit(f, "- code: approval_not_found", '- code: "approval_not_found\\n"')
    result = xemcat("--catalog", "catalog", "check", cwd=project)
    assert result.returncode == 1 and "05-approvals.yaml" in result.stdout


# ------------------------------------------------------------ the two validators agree

@pytest.fixture(scope="module")
def validators():
    import jsonschema_rs

    from conftest import ROOT
    from xemcat.schema import CatalogSchema
    schema = CatalogSchema(ROOT / "catalog" / "schema.json", "schema.json")
    return schema, jsonschema_rs


_tricky = st.text(alphabet=st.sampled_from(list("az_09 -<>`[]():") + ["\n", "\r", "\t", "\x00", "\x1f", "\x7f",
                                                                       "\x85", "\u2028", "\u2029", "\u00a0",
                                                                       "\ufeff", "\u0661", "é"]), max_size=12)


_VALID = ["scope_insufficient", "Scope & Auth", "xeroctl keys <key-id>", "2026-01-01", "https://x.example/a", "x"]
_BREAKS = ["", "\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x00", " ", "\u0661"]
_near_valid = st.builds(lambda pre, v, post: pre + v + post, st.sampled_from(_BREAKS), st.sampled_from(_VALID),
                        st.sampled_from(_BREAKS))


@settings(max_examples=400, deadline=None)
@given(value=st.one_of(_near_valid, _tricky), slot=st.sampled_from(["code", "title", "command", "since", "text", "url"]))
def test_fast_and_python_validators_agree(validators, value, slot):
    schema, rs = validators
    sub = {
        "code": {"$ref": "#/$defs/code"}, "title": {"$ref": "#/$defs/line"}, "text": {"$ref": "#/$defs/text"},
        "command": schema.schema["$defs"]["diagnostic"]["anyOf"][0]["properties"]["command"],
        "since": schema.schema["$defs"]["deprecated"]["properties"]["since"],
        "url": schema.schema["properties"]["sources"]["additionalProperties"]["properties"]["url"],
    }[slot]
    whole = {**schema.schema, "type": "object", "properties": {"v": sub}, "additionalProperties": True,
             "required": ["v"], "dependentRequired": {}}
    from xemcat.schema import _python_validator
    python_ok = not list(_python_validator(whole).iter_errors({"v": value}))
    fast_ok = rs.validator_for(whole).is_valid({"v": value})
    assert python_ok == fast_ok, (slot, value)


# ------------------------------------------------------------ templates fail closed

def _tree_digest(site: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(site.rglob("*")):
        h.update(str(p.relative_to(site)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def break_template(project, rel: str, old: str, new: str) -> int:
    """Replace `old` with `new` in the project's template `rel`; the line `old` was on, where
    the problem must be reported."""
    text = (project / rel).read_text(encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    edit(project / rel, old, new)
    return line


@pytest.mark.parametrize("breakage", [
    ("templates/troubleshooting.html.j2", "{% for section in catalog.sections %}", "{% for section in %}",
     "template syntax error"),
    # A name the template misspelt: Jinja's words alone (the type name would add nothing).
    ("templates/error-codes.html.j2", "{{ md(rl.note) }}", "{{ md(rl.nothing_here) }}",
     "'dict object' has no attribute 'nothing_here'"),
    ("templates/_macros.html.j2", "{{ phrases.NOT_DOCUMENTED }}", "{{ phrases.NOT_DOCUMENTED_TYPO }}",
     "'module object' has no attribute 'NOT_DOCUMENTED_TYPO'"),
    # An error of Python's own, raised while rendering: its type and words.
    ("templates/error-codes.html.j2", "{{ md(rl.note) }}", "{{ md(rl.note) }}{{ 1 // 0 }}",
     "ZeroDivisionError: integer division or modulo by zero"),
])
def test_broken_template_is_located_and_leaves_the_site_as_it_was(project, breakage):
    rel, old, new, words = breakage
    out = project / "site"
    assert mkdocs_build(project, out).returncode == 0
    before = _tree_digest(out)
    line = break_template(project, rel, old, new)
    import sys
    plain = run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(out)], project)  # not --strict, not our script
    assert plain.returncode == 1
    said = plain.stderr + plain.stdout
    assert "Traceback" not in said
    assert f"{rel}:{line}: (template): " in said and words in said, said
    assert _tree_digest(out) == before
    check = xemcat("--catalog", "catalog", "check", cwd=project)
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert f"{rel}:{line}: (template): " in check.stdout, check.stdout + check.stderr
    if "syntax" not in words:
        assert check.stdout == f"{rel}:{line}: (template): {words}\n"


DEPRECATED = """
  - code: {code}
    description: Kept for old clients.
    http: unknown
    retryable: unknown
    type: unknown
    action: Use `internal_error` handling.
    diagnostic:
      none: true
    example:
      message: Gone.
      param: null
    deprecated:
      since: "2026-11-29"
      reason: Replaced.
"""


def test_check_finds_a_template_error_in_a_branch_only_one_late_code_takes(project):
    """`check` renders a sample, not the catalog: the sample must still take a branch that only
    the last code of a section takes (here the only deprecated code), or a broken branch would
    pass `check` and fail the build."""
    section = project / "catalog/sections/04-execution.yaml"
    section.write_text(section.read_text(encoding="utf-8") + DEPRECATED.format(code="exec_gone_away"),
                       encoding="utf-8")
    assert xemcat("--catalog", "catalog", "check", cwd=project).returncode == 0
    rel = "templates/code.html.j2"
    line = break_template(project, rel, "{{ md(code.deprecated.reason, links.error_codes) }}",
                          "{{ md(code.deprecated.reasn, links.error_codes) }}")
    check = xemcat("--catalog", "catalog", "check", cwd=project)
    assert check.returncode == 1 and f"{rel}:{line}: (template): " in check.stdout, check.stdout + check.stderr
    assert "reasn" in check.stdout


def test_the_prose_parser_as_built_keeps_html_images_and_bare_addresses_as_text():
    """The module builds its parser once, at import, which a mutation tool attributes to whichever
    test imports it first; this one builds a fresh one: no raw HTML, no images, no autolinks."""
    from xemcat.text import _md
    html = _md().renderInline('<b onclick="x()">bold</b> ![i](https://a.example/i.png) www.example.com (c)')
    assert "<b" not in html and "&lt;b onclick=&quot;x()&quot;&gt;bold&lt;/b&gt;" in html
    assert "<img" not in html and html.count("<a ") == 1  # the image is a link to it, nothing more
    assert html.endswith(" www.example.com (c)")  # not an autolink, and no typographic ©


def test_a_missing_template_is_named_in_the_problem(project):
    """Where it is included, and which name was not found where."""
    line = break_template(project, "templates/error-codes.html.j2", "{{ md(rl.note) }}",
                          '{{ md(rl.note) }}{% include "nowhere.html.j2" %}')
    check = xemcat("--catalog", "catalog", "check", cwd=project)
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert check.stdout == f"templates/error-codes.html.j2:{line}: (template): no template nowhere.html.j2 in templates\n"


def test_a_pages_own_missing_template_is_named_at_its_place(project):
    """A page whose template is gone: said at that template's path (no line to point at)."""
    (project / "templates/error-codes.html.j2").unlink()
    check = xemcat("--catalog", "catalog", "check", cwd=project)
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert check.stdout == "templates/error-codes.html.j2:1: (template): no template error-codes.html.j2 in templates\n"


def test_a_redirect_page_keeps_any_target_inside_its_attributes_and_script():
    """The page a former name's address serves: whatever its target holds (quotes, tags, a
    closing script tag), an HTML parser finds one script, one link, one refresh and the target
    intact in each, and the script's string is the target."""
    import json
    from bs4 import BeautifulSoup
    from xemcat.render import redirect_page
    target = """../x"'><img src=x onerror=alert(1)></script><script>alert(2)</script><!--/"""
    page = BeautifulSoup(redirect_page(target, 'T"</title><b>'), "html.parser")
    assert page.find("img") is None and page.find("b") is None
    assert len(page.find_all("script")) == 1 and "<" not in page.script.string
    assert json.loads(page.script.string.removeprefix("location.replace(").removesuffix(" + location.hash)")) == target
    assert page.find("link", rel="canonical")["href"] == target and page.a["href"] == target
    assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url={target}"
    assert page.title.string == 'T"</title><b>'


def test_check_finds_a_template_error_in_the_branch_of_a_diagnostics_note(project):
    """`check` renders one code of each shape: a diagnostic with a note and one without are two
    shapes, so a broken note branch fails `check` even when the only code with a note is a late
    twin of an earlier code without one (same section, same facts otherwise)."""
    f = project / "catalog/sections/04-execution.yaml"
    text = f.read_text(encoding="utf-8")
    entry = text[text.index("  - code: invalid_body\n"):text.index("  - code: exec_tool_not_found\n")]
    note = "      note: the envelope message names the offending field when it can\n"
    f.write_text(text.replace(note, "") + "\n" + entry.replace("code: invalid_body", "code: invalid_body_twin"),
                 encoding="utf-8")
    lifecycle = project / "catalog/sections/06-lifecycle.yaml"
    edit(lifecycle, "      note: provide the x-request-id header value\n", "")
    assert xemcat("--catalog", "catalog", "check", cwd=project).returncode == 0
    rel = "templates/_macros.html.j2"
    line = break_template(project, rel, "md(diagnostic.note, code_url)", "md(diagnostic.note.missing, code_url)")
    check = xemcat("--catalog", "catalog", "check", cwd=project)
    assert check.returncode == 1 and check.stdout.startswith(f"{rel}:{line}: (template): "), check.stdout


def test_a_template_problem_in_json_has_a_line_and_no_column(project):
    """A template error is known to its line only: `col` is 0 (unknown), as a number, for CI tools."""
    import json
    line = break_template(project, "templates/error-codes.html.j2", "{{ md(rl.note) }}", "{{ md(rl.nothing_here) }}")
    check = xemcat("--catalog", "catalog", "check", "--format", "json", cwd=project)
    assert check.returncode == 1
    assert [(p["file"], p["line"], p["col"], p["field"]) for p in json.loads(check.stdout)] == [
        ("templates/error-codes.html.j2", line, 0, "(template)")]


def test_check_finds_a_template_error_in_the_branch_of_a_deprecations_replacement(project):
    """A deprecation with a replacement and one without are two shapes: a broken replacement
    branch fails `check` even when only the later of two deprecated codes names a replacement."""
    section = project / "catalog/sections/04-execution.yaml"
    section.write_text(section.read_text(encoding="utf-8") + DEPRECATED.format(code="exec_old_one")
                       + DEPRECATED.format(code="exec_old_two") + "      replacement: internal_error\n",
                       encoding="utf-8")
    assert xemcat("--catalog", "catalog", "check", cwd=project).returncode == 0
    rel, old = "templates/code.html.j2", "{{ m.code_page_link(code.deprecated.replacement) }}"
    edit(project / rel, old, "{{ m.code_page_link(code.deprecated.replacement.missing) }}")
    check = xemcat("--catalog", "catalog", "check", cwd=project)
    # Said where the undefined value is used: inside the macro the branch calls.
    assert check.returncode == 1 and check.stdout.endswith(" (template): 'str object' has no attribute 'missing'\n")


def test_check_finds_a_template_error_in_the_branch_of_a_retryable_note(project):
    """A retryable fact with a note and one without are two shapes (the note's branch may break
    on its own): found even when the only code with such a note is a late twin of an earlier one."""
    f = project / "catalog/sections/04-execution.yaml"
    text = f.read_text(encoding="utf-8")
    for note in ("      note: >-\n        The Troubleshooting page advises retrying with back-off; the inference API's "
                 "error page\n        agrees.\n", "      note: Only after the delay the router asks for.\n"):
        assert note in text
        text = text.replace(note, "")
    entry = text[text.index("  - code: invalid_body\n"):text.index("  - code: exec_tool_not_found\n")]
    twin = entry.replace("code: invalid_body", "code: invalid_body_twin").replace(
        "      source: error-codes\n    type:", "      source: error-codes\n      note: Never.\n    type:")
    assert "note: Never." in twin
    f.write_text(text + "\n" + twin, encoding="utf-8")
    assert xemcat("--catalog", "catalog", "check", cwd=project).returncode == 0
    rel, old = "templates/code.html.j2", "code.retryable.note)"
    edit(project / rel, old, "code.retryable.note and code.retryable.note.missing)")
    check = xemcat("--catalog", "catalog", "check", cwd=project)
    assert check.returncode == 1 and check.stdout.endswith(" (template): 'str object' has no attribute 'missing'\n")
