"""Search: a request in, one ResultPage out, rendered by the CLI, the API and the page."""

from __future__ import annotations

import re
import time
from itertools import islice
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from whoosh import query as wq
from whoosh.sorting import Count, FieldFacet
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    MultifieldParser,
    OrGroup,
    PlusMinusPlugin,
)

from .article import format_date
from .config import Settings
from .errors import QueryError
from .highlight import Snippet, mark, query_targets, snippet, spans
from .schema import SEARCH_FIELDS
from .store import Archive

SORTS = ("relevance", "newest", "oldest")
LANGS = {"en", "zh", "zh-hans", "zh-hant"}
#: Facets counted for every results page: name -> the sortable column it counts.
FACETS = {
    "source": FieldFacet("source_name"),
    "lang": FieldFacet("langtag"),
    "year": FieldFacet("year"),
}
_DATE_RANGE = re.compile(r"(?<!\S)(?:date|published):(\S*?)\.\.(\S*)")
_WILDCARD = re.compile(r"[*?]")
MIN_PREFIX = 2  # literal characters before a * or ?
MAX_EXPANSION = 1000  # index words one wildcard may stand for
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


@dataclass(frozen=True)
class SearchRequest:
    """What a reader asked for; every face builds one of these."""

    q: str = ""
    limit: int = 10
    offset: int = 0
    sort: str = "relevance"
    date_from: str | None = None
    date_to: str | None = None
    source: str | None = None  # exact source name
    lang: str | None = None  # en, zh, zh-Hans or zh-Hant
    year: str | None = None
    facets: bool = True


@dataclass
class Hit:
    """One matching article, with what the reader needs to judge it."""

    id: str
    title: str
    url: str | None
    source: str | None
    author: str | None
    published: str | None
    lang: str
    score: float
    snippet: Snippet
    title_marked: Snippet

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "author": self.author,
            "published": self.published,
            "lang": self.lang,
            "score": round(self.score, 4),
            "snippet": self.snippet.html(),
            "matched": sorted(set(self.snippet.matched + self.title_marked.matched)),
        }


@dataclass
class ResultPage:
    """The one result object: the HTML page, the JSON API and `search --json` render it."""

    query: str
    total: int
    offset: int
    limit: int
    sort: str
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    took_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "sort": self.sort,
            "took_ms": round(self.took_ms, 2),
            "hits": [h.to_dict() for h in self.hits],
            "facets": {
                name: [{"value": value, "count": count} for value, count in values]
                for name, values in self.facets.items()
            },
        }


def parse_query(text: str, schema: Any, settings: Settings) -> tuple[wq.Query | None, list[wq.Query]]:
    """The reader's query language as a Whoosh query and date filters.

    Raises QueryError when the query cannot be read. The query is None when the text
    held only filters.
    """
    if len(text) > settings.max_query_length:
        raise QueryError(
            f"query too long ({len(text)} characters; the limit is {settings.max_query_length})"
        )
    filters: list[wq.Query] = []
    for match in _DATE_RANGE.finditer(text):
        filters.append(date_filter(match.group(1) or None, match.group(2) or None))
    text = _DATE_RANGE.sub(" ", text).strip()
    if not text:
        return None, filters
    group = AndGroup if settings.default_operator == "and" else OrGroup
    parser = MultifieldParser(list(SEARCH_FIELDS), schema, fieldboosts=SEARCH_FIELDS, group=group)
    parser.add_plugin(FieldAliasPlugin({"published": ["date"], "lang": ["language"]}))
    parser.add_plugin(PlusMinusPlugin())
    try:
        q = parser.parse(text)
    except Exception as exc:  # the parser's own errors carry no stable type
        raise QueryError(f"cannot read the query: {exc}") from None
    for node in _walk(q):
        error = getattr(node, "error", None)
        if error:
            raise QueryError(f"cannot read the query: {error}")
        if isinstance(node, wq.Every):
            raise QueryError(f"a wildcard needs at least {MIN_PREFIX} letters before * or ?")
        if isinstance(node, wq.Wildcard | wq.Prefix):
            literal = _WILDCARD.split(str(node.text), maxsplit=1)[0]
            if len(literal) < MIN_PREFIX:
                raise QueryError(
                    f"a wildcard needs at least {MIN_PREFIX} letters before * or ?"
                )
    if q is wq.NullQuery:
        return None, filters
    return q, filters


