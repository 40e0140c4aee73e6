"""Search: a request in, one ResultPage out, rendered by the CLI, the API and the page."""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from indexer.analysis.dedupe import group_size
from indexer.analysis.names import name_table
from indexer.config import Settings
from indexer.engine.collect import ColumnRange, Found, Tally, top_stories
from indexer.errors import QueryError
from indexer.search.expand import expand_query, explain, few_hold_every_word
from indexer.search.highlight import Snippet, Targets, mark, query_targets, snippet, spans
from indexer.search.query import (
    DATE_RANGE,
    LANG_FILTER,
    check_expansion,
    date_filter,
    lang_filter,
    parse_query,
)
from indexer.search.rank import WEIGHTING, rank_query
from indexer.search.suggest import MIN_HITS_BEFORE_SUGGESTING, suggest
from indexer.store.archive import Archive
from indexer.store.schema import stored_metadata

SORTS = ("relevance", "newest", "oldest")
#: Copies and near-copies of a story share this column: a results page shows one of them.
#: Facets counted for every results page: name -> the sortable column it counts.
FACETS = {"source": "source_name", "lang": "langtag", "year": "year"}


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
    expand: bool = True  # names in the other language and script, pinyin, regional words


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
    #: Why the hit matched when it was through another form of a query word:
    #: "matched 騰訊 for Tencent".
    explanation: list[str] = field(default_factory=list)
    #: How many articles tell this story (copies and near-copies, this one included);
    #: search shows one hit per story.
    versions: int = 1

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
            "why": list(self.explanation),
            "versions": self.versions,
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
    #: Queries worth trying instead when nothing (or little) matched: "did you mean".
    suggestions: list[str] = field(default_factory=list)

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
            "suggestions": list(self.suggestions),
        }


def ready(archive: Archive, everything: bool = False) -> None:
    """Load once per process what searches need: the live index, the name table, the
    Chinese word segmenter (English names expand to Chinese ones, so every query may need
    it) and, with `everything`, the dictionary that splits long Chinese words, which few
    queries need. A search's `took_ms` after this is its own time."""
    from indexer.analysis.tokens import get_segmenter, word_parts

    archive.searcher()
    settings = archive.settings
    if settings.expand_names:
        name_table(archive.current_dir(), settings.aliases)
    get_segmenter(archive.meta().get("segmenter", settings.segmenter))
    if everything:
        word_parts("数据中心")


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
    reader = searcher.reader()
    labels: dict[str, str] = {}
    literal = Targets()
    table = None
    if q is not None:
        check_expansion(q, reader)
        if request.expand and settings.expand_names:
            table = name_table(archive.current_dir(), settings.aliases)
            text = DATE_RANGE.sub(" ", request.q.strip()).strip()
            text = LANG_FILTER.sub(" ", text).strip()
            expansion = expand_query(q, text, searcher.schema, table, reader)
            # A name in the other language (马云 → Jack Ma) hints that the story may be told
            # there; when few articles hold every word as typed, translate the common words
            # too (大数据 → big data), so that such a story can hold them all.
            if expansion.crosses and few_hold_every_word(searcher, q):
                expansion = expand_query(q, text, searcher.schema, table, reader, True)
            if expansion.labels:
                literal = query_targets(q, reader)
                q, labels = expansion.query, expansion.labels
    # Ranking bonuses only order the matches: counts, facets and highlights use q.
    ranked = rank_query(q) if q is not None and request.sort == "relevance" else q
    # A date range narrows the matches of words, checked article by article; alone, it is
    # the query.
    ranges: list[ColumnRange] = []
    if q is not None:
        kept = []
        for f in filters:
            as_range = ColumnRange.from_query(f, searcher.schema)
            if as_range is None:
                kept.append(f)
            else:
                ranges.append(as_range)
        if kept:
            q, ranked = wq.And([q, *kept]), wq.And([ranked, *kept])
    else:
        q = ranked = wq.And(filters)
    # What a search finds depends only on the query and the index: counted and ranked
    # once per index commit, the next page and the same search again skip both, as long
    # as the best stories kept reach deep enough.
    key = (archive.searcher_generation(searcher), repr(q), repr(ranked), repr(ranges), request.sort)
    known: _Found | None = _summaries.get(key)
    wanted = request.offset + request.limit
    if known is None or (len(known.best) < wanted and known.best_depth < known.total):
        tally = Tally(FACETS) if known is None else None
        depth = max(wanted, KEPT_PER_SEARCH)
        best = top_stories(
            searcher,
            ranked,
            depth,
            searcher.context(weighting=WEIGHTING),
            ranges,
            by_column=None if request.sort == "relevance" else "published",
            newest=request.sort == "newest",
            tally=tally,
        )
        if known is None:
            assert tally is not None
            facets = {
                name: facet_counts(name, searcher.schema[column], tally.counts[name])
                for name, column in FACETS.items()
            }
            known = _Found(tally.total, facets, best, depth)
        else:
            known = _Found(known.total, known.facets, best, depth)
        _summaries.put(key, known)
    page.total = known.total
    if request.facets:
        page.facets = known.facets
    found = known.best
    targets = query_targets(q, reader)
    for hit in found[request.offset : request.offset + request.limit]:
        page.hits.append(
            make_hit(searcher, hit.docnum, hit.score, targets, settings, labels, literal)
        )
    if page.total < MIN_HITS_BEFORE_SUGGESTING and request.q.strip():
        page.suggestions = suggest(searcher, request, settings, table)
    page.took_ms = (time.perf_counter() - started) * 1000
    return page


