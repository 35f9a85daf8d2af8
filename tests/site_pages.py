"""The pages the layout, accessibility and hostile-text tests visit, from the page registry.

A new page gets those tests without being named here. Code pages share one template: the one
with a caveat and a long name stands for all of them. (Computed here, not in conftest.py: a
conftest that calls the product at import turns a mutation tool's "every test fails" check
into a usage error.)
"""

from xemcat.pages import HAND_WRITTEN, PAGES, code_url, page_url

GENERATED = {p.id: page_url(p.file) for p in PAGES}  # page id -> URL path from the site root
GENERATED["code"] = code_url("tool_executor_unavailable")
ALL_PAGES = tuple(GENERATED.values()) + tuple(page_url(f) for f in HAND_WRITTEN.values())
