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
    "Archive": "indexer.store.archive",
    "IndexSummary": "indexer.store.archive",
    "SearchRequest": "indexer.search.core",
    "ResultPage": "indexer.search.core",
    "Hit": "indexer.search.core",
    "search": "indexer.search.core",
    "more_like_this": "indexer.search.related",
    "Settings": "indexer.config",
    "load_settings": "indexer.config",
    "Article": "indexer.ingest.article",
    "read_inputs": "indexer.ingest.parse",
    "NewsArchiveError": "indexer.errors",
    "ConfigError": "indexer.errors",
    "QueryError": "indexer.errors",
    "NotFoundError": "indexer.errors",
    "IndexMissingError": "indexer.errors",
    "OutdatedIndexError": "indexer.errors",
    "IndexLockedError": "indexer.errors",
}

__all__ = [
    "Archive",
    "Article",
    "ConfigError",
    "Hit",
    "IndexLockedError",
    "IndexMissingError",
    "IndexSummary",
    "NewsArchiveError",
    "NotFoundError",
    "OutdatedIndexError",
    "QueryError",
    "ResultPage",
    "SearchRequest",
    "Settings",
    "load_settings",
    "more_like_this",
    "read_inputs",
    "search",
]

if TYPE_CHECKING:  # pragma: no cover
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
    from indexer.ingest.article import Article
    from indexer.ingest.parse import read_inputs
    from indexer.search.core import Hit, ResultPage, SearchRequest, search
    from indexer.search.related import more_like_this
    from indexer.store.archive import Archive, IndexSummary


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'indexer' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