class _LRU:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


@dataclass(frozen=True)
class _Found:
    """What one search found in one index commit: its story count and facet counts, and
    its best stories to a depth (all of them when it reaches `total`)."""

    total: int
    facets: dict[str, list[tuple[str, int]]]
    best: list[Found]
    best_depth: int


#: Stories a search keeps ranked for the pages after the first (10 pages of 10).
KEPT_PER_SEARCH = 100
_summaries = _LRU(1024)  # (index generation, query, sort) -> _Found


def facet_counts(
    name: str, field: Any, counted: dict[Any, int], newest_year_first: bool = True
) -> list[tuple[str, int]]:
    """(value, count) of a facet from counts by raw column value: years in order (newest
    first unless told otherwise), other facets most frequent first."""
    counts = [(field.from_column_value(v), n) for v, n in counted.items() if v]
    if name == "year":
        return sorted(counts, reverse=newest_year_first)
    return sorted(counts, key=lambda vc: (-vc[1], vc[0]))


def _filters(request: SearchRequest) -> list[wq.Query]:
    out: list[wq.Query] = []
    if request.date_from or request.date_to:
        out.append(date_filter(request.date_from, request.date_to))
    if request.source:
        out.append(wq.Term("source_name", request.source))
    if request.lang:
        out.append(lang_filter(request.lang))
    if request.year:
        if not re.fullmatch(r"\d{4}", request.year):
            raise QueryError("year must be four digits")
        out.append(wq.Term("year", request.year))
    return out


def make_hit(
    searcher: Any,
    docnum: int,
    score: float | None,
    targets: Targets,
    settings: Settings,
    labels: dict[str, str] | None = None,
    literal: Targets | None = None,
) -> Hit:
    """A Whoosh hit as the reader sees it: metadata, marked title and snippet, and why."""
    reader = searcher.reader()
    stored = searcher.stored_fields(docnum)
    body, title = stored.get("body", ""), stored.get("title", "")
    body_marks = spans(reader, docnum, "body", targets)
    title_marks = spans(reader, docnum, "title", targets)
    return Hit(
        **stored_metadata(stored),
        title=title,
        score=float(score or 0.0),
        snippet=snippet(body, body_marks, settings.snippet_chars),
        title_marked=mark(title, title_marks),
        explanation=(
            explain({"title": (title, title_marks), "body": (body, body_marks)}, labels, literal)
            if labels and literal is not None
            else []
        ),
        versions=group_size(searcher, stored.get("group")),
    )
