"""xemcat: the XEM error-code catalog: load, validate, render.

Nothing in this package imports MkDocs except ``mkdocs_hook``, the thin site adapter. The package
itself imports nothing, so ``xemcat --help`` and the start of every command stay cheap: import
what you use (``xemcat.catalog.load_catalog``, ``xemcat.model.Catalog``, ...).
"""