def check_expansion(q: wq.Query, reader: Any) -> None:
    """Refuse wildcards that stand for too many words (they would make the search crawl)."""
    for node in _walk(q):
        if isinstance(node, wq.Wildcard | wq.Prefix):
            count = sum(1 for _ in islice(node.expanded_terms(reader), MAX_EXPANSION + 1))
            if count > MAX_EXPANSION:
                raise QueryError(
                    f"{node.text!r} matches more than {MAX_EXPANSION} words; make it longer"
                )


def _walk(q: wq.Query) -> list[wq.Query]:
    out = [q]
    for child in q.children():
        out.extend(_walk(child))
    return out


def _date_bound(value: str, upper: bool) -> datetime:
    """A date (YYYY, YYYY-MM or YYYY-MM-DD) as the first or last moment it covers."""
    match = _PARTIAL_DATE.match(value.strip())
    if not match:
        raise QueryError(f"invalid date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    try:
        if not upper:
            return datetime(year, month or 1, day or 1)
        if day:
            last = date(year, month, day)
        elif month:
            last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
        else:
            last = date(year, 12, 31)
    except ValueError:
        raise QueryError(f"invalid date {value!r}: no such month or day") from None
    return datetime(last.year, last.month, last.day, 23, 59, 59)


def search(archive: Archive, request: SearchRequest) -> ResultPage:
    """Run a search and build the result page: ranked hits with highlighted snippets."""
    settings = archive.settings
    started = time.perf_counter()
    if request.sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}")
    if not 1 <= request.limit <= settings.max_limit:
        raise QueryError(f"limit must be between 1 and {settings.max_limit}")
    if not 0 <= request.offset <= 10_000:
        raise QueryError("offset must be between 0 and 10000")
    page = ResultPage(request.q, 0, request.offset, request.limit, request.sort)
    searcher = archive.searcher()
    q, filters = parse_query(request.q.strip(), searcher.schema, settings)
    filters += _filters(request)
    if q is None and not filters:
        return page
    if q is not None:
        check_expansion(q, searcher.reader())
    q = wq.And([q, *filters]) if q is not None and filters else (q or wq.And(filters))
    sortedby = None
    if request.sort != "relevance":
        sortedby = "published"
    results = searcher.search(
        q,
        limit=request.offset + request.limit,
        sortedby=sortedby,
        reverse=request.sort == "newest",
        groupedby=FACETS if request.facets else None,
        maptype=Count,
    )
    page.total = len(results)
    if request.facets:
        page.facets = {name: _facet_counts(name, results.groups(name)) for name in FACETS}
    reader = searcher.reader()
    targets = query_targets(q, reader)
    for hit in results[request.offset : request.offset + request.limit]:
        stored = hit.fields()
        body, title = stored.get("body", ""), stored.get("title", "")
        published = stored.get("published")
        page.hits.append(
            Hit(
                id=stored["id"],
                title=title,
                url=stored.get("url"),
                source=stored.get("source"),
                author=stored.get("author"),
                published=format_date(published) if isinstance(published, datetime) else None,
                lang=stored.get("lang", ""),
                score=float(hit.score or 0.0),
                snippet=snippet(body, spans(reader, hit.docnum, "body", targets), settings.snippet_chars),
                title_marked=mark(title, spans(reader, hit.docnum, "title", targets)),
            )
        )
    page.took_ms = (time.perf_counter() - started) * 1000
    return page


def _facet_counts(name: str, groups: dict[Any, int]) -> list[tuple[str, int]]:
    counts = [(str(v), n) for v, n in groups.items() if v not in (None, "")]
    if name == "year":
        return sorted(counts, reverse=True)
    return sorted(counts, key=lambda vc: (-vc[1], vc[0]))


def _filters(request: SearchRequest) -> list[wq.Query]:
    out: list[wq.Query] = []
    if request.date_from or request.date_to:
        out.append(date_filter(request.date_from, request.date_to))
    if request.source:
        out.append(wq.Term("source_name", request.source))
    if request.lang:
        if request.lang.lower() not in LANGS:
            raise QueryError(f"lang must be one of {', '.join(sorted(LANGS))}")
        out.append(wq.Term("lang", request.lang.lower()))
    if request.year:
        if not re.fullmatch(r"\d{4}", request.year):
            raise QueryError("year must be four digits")
        out.append(wq.Term("year", request.year))
    return out


def date_filter(date_from: str | None, date_to: str | None) -> wq.Query:
    """Articles published between two dates (either may be open), bounds included."""
    lo = _date_bound(date_from, False) if date_from else None
    hi = _date_bound(date_to, True) if date_to else None
    if lo and hi and lo > hi:
        raise QueryError("the 'from' date is after the 'to' date")
    return wq.DateRange("published", lo, hi)
