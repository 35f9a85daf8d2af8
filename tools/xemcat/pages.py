"""The registry of generated pages: the one place a page is declared.

A page here gets its file, its place in the navigation, links from every other page, the
layout, accessibility and hostile-text tests, and a place in `xemcat pages`. Adding a page is
this table plus its template (see the Contributing page's recipe); nothing else names pages.

Also here: where the generated pages live relative to each other (directory URLs, as MkDocs and
Zensical make them), and the data-* attributes that mark where a code is shown, which the site
check counts in a built site instead of reading our markup back by pattern.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """A generated page: its id (the templates' `links[id]`), the source file name a site
    generator knows it by, its template, title, description and navigation label."""

    id: str
    file: str
    template: str
    title: str
    description: str
    nav: str  # the label in mkdocs.yml's nav, in the order of PAGES
    # Operator pages give their width to the tables: no right-hand table of contents (long code
    # names were cut there anyway); a "Sections" line at the top links the same anchors.
    hide_toc: bool = True
    # A site search indexes the page's sections too (False: the page as one result, so a code's
    # page does not crowd out the rows and entries with six results of its own).
    search_sections: bool = True
    search_boost: float | None = None  # ranks the page's search result higher (Material's search.boost)


PAGES = (
    PageSpec("home", "index.md", "home.html.j2", "XEM error codes",
             "Look up an XEM router error code: paste the code, the envelope, the response or the message.",
             "Home"),
    PageSpec("troubleshooting", "troubleshooting.md", "troubleshooting.html.j2", "Troubleshooting",
             "The operator action and the xeroctl diagnostic for every XEM router error code.", "Troubleshooting"),
    PageSpec("error_codes", "error-codes.md", "error-codes.html.j2", "Error Codes",
             "Every XEM router error code with its HTTP status, envelope type, retry behaviour and "
             "JSON envelope.", "Error Codes"),
    PageSpec("diagnostics", "diagnostics.md", "diagnostics.html.j2", "Diagnostics",
             "Each xeroctl command the catalog uses, what it shows and the error codes it diagnoses.", "Diagnostics"),
    PageSpec("contributing", "contributing.md", "contributing.html.j2", "Contributing to the catalog",
             "How to add or change an XEM error code, the catalog's field reference, commands and "
             "deprecation policy.", "Contributing", hide_toc=False),
    PageSpec("changes", "changes.md", "changes.html.j2", "Changes",
             "What changed in the XEM error codes: codes added, renamed, deprecated and removed, newest first.",
             "Changes", search_sections=False),
)
PAGE = {p.id: p for p in PAGES}
# Each code's own page: its permanent address, the one `doc_url` in catalog.json and `xemcat
# explain` give. One per code of the catalog, so not in the navigation (the pages above list
# and link every code).
CODE_PAGE = "codes/{code}/index.md"  # index.md: its links mean the same from the source file and the page
CODE_PAGES_URL = "codes/"
REDIRECT_PAGE = "codes/{code}/index.html"  # a former name's address: a redirect to the code's page


def code_page(code: str) -> PageSpec:
    """The page of one code (template code.html.j2)."""
    return PageSpec(f"code:{code}", CODE_PAGE.format(code=code), "code.html.j2", code,
                    f"The XEM router error code {code}: what it means, what to do, its HTTP status, "
                    "envelope type and retry behaviour.", "", search_sections=False,
                    search_boost=2)  # the code's own page first when its message or name is searched


def code_url(code: str) -> str:
    """A code's page, from the site root (`codes/CODE/`)."""
    return page_url(CODE_PAGE.format(code=code))


def doc_url(site_url: str, code: str) -> str:
    """A code's page as an absolute address (catalog.json's `doc_url`, `xemcat explain`)."""
    return (site_url if site_url.endswith("/") else site_url + "/") + code_url(code)
# Hand-written pages in docs/ that generated pages link to (id -> file).
HAND_WRITTEN = {"catalog_json_doc": "catalog-json.md", "performance": "performance.md"}

# Files every build publishes beside the pages: for tools (the catalog and its schema) and for
# the look-up box (its index, see lookup.py).
CATALOG_JSON = "catalog.json"
SCHEMA_JSON = "schema.json"
LOOKUP_JSON = "assets/lookup.json"
CHANGES_FEED = "changes.xml"  # the Atom feed of the Changes page (feed.py)

# Where a code must be shown exactly once: (page id, place, what sitecheck calls it). Each is an
# element carrying data-code="CODE" data-place="PLACE"; `xemcat sitecheck` counts them in the
# built site.
CODE_PLACES = (("troubleshooting", "row", "troubleshooting rows"),
               ("error_codes", "summary", "error-codes table rows"),
               ("code", "page", "code pages"))  # "code": each code's own page


def public_addresses(codes: list[str], section_ids: list[str]) -> list[str]:
    """The addresses a catalog with these codes (former names included) and sections publishes,
    from the site root: every generated page; each code's page, Troubleshooting row and Error
    Codes entry; each section's two anchors. Once published, each must resolve in every later
    build (`xemcat sitecheck --against BASE`): to the code, its new name, or its tombstone."""
    rows, entries = page_url(PAGE["troubleshooting"].file), page_url(PAGE["error_codes"].file)
    out = [page_url(p.file) for p in PAGES]
    for code in codes:
        out += [code_url(code), f"{rows}#{code}", f"{entries}#{code}"]
    for sid in section_ids:
        out += [f"{rows}#{sid}", f"{entries}#{sid}"]
    return out


def page_url(file: str) -> str:
    """The URL of a source file relative to the site root, as directory URLs make it
    (`index.md` -> ``, `error-codes.md` -> `error-codes/`, `catalog.json` -> `catalog.json`)."""
    if not file.endswith(".md"):
        return file
    stem = file[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def relative_url(target: str, from_page: str) -> str:
    """``target`` (a URL from the site root) as seen from the page at ``from_page``."""
    base = posixpath.dirname(from_page.rstrip("/") + "/x") if from_page else ""
    rel = posixpath.relpath("/" + target, "/" + base)
    if (not target or target.endswith("/")) and not rel.endswith("/"):
        rel += "/"
    return rel


def links_from(page: PageSpec) -> dict[str, str]:
    """Every page's (and catalog.json's) URL as seen from one page: the templates' `links`.
    `links.codes` + CODE + "/" is a code's page."""
    here = page_url(page.file)
    links = {p.id: relative_url(page_url(p.file), here) for p in PAGES}
    links.update({pid: relative_url(page_url(file), here) for pid, file in HAND_WRITTEN.items()})
    links["catalog_json"] = relative_url(CATALOG_JSON, here)
    links["lookup_json"] = relative_url(LOOKUP_JSON, here)
    links["codes"] = relative_url(CODE_PAGES_URL, here)
    links["changes_feed"] = relative_url(CHANGES_FEED, here)
    return links


def nav_problems(nav: list | None) -> list[str]:
    """What is wrong with a site's `nav` (mkdocs.yml's, as a list of {label: file}) for the
    registry: every generated page listed once, under its label, in the registry's order."""
    if nav is None:
        return []  # no nav: the generator lists every page itself
    listed = [(label, file) for item in nav if isinstance(item, dict) for label, file in item.items()]
    files = [file for _, file in listed]
    problems = []
    for spec in PAGES:
        if files.count(spec.file) != 1:
            problems.append(f"nav: lists {spec.file} {files.count(spec.file)} times; the page registry "
                            f"(tools/xemcat/pages.py) has it once, as `- {spec.nav}: {spec.file}`")
        elif (spec.nav, spec.file) not in listed:
            problems.append(f"nav: {spec.file} should be labelled `{spec.nav}` as in the page registry")
    order = [f for f in files if f in {s.file for s in PAGES}]
    if not problems and order != [s.file for s in PAGES]:
        problems.append("nav: generated pages should come in the page registry's order: "
                        + ", ".join(s.file for s in PAGES))
    return problems
