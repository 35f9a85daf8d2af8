"""xemcat: the XEM error-code catalog: load, validate, render.

Nothing in this package imports MkDocs except ``mkdocs_hook``, the thin site adapter.
"""

from .catalog import check_catalog, load_catalog
from .model import Catalog, ErrorCode
from .problems import CatalogError, Problem

__all__ = ["Catalog", "CatalogError", "ErrorCode", "Problem", "check_catalog", "load_catalog"]
