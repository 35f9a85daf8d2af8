"""`text.link_problem`, the one decision on a link in catalog prose, held to exact answers at
each boundary (issue 20: its control ranges, backslash variants and scheme names survived
mutation testing)."""

from __future__ import annotations

import pytest

from xemcat.text import link_problem

ALLOWED = "only http, https, mailto, relative and # links are allowed"


@pytest.mark.parametrize("href", ["https://xerotier.ai/docs", "http://a.example/", "mailto:ops@example.org",
                                  "MAILTO:ops@example.org", "#request-id", "../error-codes/#x", "?q=1",
                                  "https://a\xa0b", "https://a b", "https://a~b"])
def test_allowed_links(href):
    assert link_problem(href) is None


@pytest.mark.parametrize("href, reason", [
    ("javascript:alert(1)", f"uses the scheme `javascript:`; {ALLOWED}"),
    ("\x01javascript:alert(1)", f"uses the scheme `javascript:`; {ALLOWED}"),  # C0 and space are trimmed first
    (" \x20https://ok.example/", None),
    ("!x:y", f"uses the scheme `!x:`; {ALLOWED}"),  # 0x21 is not trimmed
    ('"x:y', f'uses the scheme `"x:`; {ALLOWED}'),
    ("Xhttps://a.example/", f"uses the scheme `Xhttps:`; {ALLOWED}"),
    ("java\tscript:alert(1)", f"uses the scheme `javascript:`; {ALLOWED}"),  # tabs and newlines dropped
    ("java\nscript:alert(1)", f"uses the scheme `javascript:`; {ALLOWED}"),
    ("java\rscript:alert(1)", f"uses the scheme `javascript:`; {ALLOWED}"),
    ("https://a\x1fb", f"contains a control character; {ALLOWED}"),
    ("https://a\x7fb", f"contains a control character; {ALLOWED}"),
    ("https://a\x80b", f"contains a control character; {ALLOWED}"),
    ("https://a\x9fb", f"contains a control character; {ALLOWED}"),
    ("//evil.example/", f"is protocol-relative; {ALLOWED} (write the full https:// address)"),
    ("\\\\evil.example/", f"is protocol-relative; {ALLOWED} (write the full https:// address)"),
    ("/\\evil.example/", f"is protocol-relative; {ALLOWED} (write the full https:// address)"),
    ("\\/evil.example/", f"is protocol-relative; {ALLOWED} (write the full https:// address)"),
    ("https://u@evil.example/", "carries a user name or password before `@`, which hides the real host; "
                                "link to the host itself"),
    ("data:text/html,x", f"uses the scheme `data:`; {ALLOWED}"),
])
def test_refused_links_and_why(href, reason):
    assert link_problem(href) == reason


@pytest.mark.parametrize("href, refused", [
    ("https://u@evil.example/", True), ("https:u@evil.example/", True), ("http:\\\\u@evil.example/", True),
    ("https://a\\@b/", False),  # the backslash ends the host: the browser goes to `a`
    ("https://a/b@c", False), ("https://a?x=b@c", False), ("https://a#b@c", False), ("mailto:ops@example.org", False),
])
def test_a_user_name_is_found_where_the_browser_reads_the_host(href, refused):
    assert (link_problem(href) is not None) == refused, href


def test_a_long_scheme_is_named_in_twenty_characters():
    assert link_problem("a" * 30 + ":x") == f"uses the scheme `{'a' * 20}:`; {ALLOWED}"


def test_plain_urls_and_typography_stay_as_written():
    """linkify and typographer are off: prose links only where the writer wrote a link."""
    from xemcat.text import inline
    assert inline('"quoted" -- (c) see https://example.org now') == \
        "&quot;quoted&quot; -- (c) see https://example.org now"


def test_every_link_and_image_target_in_prose_is_seen():
    """The validator sees images too: `![x](javascript:...)` is a link target like any other."""
    from xemcat.text import link_targets
    prose = "See [the docs](https://a.example/x) and ![a diagram](javascript:alert(1)), [`code`](#request-id)."
    assert sorted(link_targets(prose)) == sorted(["https://a.example/x", "javascript:alert(1)", "#request-id"])


@pytest.mark.parametrize("command, matches", [
    ("xeroctl keys <key-id>", True),
    ("xeroctl keys <id>", True),  # the placeholder's name may differ from the form's
    ("xeroctl keys <key-id> --verbose", True),  # the optional part
    ("xeroctl keys abc123", False),  # a concrete word where the form has a placeholder
    ("xeroctl keys", False),
    ("xeroctl keys <key-id> --verbos", False),
])
def test_a_diagnostic_matches_a_registry_form_placeholder_for_placeholder(command, matches):
    from xemcat.vocabulary import command_pattern
    assert bool(command_pattern("xeroctl keys <key-id> [--verbose]").fullmatch(command)) is matches


def test_prose_is_pieces_of_text_and_code_for_the_box_and_the_search():
    from xemcat.text import search_html, segments
    prose = "Retry with `xeroctl keys <id>` *later*."
    assert segments(prose) == [["text", "Retry with "], ["code", "xeroctl keys <id>"], ["text", " "], ["text", "later"],
                               ["text", "."]]  # emphasis dropped, its words kept
    assert str(search_html(prose)) == "Retry with <code>xeroctl keys &lt;id&gt;</code> later."
