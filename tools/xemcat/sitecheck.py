"""Checks of a built site, with no network: links and anchors, and that no code was lost.

Links: every href/src that points inside the site must resolve to a file, and every #fragment
to an element id (or name) in that file. Links to the site's own absolute URL (site_url) count
as internal. Everything else is external: collected and listed, and fetched only in the
opt-in online mode. Each broken link is reported as `PAGE: LINK: reason`.
"""

from __future__ import annotations

import json
import posixpath
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from .pages import CATALOG_JSON, CODE_PLACES, PAGE, code_url, page_url

LINK_ATTRS = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src", "iframe": "src"}


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.places: Counter = Counter()  # (place, code) of each element marked data-place/data-code
        self.canonical: str | None = None  # <link rel="canonical" href>
        self.redirect = False  # a <meta http-equiv="refresh">: a page that sends its reader on

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("data-place") and a.get("data-code"):
            self.places[(a["data-place"], a["data-code"])] += 1
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        attr = LINK_ATTRS.get(tag)
        if attr and a.get(attr):
            self.links.append(a[attr])
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.redirect = True


@dataclass
class LinkReport:
    """What the link check of a built site found."""

    broken: list[str] = field(default_factory=list)  # "PAGE: LINK: reason"
    external: dict[str, list[str]] = field(default_factory=dict)  # url -> pages
    pages: int = 0
    links: int = 0


def parse_page(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def check_links(site_dir: Path, site_url: str = "") -> LinkReport:
    site_dir = site_dir.resolve()
    report = LinkReport()
    parsed: dict[Path, _PageParser] = {}

    def page(path: Path) -> _PageParser:
        if path not in parsed:
            parsed[path] = parse_page(path)
        return parsed[path]

    base = urlparse(site_url) if site_url else None
    for html in sorted(site_dir.rglob("*.html")):
        rel = html.relative_to(site_dir).as_posix()
        page_url = "/" + rel
        report.pages += 1
        for link in page(html).links:
            report.links += 1
            url = urlparse(link)
            if url.scheme in ("mailto", "tel", "data", "javascript"):
                continue
            if url.scheme or url.netloc:
                if base and url.netloc == base.netloc and url.path.startswith(base.path):
                    target_path = "/" + url.path[len(base.path):].lstrip("/")
                else:
                    report.external.setdefault(link, []).append(rel)
                    continue
            elif url.path.startswith("/") and base and base.path.rstrip("/"):
                # A site served under a path (https://OWNER.github.io/REPO/): its absolute links
                # (Material's 404 page has them) start with that path.
                prefix = base.path.rstrip("/") + "/"
                if not url.path.startswith(prefix) and url.path != prefix.rstrip("/"):
                    report.broken.append(f"{rel}: {link}: outside the site's path {prefix}")
                    continue
                target_path = "/" + url.path[len(prefix):]
            else:
                target_path = urljoin(page_url, url.path) if url.path else page_url
            target_path = posixpath.normpath(unquote(target_path))
            target = site_dir / target_path.lstrip("/")
            if target_path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.resolve().is_relative_to(site_dir):
                report.broken.append(f"{rel}: {link}: points outside the site")
                continue
            if not target.is_file():
                report.broken.append(f"{rel}: {link}: no such file {target.relative_to(site_dir).as_posix()}")
                continue
            if url.fragment and target.suffix == ".html":
                fragment = unquote(url.fragment)
                if fragment not in page(target).ids:
                    report.broken.append(f"{rel}: {link}: no element with id \"{fragment}\" in "
                                         f"{target.relative_to(site_dir).as_posix()}")
    return report


def check_external(urls: list[str], timeout: float = 10) -> list[str]:
    """Online mode only: HEAD each external URL; return `LINK: reason` for the failures."""
    failures = []
    for url in urls:
        req = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "xemcat-linkcheck"})
        try:  # urllib raises HTTPError for a 4xx or 5xx answer, after following redirects
            urllib.request.urlopen(req, timeout=timeout).close()
        except Exception as exc:  # network errors of every kind are a report, not a crash
            failures.append(f"{url}: {exc}")
    return failures


def _search_locations(site_dir: Path) -> list[str] | None:
    """The locations of a built site's search index (MkDocs + Material's, or Zensical's), or
    None when the site has neither."""
    for name, key in (("search/search_index.json", "docs"), ("search.json", "items")):
        index = site_dir / name
        if index.is_file():
            return [d.get("location", "") for d in json.loads(index.read_text(encoding="utf-8")).get(key, [])]
    return None


def code_counts(site_dir: Path, codes: list[str]) -> dict[str, Counter]:
    """How often each code appears where it must appear exactly once: each place of the page
    registry (elements marked data-code/data-place), the search index and catalog.json."""
    counts = {}
    for page_id, place, label in CODE_PLACES:
        # "code": the code's own page, one per code; counted on the page the code names.
        pages = [site_dir / code_url(code) / "index.html" for code in codes] if page_id == "code" else \
            [site_dir / page_url(PAGE[page_id].file) / "index.html"]
        found = sum((parse_page(page).places for page in pages if page.is_file()), Counter())
        counts[label] = Counter({code: n for (p, code), n in found.items() if p == place})
    locations = _search_locations(site_dir)
    if locations is not None:  # each code's page is one search result
        pages = {code_url(code): code for code in codes}
        counts["search index"] = Counter(pages[loc] for loc in locations if loc in pages)
    catalog_json = site_dir / CATALOG_JSON
    if catalog_json.exists():
        counts[CATALOG_JSON] = Counter(c["code"] for c in json.loads(catalog_json.read_text(encoding="utf-8"))["codes"])
    return counts


def lost_codes(site_dir: Path, codes: list[str]) -> list[str]:
    """`PLACE: CODE: reason` for every code missing from, or repeated in, a place."""
    problems = []
    for place, counter in code_counts(site_dir, codes).items():
        for code in codes:
            if counter[code] != 1:
                problems.append(f"{place}: {code}: appears {counter[code]} times, expected once")
        for extra in sorted(set(counter) - set(codes)):
            problems.append(f"{place}: {extra}: not a code in the catalog")
    return problems


def unresolved(site_dir: Path, addresses: list[str]) -> list[tuple[str, str]]:
    """(address, why) for each address (from the site root, with or without a #fragment) that
    leads nowhere in the built site. A redirect page (a former name's) is followed to its
    canonical page once. Each page is read once, however many of its anchors are asked about."""
    parsed: dict[Path, _PageParser | None] = {}

    def page_at(path: Path) -> _PageParser | None:
        if path not in parsed:
            parsed[path] = parse_page(path) if path.is_file() else None
        return parsed[path]

    out = []
    for address in addresses:
        path, _, fragment = address.partition("#")
        page = site_dir / path / "index.html" if not path or path.endswith("/") else site_dir / path
        found = page_at(page)
        if found is not None and found.redirect and found.canonical:
            found = page_at((page.parent / found.canonical / "index.html").resolve())
        if found is None:
            out.append((address or "/", "no page"))
        elif fragment and fragment not in found.ids:
            out.append((address, f'no element with id "{fragment}" on the page'))
    return out
