"""newsarchive: a bilingual (English / Chinese) news-archive search engine built on Whoosh.

The public API, what a script imports::

    from indexer import Archive, SearchRequest, search, load_settings

Names are loaded on first use, so ``import indexer`` stays cheap for the command line.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_PUBLIC = {
    "Archive": "indexer.store",
    "IndexSummary": "indexer.store",
    "SearchRequest": "indexer.search",
    "ResultPage": "indexer.search",
    "Hit": "indexer.search",
    "search": "indexer.search",
    "more_like_this": "indexer.search",
    "Settings": "indexer.config",
    "load_settings": "indexer.config",
    "Article": "indexer.article",
    "read_inputs": "indexer.parse",
    "NewsArchiveError": "indexer.errors",
    "ConfigError": "indexer.errors",
    "QueryError": "indexer.errors",
    "NotFoundError": "indexer.errors",
    "IndexMissingError": "indexer.errors",
    "OutdatedIndexError": "indexer.errors",
    "IndexLockedError": "indexer.errors",
}

__all__ = sorted(_PUBLIC)

if TYPE_CHECKING:  # pragma: no cover
    from indexer.article import Article
    from indexer.config import Settings, load_settings
    from indexer.errors import (
        ConfigError,
        IndexLockedError,
        IndexMissingError,
        NewsArchiveError,
        NotFoundError,
        OutdatedIndexError,
        QueryError,
    )
    from indexer.parse import read_inputs
    from indexer.search import Hit, ResultPage, SearchRequest, more_like_this, search
    from indexer.store import Archive, IndexSummary


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'indexer' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
