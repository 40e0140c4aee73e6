"""Request parameters to a SearchRequest, checked; bad values raise QueryError (400)."""

from __future__ import annotations

from collections.abc import Mapping

from indexer.config import Settings
from indexer.errors import QueryError
from indexer.search import SORTS, SearchRequest


def _int(args: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise QueryError(f"{name} must be a whole number") from None
    if not lo <= value <= hi:
        raise QueryError(f"{name} must be between {lo} and {hi}")
    return value


def search_request(args: Mapping[str, str], settings: Settings) -> SearchRequest:
    """A SearchRequest from query-string arguments (q, limit, offset or page, sort, from, to)."""
    limit = _int(args, "limit", settings.default_limit, 1, settings.max_limit)
    offset = _int(args, "offset", 0, 0, 10_000)
    if args.get("page"):
        offset = (_int(args, "page", 1, 1, 10_000 // limit + 1) - 1) * limit
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}")
    return SearchRequest(
        q=args.get("q", ""),
        limit=limit,
        offset=offset,
        sort=sort,
        date_from=args.get("from") or None,
        date_to=args.get("to") or None,
        source=args.get("source") or None,
        lang=args.get("lang") or None,
        year=args.get("year") or None,
    )
