"""Library errors as HTTP answers: the one place that maps them to a status."""

from __future__ import annotations

from indexer.errors import (
    IndexLockedError,
    IndexMissingError,
    NewsArchiveError,
    NotFoundError,
    OutdatedIndexError,
    QueryError,
)

#: Most specific first: an IndexMissingError is also a NotFoundError.
STATUS: list[tuple[type[NewsArchiveError], int]] = [
    (IndexMissingError, 503),
    (OutdatedIndexError, 503),
    (NotFoundError, 404),
    (QueryError, 400),
    (IndexLockedError, 409),
]


def http_status(exc: NewsArchiveError) -> int:
    """The status the web app answers with for a library error (503 for any other: the
    archive cannot answer now, which is not the reader's fault)."""
    return next((status for kind, status in STATUS if isinstance(exc, kind)), 503)
