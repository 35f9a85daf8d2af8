"""The one path by which catalog text becomes HTML.

Catalog prose (descriptions, actions, notes, advice, meanings, `when`, `shows`, reasons) is
inline Markdown rendered here by markdown-it with raw HTML and images disabled; every other
catalog string (codes, ids, titles, types, commands, example messages) is plain text that the
templates escape. Nothing downstream parses the result as Markdown again: the generated pages
are final HTML (see render.py), so syntax of other Markdown dialects (attribute lists,
admonitions, ...) in catalog text stays literal.

Links are checked structurally, the way a browser will read them, not against a list of bad
patterns: a link is allowed only if, after the decoding the browser does, it has no scheme
(relative or `#` links) or its scheme is http, https or mailto. ``link_problems`` gives the
validator the same answer the renderer acts on.
"""

from __future__ import annotations

import re
from typing import Iterator

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markupsafe import Markup

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
# What the WHATWG URL parser strips before reading a URL: leading/trailing C0 controls and
# spaces, and every ASCII tab or newline anywhere ("java\tscript:" is "javascript:").
_URL_TRIM = "".join(chr(c) for c in range(0x21))
_URL_DROP = str.maketrans("", "", "\t\n\r")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_PATH_START = re.compile(r"[/?#]")


def link_problem(href: str) -> str | None:
    """Why a link target is not allowed in catalog text, or None when it is."""
    url = href.strip(_URL_TRIM).translate(_URL_DROP)
    allowed = "only http, https, mailto, relative and # links are allowed"
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in url):
        return f"contains a control character; {allowed}"
    if url.startswith(("//", "\\\\", "/\\", "\\/")):
        return f"is protocol-relative; {allowed} (write the full https:// address)"
    first = _PATH_START.split(url, maxsplit=1)[0]
    if ":" not in first:
        return None  # relative path, query or fragment
    scheme = _SCHEME.fullmatch(first[: first.index(":") + 1])
    if scheme and scheme.group(1).lower() in ALLOWED_SCHEMES:
        if scheme.group(1).lower() in ("http", "https") and "@" in _authority(url[scheme.end():]):
            # https://trusted.example@evil.example/ goes to evil.example: the part before @ is a user name.
            return "carries a user name or password before `@`, which hides the real host; link to the host itself"
        return None
    return f"uses the scheme `{first[: first.index(':')][:20]}:`; {allowed}"


def _authority(rest: str) -> str:
    """The host part of what follows `http:`/`https:`, as a browser reads it: backslashes count
    as slashes, and the slashes before the host are optional (`https:u@h` is https://u@h/)."""
    return _PATH_START.split(rest.replace("\\", "/").lstrip("/"), maxsplit=1)[0]


def _md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image"])  # catalog text makes no elements beyond text-level markup and links
    # markdown-it decodes entities and percent-encodes before asking: the check sees what the
    # browser would. A refused link is rendered as its literal source text.
    md.validateLink = lambda url: link_problem(url) is None
    return md


def _code_inline(renderer, tokens, idx, options, env) -> str:
    """`name` in prose: a link to the code's entry when ``name`` is a code of the catalog."""
    name = tokens[idx].content
    code = f"<code>{escapeHtml(name)}</code>"
    if env["code_url"] is not None and name in env["codes"] and not env.get("in_link"):  # env: see inline()
        return f'<a href="{escapeHtml(env["code_url"])}#{name}">{code}</a>'
    return code


def _link_open(renderer, tokens, idx, options, env) -> str:
    env["in_link"] = True  # a code named inside link text stays code: no link inside a link
    return renderer.renderToken(tokens, idx, options, env)


def _link_close(renderer, tokens, idx, options, env) -> str:
    env["in_link"] = False
    return renderer.renderToken(tokens, idx, options, env)


_MD = _md()
_MD.add_render_rule("code_inline", _code_inline)
_MD.add_render_rule("link_open", _link_open)
_MD.add_render_rule("link_close", _link_close)
# The validator's parser: the same rules with link validation off, so it sees refused links too.
_ALL_LINKS = MarkdownIt("commonmark", {"html": False})
_ALL_LINKS.validateLink = lambda url: True


def inline(text: str | None, codes: frozenset[str] | set[str] = frozenset(), code_url: str | None = "") -> Markup:
    """Catalog prose as inline HTML. Backticked names in ``codes`` link to ``code_url#name``
    (``code_url=None``: no links). Line breaks in YAML text are layout, so they fold to spaces."""
    if not text:
        return Markup("")
    return Markup(_MD.renderInline(" ".join(text.split()), {"codes": codes, "code_url": code_url}))


def _inline_tokens(text: str):
    """The leaves of catalog prose as markdown-it reads it: text and code spans, markup dropped.
    The prose is one line first (as YAML folding makes it), so there are no line breaks."""
    for token in _MD.parseInline(" ".join(text.split()))[0].children or ():
        if token.type in ("text", "code_inline"):
            yield token.type, token.content


def segments(text: str | None) -> list[list[str]]:
    """Catalog prose as [kind, text] pieces, kind "text" or "code": what the look-up box shows
    (a code piece in a <code> element, everything as text, never as HTML)."""
    return [["code" if kind == "code_inline" else "text", content] for kind, content in _inline_tokens(text or "")]


def plain(text: str | None) -> str:
    """Catalog prose as plain text for a terminal: code spans keep their backticks, emphasis
    and link syntax are dropped, a link keeps its words."""
    return joined(segments(text))


def joined(pieces: list[list[str]]) -> str:
    """Pieces of prose (see segments) as one line of terminal text."""
    return "".join(f"`{content}`" if kind == "code" else content for kind, content in pieces)


def search_html(text: str | None) -> Markup:
    """Catalog prose for a search index: escaped text with code spans as <code>, nothing else
    (escaped as markdown-it escapes, apostrophes left as they are: the index's words keep them)."""
    if not text:
        return Markup("")
    return Markup("".join(f"<code>{escape(content)}</code>" if kind == "code_inline" else escape(content)
                          for kind, content in _inline_tokens(text)))


def escape(value: str) -> str:
    """Plain text as HTML text: &, <, > and " escaped (as in markdown-it's output)."""
    return escapeHtml(value)


def link_targets(text: str) -> Iterator[str]:
    """Every link target markdown-it finds in ``text``, allowed or not, as written (decoded).

    Parsed with validation off, so the validator sees the links the renderer refuses too."""
    stack = list(_ALL_LINKS.parseInline(" ".join(text.split())))
    while stack:
        token = stack.pop()
        stack.extend(token.children or [])
        if token.type in ("link_open", "image"):
            href = token.attrGet("href") if token.type == "link_open" else token.attrGet("src")
            if isinstance(href, str):
                yield _percent_decode(href)


def _percent_decode(url: str) -> str:
    """Undo markdown-it's percent-encoding of the destination, so the message shows what was written."""
    from urllib.parse import unquote
    return unquote(url)
