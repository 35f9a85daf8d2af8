"""The Atom feed of the catalog's lifecycle events (RFC 4287), published as changes.xml.

Client developers subscribe to it to learn when a code is added, renamed, deprecated or
removed. It is built with ElementTree, so catalog text is escaped by the XML writer; its dates
come from the catalog, never from the clock, so two builds of one catalog are identical.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from . import phrases
from .model import Catalog
from .pages import CHANGES_FEED, PAGE, code_url, page_url
from .view import view

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        e.text = text
    return e


def atom_feed(catalog: Catalog, site_url: str) -> str:
    """The feed: one entry per event, newest first, each linking to the code's page; its id
    and links are absolute (from ``site_url``), as feed readers need."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    changes = base + page_url(PAGE["changes"].file)
    events = view(catalog).events
    feed = ET.Element(f"{{{ATOM}}}feed")
    _el(feed, "id", changes)
    _el(feed, "title", phrases.FEED_TITLE)
    _el(feed, "updated", f"{events[0].date if events else '1970-01-01'}T00:00:00Z")
    _el(_el(feed, "author"), "name", phrases.FEED_AUTHOR)
    _el(feed, "link", rel="self", href=base + CHANGES_FEED, type="application/atom+xml")
    _el(feed, "link", rel="alternate", href=changes, type="text/html")
    for event in events:
        entry = _el(feed, "entry")
        _el(entry, "id", f"{changes}#{event.anchor}")
        _el(entry, "title", event.summary)
        _el(entry, "updated", f"{event.date}T00:00:00Z")
        _el(entry, "link", rel="alternate", href=base + code_url(event.code), type="text/html")
        _el(entry, "summary", f"{event.date}: {event.summary}.")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
