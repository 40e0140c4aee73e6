"""Search: a request in, one ResultPage out, rendered by the CLI, the API and the page."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq

from indexer.analysis.dedupe import group_size
from indexer.analysis.fold import has_han
from indexer.analysis.names import NameTable, name_table
from indexer.cache import LRU
from indexer.config import Settings
from indexer.engine.collect import ColumnRange, Found, Tally, top_stories
from indexer.errors import QueryError
from indexer.search.characters import with_characters
from indexer.search.expand import PINYIN_MAX_DF, Explanation, expand_search, explain
from indexer.search.forms import Bar, Name, NameForm, by_year_or_month, form_query, name_forms
from indexer.search.highlight import Snippet, Targets, mark, query_targets, snippet, spans
from indexer.search.query import (
    check_expansion,
    date_filter,
    lang_filter,
    parse_query,
)
from indexer.search.rank import WEIGHTING, rank_query
from indexer.search.suggest import SUGGEST_BELOW, suggest
from indexer.store.archive import Archive
from indexer.store.schema import stored_metadata

SORTS = ("relevance", "newest", "oldest")
MAX_OFFSET = 10_000  # hits a page may skip
#: Copies and near-copies of a story share this column: a results page shows one of them.
#: Facets counted for every results page: name -> the sortable column it counts.
FACETS = {"source": "source_name", "lang": "langtag", "year": "year"}
#: Counted beside the facets for the timeline, when results span only months.
TIMELINE = {"published": "published"}
#: Names of one query shown with their forms.
MAX_NAMES = 3
#: A lower-case query word held by more articles than this is a word, not a name.
COMMON_WORD_DF = PINYIN_MAX_DF


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
class Metadata:
    """What a reader sees of any article: the fields a hit, an article page and a citation
    share (the date as YYYY-MM-DD, the language and script as en, zh-Hans or zh-Hant)."""

    id: str
    title: str
    url: str | None
    source: str | None
    author: str | None
    published: str | None
    lang: str

    def metadata(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "author": self.author,
            "published": self.published,
            "lang": self.lang,
        }


@dataclass
class Hit(Metadata):
    """One matching article, with what the reader needs to judge it."""

    score: float
    snippet: Snippet
    title_marked: Snippet
    #: Why the hit matched when it was through another form of a query word:
    #: "matched 騰訊 for Tencent".
    explanation: list[Explanation] = field(default_factory=list)
    #: How many articles tell this story (copies and near-copies, this one included);
    #: search shows one hit per story.
    versions: int = 1

    @property
    def matched(self) -> list[str]:
        """What the hit's title and snippet mark, as the article writes it."""
        return sorted(set(self.snippet.matched + self.title_marked.matched))

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.metadata(),
            "score": round(self.score, 4),
            "snippet": self.snippet.html(),
            "matched": self.matched,
            "why": [e.to_dict() for e in self.explanation],
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
    #: Names of the query the archive knows in several forms (马云 · 馬雲 · Jack Ma).
    names: list[Name] = field(default_factory=list)
    #: Stories by year, or by month when they span less than three years.
    timeline: list[Bar] = field(default_factory=list)

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
            "names": [n.to_dict() for n in self.names],
            "timeline": [b.to_dict() for b in self.timeline],
        }


def ready(archive: Archive, everything: bool = False) -> None:
    """Load once per process what searches need: the live index, the name table, the
    Chinese word segmenter (English names expand to Chinese ones, so every query may need
    it), OpenCC's regional phrase tables and, with `everything`, the dictionary that
    splits long Chinese words, which few queries need. A search's `took_ms` after this is
    its own time."""
    from indexer.analysis.tokens import get_segmenter, word_parts

    archive.searcher()
    settings = archive.settings
    if settings.expand_names:
        table = name_table(archive.current_dir(), settings.aliases)
        table.synonyms("软件")  # OpenCC's regional phrase tables, opened once per thread
    get_segmenter(archive.meta().get("segmenter", settings.segmenter))
    if everything:
        word_parts("数据中心")


def check_sort(sort: str) -> None:
    """QueryError unless `sort` is one of SORTS."""
    if sort not in SORTS:
        raise QueryError("{name} must be one of {values}", name="sort", values=", ".join(SORTS))


def search(archive: Archive, request: SearchRequest) -> ResultPage:
    """Run a search and build the result page: ranked hits with highlighted snippets."""
    settings = archive.settings
    started = time.perf_counter()
    check_sort(request.sort)
    if not 1 <= request.limit <= settings.max_limit:
        raise QueryError(
            "{name} must be between {least} and {most}",
            name="limit",
            least=1,
            most=settings.max_limit,
        )
    if not 0 <= request.offset <= MAX_OFFSET:
        raise QueryError(
            "{name} must be between {least} and {most}", name="offset", least=0, most=MAX_OFFSET
        )
    page = ResultPage(request.q, 0, request.offset, request.limit, request.sort)
    searcher = archive.searcher()
    q, filters = parse_query(request.q.strip(), searcher.schema, settings)
    filters += _filters(request)
    if q is None and not filters:
        return page
    reader = searcher.reader()
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {}
    literal = Targets()
    table = None
    names: dict[str, tuple[str, ...]] = {}
    if q is not None:
        check_expansion(q, reader)
        if settings.expand_names:
            table = name_table(archive.current_dir(), settings.aliases)
            expansion = expand_search(searcher, q, request.q, table)
            names = expansion.names
            if expansion.labels and request.expand:
                literal = query_targets(q, reader)
                q, labels, kinds = expansion.query, expansion.labels, expansion.kinds
        # Chinese words also by their characters, wherever the segmenter cut them.
        q = with_characters(q)
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
    assert ranked is not None
    known = _find(
        archive, searcher, q, ranked, ranges, request.sort, request.offset + request.limit
    )
    page.total = known.total
    if request.facets:
        page.facets = known.facets
        page.timeline = known.timeline
        if table is not None and names:
            page.names = _names(archive, searcher, table, names)
    found = known.best
    targets = query_targets(q, reader)
    for hit in found[request.offset : request.offset + request.limit]:
        page.hits.append(
            make_hit(searcher, hit.docnum, hit.score, targets, settings, labels, literal, kinds)
        )
    if page.total < SUGGEST_BELOW and request.q.strip():
        page.suggestions = suggest(searcher, request, settings, table, page.total)
    page.took_ms = (time.perf_counter() - started) * 1000
    return page


