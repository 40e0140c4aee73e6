"""Request parameters to library requests, checked; bad values raise QueryError (400)."""

from __future__ import annotations

from collections.abc import Mapping

from indexer.config import Settings
from indexer.errors import QueryError
from indexer.search.core import MAX_OFFSET, SearchRequest, check_sort
from indexer.search.query import check_lang

MAX_PARAM_LENGTH = 200  # every parameter but q (whose limit is search.max_query_length)
MAX_ID_LENGTH = 2048


def _int(args: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise QueryError("{name} must be a whole number", name=name) from None
    if not lo <= value <= hi:
        raise QueryError("{name} must be between {least} and {most}", name=name, least=lo, most=hi)
    return value


def _text(args: Mapping[str, str], name: str, limit: int = MAX_PARAM_LENGTH) -> str | None:
    value = args.get(name)
    if value in (None, ""):
        return None
    if len(str(value)) > limit:
        raise QueryError("{name} is too long (at most {most} characters)", name=name, most=limit)
    if "\x00" in str(value):
        raise QueryError("{name} must not contain NUL characters", name=name)
    return str(value)


def search_request(
    args: Mapping[str, str], settings: Settings, default_limit: int | None = None
) -> SearchRequest:
    """A SearchRequest from query-string arguments (q, limit, offset or page, sort, filters)."""
    limit = _int(args, "limit", default_limit or settings.default_limit, 1, settings.max_limit)
    offset = _int(args, "offset", 0, 0, MAX_OFFSET)
    if args.get("page"):
        offset = (_int(args, "page", 1, 1, MAX_OFFSET // limit + 1) - 1) * limit
    sort = args.get("sort") or "relevance"
    check_sort(sort)
    lang = _text(args, "lang")
    if lang:
        check_lang(lang)
    return SearchRequest(
        q=args.get("q", "") or "",
        limit=limit,
        offset=offset,
        sort=sort,
        date_from=_text(args, "from", 10),
        date_to=_text(args, "to", 10),
        source=_text(args, "source"),
        lang=lang,
        year=_text(args, "year", 4),
        expand=_expand(args),
    )


def _expand(args: Mapping[str, str]) -> bool:
    """`expand=0` searches the words as typed, without the other forms of names."""
    value = args.get("expand") or "1"
    if value not in ("0", "1"):
        raise QueryError("expand must be 0 or 1")
    return value == "1"


def is_search(request: SearchRequest) -> bool:
    """Whether the request asks for anything (a query or a filter), not just the empty form."""
    return bool(
        request.q.strip()
        or request.date_from
        or request.date_to
        or request.source
        or request.lang
        or request.year
    )


def article_id(args: Mapping[str, str], value: str | None = None) -> str:
    """An article id from the URL path or the `id` parameter."""
    article = value if value is not None else args.get("id")
    if not article:
        raise QueryError("{name} is required", name="id")
    if len(article) > MAX_ID_LENGTH:
        raise QueryError(
            "{name} is too long (at most {most} characters)", name="id", most=MAX_ID_LENGTH
        )
    return article


def query_text(args: Mapping[str, str], settings: Settings) -> str:
    """The `q` that an article page marks, length-checked like a search."""
    return _text(args, "q", settings.max_query_length) or ""


def related_count(args: Mapping[str, str]) -> int:
    return _int(args, "related", 5, 0, 50)


def article_request(
    args: Mapping[str, str], path_id: str | None, settings: Settings
) -> tuple[str, str, int]:
    """The article page's parameters, checked: (article id, query to mark, related count)."""
    return article_id(args, path_id), query_text(args, settings), related_count(args)
