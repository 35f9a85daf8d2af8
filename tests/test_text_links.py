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