def _find(
    archive: Archive,
    searcher: Any,
    q: wq.Query,
    ranked: wq.Query,
    ranges: list[ColumnRange],
    sort: str,
    wanted: int,
) -> _Found:
    """The stories a query finds, counted and ranked at least `wanted` deep."""
    # What a search finds depends only on the query and the index: counted and ranked
    # once per index commit, the next page and the same search again skip both, as long
    # as the best stories kept reach deep enough.
    key = (archive.searcher_generation(searcher), repr(q), repr(ranked), repr(ranges), sort)
    known: _Found | None = _summaries.get(key)
    if known is not None and (len(known.best) >= wanted or known.best_depth >= known.total):
        return known
    tally = Tally({**FACETS, **TIMELINE}) if known is None else None
    depth = max(wanted, KEPT_PER_SEARCH)
    best = top_stories(
        searcher,
        ranked,
        depth,
        searcher.context(weighting=WEIGHTING),
        ranges,
        by_column=None if sort == "relevance" else "published",
        newest=sort == "newest",
        tally=tally,
    )
    if known is None:
        assert tally is not None
        facets = {
            name: facet_counts(name, searcher.schema[column], tally.counts[name])
            for name, column in FACETS.items()
        }
        dated = searcher.schema["published"]
        undated = dated.column_type.default_value()
        dates = [(v, n) for v, n in tally.counts["published"].items() if v and v != undated]
        timeline = by_year_or_month(
            facets["year"], lambda: ((dated.from_column_value(v), n) for v, n in dates)
        )
        known = _Found(tally.total, facets, best, depth, timeline)
    else:
        known = _Found(known.total, known.facets, best, depth, known.timeline)
    _summaries.put(key, known)
    return known


def _names(
    archive: Archive, searcher: Any, table: NameTable, names: dict[str, tuple[str, ...]]
) -> list[Name]:
    """The forms of the query's names, each with the articles a search for it alone finds,
    by language (worked out once per index commit)."""
    panel = (archive.searcher_generation(searcher), tuple(names.items()))
    known: list[Name] | None = _panels.get(panel)
    if known is not None:
        return known
    out = []
    for typed, key in list(names.items())[:MAX_NAMES]:
        if _common_word(searcher, typed, key):
            continue
        forms = []
        for written in name_forms(table, typed, key):
            q, _ = parse_query(form_query(written[0]), searcher.schema, archive.settings)
            counts: dict[str, int] = {}
            if q is not None:
                found = _find(archive, searcher, q, q, [], "relevance", 1)
                counts = dict(found.facets.get("lang", []))
            forms.append(NameForm(written, "zh" if has_han(written[0]) else "en", counts))
        if len(forms) > 1:  # the form typed first, then the commonest
            forms[1:] = sorted(forms[1:], key=lambda f: -f.total)
            out.append(Name(typed, tuple(forms)))
    _panels.put(panel, out)
    return out


def _common_word(searcher: Any, typed: str, key: tuple[str, ...]) -> bool:
    """Whether a query word that the name table also knows as a name is, as typed, more
    likely the common word ("prices", not 普莱斯 Price): one word in lower case that many
    articles hold."""
    return (
        len(key) == 1
        and typed.islower()
        and searcher.reader().doc_frequency("body", key[0]) > COMMON_WORD_DF
    )


@dataclass(frozen=True)
class _Found:
    """What one search found in one index commit: its story count and facet counts, and
    its best stories to a depth (all of them when it reaches `total`)."""

    total: int
    facets: dict[str, list[tuple[str, int]]]
    best: list[Found]
    best_depth: int
    timeline: list[Bar]


#: Stories a search keeps ranked for the pages after the first (10 pages of 10).
KEPT_PER_SEARCH = 100
_summaries: LRU[_Found] = LRU(1024)  # (index generation, query, sort) -> _Found
_panels: LRU[Any] = LRU(512)  # (index generation, the query's names) -> their forms, counted


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
    kinds: dict[str, str] | None = None,
) -> Hit:
    """A Whoosh hit as the reader sees it: metadata, marked title and snippet, and why."""
    reader = searcher.reader()
    stored = searcher.stored_fields(docnum)
    body, title = stored.get("body", ""), stored.get("title", "")
    body_marks = spans(reader, docnum, "body", targets, body)
    title_marks = spans(reader, docnum, "title", targets, title)
    return Hit(
        **stored_metadata(stored),
        title=title,
        score=float(score or 0.0),
        snippet=snippet(body, body_marks, settings.snippet_chars),
        title_marked=mark(title, title_marks),
        explanation=(
            explain(
                {"title": (title, title_marks), "body": (body, body_marks)}, labels, literal, kinds
            )
            if labels and literal is not None
            else []
        ),
        versions=group_size(searcher, stored.get("group")),
    )
