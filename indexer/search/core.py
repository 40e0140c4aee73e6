"""Search: a request in, one ResultPage out, rendered by the CLI, the API and the page."""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

from whoosh import query as wq
from whoosh import scoring
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    MultifieldParser,
    OrGroup,
    PlusMinusPlugin,
)

from indexer.analysis.dedupe import group_size
from indexer.analysis.fold import HAN, has_han
from indexer.analysis.names import NameTable, english_key, name_table
from indexer.config import Settings
from indexer.engine.collect import ColumnRange, Found, Tally, top_stories
from indexer.engine.spelling import words_within
from indexer.errors import NotFoundError, QueryError
from indexer.search.highlight import Snippet, Span, Targets, mark, query_targets, snippet, spans
from indexer.store.archive import Archive
from indexer.store.schema import SEARCH_FIELDS, stored_metadata

SORTS = ("relevance", "newest", "oldest")
LANGS = {"en", "zh", "zh-hans", "zh-hant"}
#: Copies and near-copies of a story share this column: a results page shows one of them.
#: Facets counted for every results page: name -> the sortable column it counts.
FACETS = {"source": "source_name", "lang": "langtag", "year": "year"}
_DATE_RANGE = re.compile(r"(?<!\S)(?:date|published):(\S*?)\.\.(\S*)")
_WILDCARD = re.compile(r"[*?]")
# lang:en, lang:zh-hant: a filter like a date range, whatever the default operator.
_LANG_FILTER = re.compile(r"(?<![\S])(?:lang|language):(\S+)", re.IGNORECASE)
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


def parse_query(
    text: str, schema: Any, settings: Settings
) -> tuple[wq.Query | None, list[wq.Query]]:
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
    for match in _LANG_FILTER.finditer(text):
        filters.append(_lang_filter(match.group(1)))
    text = _LANG_FILTER.sub(" ", text).strip()
    if not text:
        return None, filters
    group = AndGroup if settings.default_operator == "and" else OrGroup
    parser = MultifieldParser(list(FIELD_BOOSTS), schema, fieldboosts=FIELD_BOOSTS, group=group)
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
                raise QueryError(f"a wildcard needs at least {MIN_PREFIX} letters before * or ?")
    if q is wq.NullQuery:
        return None, filters
    return _negations_exclude(q), filters


def _negations_exclude(q: wq.Query) -> wq.Query:
    """Under OR, `a NOT b` means a without b (not "a, or anything without b")."""
    if q.is_leaf():
        return q
    q = q.apply(_negations_exclude)
    if type(q) is wq.Or:
        children = list(q.children())
        negatives = [c.query for c in children if isinstance(c, wq.Not)]
        positives = [c for c in children if not isinstance(c, wq.Not)]
        if negatives and positives:
            keep = positives[0] if len(positives) == 1 else wq.Or(positives, boost=q.boost)
            drop = negatives[0] if len(negatives) == 1 else wq.Or(negatives)
            return wq.AndNot(keep, drop)
    return q


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
    reader = searcher.reader()
    labels: dict[str, str] = {}
    literal = Targets()
    table = None
    if q is not None:
        check_expansion(q, reader)
        if request.expand and settings.expand_names:
            table = name_table(archive.current_dir(), settings.aliases)
            text = _DATE_RANGE.sub(" ", request.q.strip()).strip()
            text = _LANG_FILTER.sub(" ", text).strip()
            expansion = expand_query(q, text, searcher.schema, table, reader)
            # A name in the other language (马云 → Jack Ma) hints that the story may be told
            # there; when few articles hold every word as typed, translate the common words
            # too (大数据 → big data), so that such a story can hold them all.
            if expansion.crosses and _few_hold_every_word(searcher, q):
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
        page.hits.append(_hit(searcher, hit.docnum, hit.score, targets, settings, labels, literal))
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
        out.append(_lang_filter(request.lang))
    if request.year:
        if not re.fullmatch(r"\d{4}", request.year):
            raise QueryError("year must be four digits")
        out.append(wq.Term("year", request.year))
    return out


def _lang_filter(value: str) -> wq.Query:
    if value.lower() not in LANGS:
        raise QueryError(f"lang must be one of {', '.join(sorted(LANGS))}")
    return wq.Term("lang", value.lower())


def date_filter(date_from: str | None, date_to: str | None) -> wq.Query:
    """Articles published between two dates (either may be open), bounds included."""
    lo = _date_bound(date_from, False) if date_from else None
    hi = _date_bound(date_to, True) if date_to else None
    if lo and hi and lo > hi:
        raise QueryError("the 'from' date is after the 'to' date")
    return wq.DateRange("published", lo, hi)


# --- ranking ---------------------------------------------------------------------------

#: Okapi BM25F, tuned on bench/relevance.py: B = 0.5 normalises less for length than the
#: textbook 0.75, so a long article about a subject is not ranked below a brief that
#: mentions it; K1 and the title's own B made no measurable difference.
K1 = 1.2
B = 0.5
WEIGHTING = scoring.BM25F(B=B, K1=K1)
#: Weight of a match in each field a free query searches, relative to the body. A title is
#: short, so BM25F already scores a word in it highly, and an article whose title holds a
#: word usually has it in the body too: weighting the title above the body on top of that
#: let one common title word ("UK") outrank articles about all of the query (measured on
#: bench/relevance.py: 2.5 → 1.0 raised topical nDCG@10 in both languages and known-item
#: success@10).
FIELD_BOOSTS = SEARCH_FIELDS
#: Extra weight, relative to the words themselves, of an article that holds every word of
#: the query (each in any of its forms: 马云 or "Jack Ma").
ALL_WORDS_BOOST = 0.5


def rank_query(q: wq.Query) -> wq.Query:
    """The query with a bonus that orders its matches but never changes which articles match.

    Under OR an article holding all of the query's words ranks above one holding some of
    them, even when a single rare word is repeated in the latter. (Under AND every match
    holds them all: nothing to add.)
    """
    concepts = _concepts(q)
    if len(concepts) < 2 or not ALL_WORDS_BOOST:
        return q
    return wq.AndMaybe(q, wq.And([_whole(c) for c in concepts], boost=ALL_WORDS_BOOST))


def _whole(concept: wq.Query) -> wq.Query:
    """A concept as the bonus counts it: a name or term of several words ("Jack Ma", "house
    prices" with its other forms) is held by an article with all its words or another form,
    not by one with only "Ma" or only "prices"."""
    if type(concept) is not wq.Or:
        return concept
    children = list(concept.children())
    words = _regroup([c for c in children if not isinstance(c, OtherForms)])
    if len(words) < 2:
        return concept
    others = [c for c in children if isinstance(c, OtherForms)]
    return wq.Or([wq.And(words), *others])


def _concepts(q: wq.Query) -> list[wq.Query]:
    """The words (with their other forms) of an OR query: each one thing the reader asked for."""
    if isinstance(q, wq.AndNot):
        q = q.a
    if type(q) is not wq.Or:
        return []
    return _regroup(list(q.children()))


# --- names across languages ------------------------------------------------------------

#: Weight of another form of a query word (騰訊 for Tencent) relative to the word itself.
EXPANSION_BOOST = 0.5
#: Weight of a common word's translation (big data for 大数据), which is only added beside
#: a name that crosses languages: below a name's forms, since a word has many senses.
TRANSLATION_BOOST = 0.3
MAX_RUN = 4  # query words one English name may span ("Bank of New York")
PINYIN_MAX_DF = 20  # a single word this common in the index is English, not pinyin
_ASCII_WORD = re.compile(r"[a-z0-9][a-z0-9'.&-]*\Z")


class OtherForms(wq.Or):  # type: ignore[misc]
    """The other forms of a query word or name (騰訊 for Tencent), beside the words as typed."""


@dataclass
class Expansion:
    """A query rewritten with other forms of its names, and what each form stands for."""

    query: wq.Query
    #: highlight label of an added term or phrase → the query words it stands for
    labels: dict[str, str] = field(default_factory=dict)
    #: also translate common words (only once a name crossed languages)
    translate: bool = False
    #: a name was expanded into the other language (Chinese for English or the reverse)
    crosses: bool = False


def expand_query(
    q: wq.Query,
    text: str,
    schema: Any,
    table: NameTable,
    reader: Any = None,
    translate: bool = False,
) -> Expansion:
    """Add the other forms of the names in a query, weighted below the words as typed.

    Tencent → 腾讯 (which also finds 騰訊), 马云 → "Jack Ma", "ma yun" → 马云, 软件 → 軟體.
    With `translate`, common words that are not names are translated too, weighted lower
    still: 马云 贵阳 大数据 also looks for "big data" (see `search` for when).
    """
    out = Expansion(q, translate=translate)
    out.query = _expand_node(q, text, schema, table, reader, out, top=True)
    return out


def _few_hold_every_word(searcher: Any, q: wq.Query) -> bool:
    """Whether fewer than a page of articles hold every word of a query as typed."""
    words = _regroup(list((q.a if isinstance(q, wq.AndNot) else q).children()))
    if len(words) < 2:
        return False
    every = wq.And(words)
    held = 0
    # Walked match by match, stopping at a page: Whoosh's docs_for_query lists every
    # article holding one of the words first.
    for sub, _ in searcher.leaf_searchers():
        matcher = every.matcher(sub, sub.boolean_context())
        while matcher.is_active() and held < MIN_HITS_BEFORE_SUGGESTING:
            held += 1
            matcher.next()
        if held >= MIN_HITS_BEFORE_SUGGESTING:
            return False
    return True


def _word(node: wq.Query) -> tuple[tuple[str, ...], list[wq.Query]] | None:
    """The words of a query node that stands for one word or phrase, and its per-field leaves."""
    leaves = [node] if isinstance(node, wq.Term | wq.Phrase) else None
    if leaves is None and type(node) is wq.Or:
        leaves = list(node.children())
    if not leaves or not all(
        isinstance(n, wq.Term | wq.Phrase)
        and type(n) in (wq.Term, wq.Phrase)
        and n.fieldname in SEARCH_FIELDS
        for n in leaves
    ):
        return None
    keys = {_words(n) for n in leaves}
    if len(keys) != 1:
        return None
    return keys.pop(), leaves


def _words(node: wq.Query) -> tuple[str, ...]:
    if isinstance(node, wq.Phrase):
        return tuple(str(w) for w in node.words)
    value = node.text
    return (value.decode("utf-8") if isinstance(value, bytes) else str(value),)


def _typed(nodes: list[wq.Query], text: str, fallback: str) -> str:
    """The query text a reader typed for some nodes, when the parser kept its offsets."""
    starts = [getattr(leaf, "startchar", None) for n in nodes for leaf in n.leaves()]
    ends = [getattr(leaf, "endchar", None) for n in nodes for leaf in n.leaves()]
    if starts and None not in starts and None not in ends:
        typed = text[min(starts) : max(ends)].strip().strip('"')  # type: ignore[type-var]
        if typed:
            return typed
    found = re.search(r"\s+".join(map(re.escape, fallback.split())), text, re.IGNORECASE)
    return found.group(0) if found else fallback


def _expand_node(
    q: wq.Query,
    text: str,
    schema: Any,
    table: NameTable,
    reader: Any,
    out: Expansion,
    top: bool = False,
) -> wq.Query:
    if top and _word(q) is not None:
        return _expand_node(wq.And([q]), text, schema, table, reader, out).normalize()
    if type(q) not in (wq.And, wq.Or):
        if q.is_leaf():
            return q
        return q.apply(lambda child: _expand_node(child, text, schema, table, reader, out))
    children = _regroup(list(q.children()))
    new: list[wq.Query] = []
    i = 0
    while i < len(children):
        done = False
        for size in range(min(MAX_RUN, len(children) - i), 0, -1):
            run = children[i : i + size]
            words = [_word(n) for n in run]
            if any(w is None for w in words):
                continue
            expansion = _alternatives(
                [w for w in words if w], run, text, schema, table, reader, out
            )
            if expansion is None:
                continue
            if type(q) is wq.Or:
                new.append(wq.Or([*run, expansion]))
            else:
                literal = run[0] if size == 1 else wq.And(run)
                new.append(wq.Or([literal, expansion]))
            i += size
            done = True
            break
        if not done:
            child = children[i]
            new.append(
                child if _word(child) else _expand_node(child, text, schema, table, reader, out)
            )
            i += 1
    return type(q)(new, boost=q.boost)


def _regroup(children: list[wq.Query]) -> list[wq.Query]:
    """Under OR the parser flattens words into one list of per-field terms: group them again."""
    out: list[wq.Query] = []
    group: list[wq.Query] = []
    for child in [*children, None]:
        same = (
            child is not None
            and group
            and type(child) in (wq.Term, wq.Phrase)
            and _words(child) == _words(group[0])
        )
        if same:
            group.append(child)  # type: ignore[arg-type]
            continue
        if group:
            out.append(group[0] if len(group) == 1 else wq.Or(group))
        group = [child] if child is not None and type(child) in (wq.Term, wq.Phrase) else []
        if child is not None and not group:
            out.append(child)
    return out


def _alternatives(
    words: list[tuple[tuple[str, ...], list[wq.Query]]],
    run: list[wq.Query],
    text: str,
    schema: Any,
    table: NameTable,
    reader: Any,
    out: Expansion,
) -> wq.Query | None:
    """Other forms of a run of query words, as a query over the same fields, or None."""
    key = tuple(t for w, _ in words for t in w)
    leaves = words[0][1]
    forms: list[str] = []  # names in the other language or script, and regional words
    translations: list[str] = []  # common words in the other language
    if all(has_han(t) for t in key):
        if len(words) > 1:
            return None
        han = "".join(key)
        english = table.english_for(han)
        out.crosses |= bool(english)
        forms = english + [table.written(s) for s in table.synonyms(han)]
        if not english and out.translate:
            translations = table.term_english(han)
        shown = _typed(run, text, han)
    elif all(_ASCII_WORD.match(t) for t in key):
        chinese = table.chinese_for(key)
        if not chinese and out.translate:
            translations = [table.written(c) for c in table.term_chinese(key)]
        elif (
            not chinese
            and len(key) == 1
            and reader is not None
            and reader.doc_frequency("body", key[0]) > PINYIN_MAX_DF
        ):
            return None  # one word the index knows as a common word: not pinyin
        if not chinese and not translations and (len(key) > 1 or len(key[0]) >= 4):
            chinese = table.chinese_for_pinyin("".join(key))
        out.crosses |= bool(chinese)
        forms = [table.written(c) for c in chinese]
        shown = _typed(run, text, " ".join(key))
    if not forms and not translations:
        return None
    alternatives: list[wq.Query] = []
    weighted = [(f, EXPANSION_BOOST) for f in forms]
    weighted += [(t, TRANSLATION_BOOST) for t in translations]
    for form, weight in weighted:
        for leaf in leaves:
            tokens = [t.text for t in schema[leaf.fieldname].analyzer(form)]
            if not tokens or tuple(tokens) == key:
                continue
            boost = leaf.boost * weight
            if len(tokens) == 1:
                alternatives.append(wq.Term(leaf.fieldname, tokens[0], boost=boost))
            else:
                alternatives.append(wq.Phrase(leaf.fieldname, tokens, boost=boost))
            out.labels.setdefault(" ".join(tokens), shown)
    return OtherForms(alternatives) if alternatives else None


def explain(
    marks: dict[str, tuple[str, list[Span]]], labels: dict[str, str], literal: Targets
) -> list[str]:
    """'matched 騰訊 for Tencent' for each span that only another form of a query word matched."""
    plain = {t for terms in literal.terms.values() for t in terms}
    plain |= {" ".join(p) for phrases in literal.phrases.values() for p in phrases}
    out: list[str] = []
    seen: set[str] = set()
    for text, found in marks.values():
        for span in found:
            if span.term in labels and span.term not in plain:
                line = f"matched {text[span.start : span.end]} for {labels[span.term]}"
                if line.casefold() not in seen:  # "Big Data" in a title, "big data" below
                    seen.add(line.casefold())
                    out.append(line)
    return out[:5]


# --- help when nothing matches --------------------------------------------------------

_QUERY_WORD = re.compile(rf"(?<![\w:*?])([A-Za-z][A-Za-z'-]{{2,}}|[{HAN}]{{2,}})(?![\w:*?])")
_OPERATORS = {"AND", "OR", "NOT", "TO"}
MAX_SUGGESTIONS = 3
MIN_HITS_BEFORE_SUGGESTING = 10  # fewer hits than this: offer other spellings and words


def suggest(
    searcher: Any, request: SearchRequest, settings: Settings, table: NameTable | None
) -> list[str]:
    """Queries that would find something: misspelt English words corrected from the index's
    own words, Chinese words in the other region's usage or the other language (罕病 → 罕见病,
    腾讯 → Tencent). Each suggestion is checked to have hits."""
    reader = searcher.reader()
    text = request.q.strip()
    table = table or name_table(None, settings.aliases)
    options: list[str] = []
    for match in _QUERY_WORD.finditer(text):
        word = match.group(1)
        if word in _OPERATORS:
            continue
        replacements: list[str] = []
        if has_han(word):
            key = english_key(word)
            han = "".join(key)
            replacements = [table.written(s) for s in table.synonyms(han)] + table.english_for(han)
        else:
            replacements = _spelling(reader, word)
        for new in replacements[:2]:
            options.append(text[: match.start()] + new + text[match.end() :])
    out: list[str] = []
    for option in options:
        if option in out or option == text:
            continue
        try:
            q, filters = parse_query(option, searcher.schema, settings)
        except QueryError:
            continue
        if q is not None and len(searcher.search(q, limit=1)) > 0:
            out.append(option)
        if len(out) >= MAX_SUGGESTIONS:
            break
    return out


def _spelling(reader: Any, word: str) -> list[str]:
    """Words of the index close to an English word the index does not hold, commonest first."""
    key = english_key(word)
    if len(key) != 1 or any(reader.doc_frequency(f, key[0]) for f in SEARCH_FIELDS):
        return []
    for distance in (1, 2):
        candidates: set[str] = set()
        for form in {key[0], word.lower()}:
            candidates.update(words_within(reader, form, distance))
        candidates.discard(key[0])
        if candidates:
            ranked = sorted(candidates, key=lambda t: (-reader.doc_frequency("body", t), t))
            return [w for w in (_surface(reader, t) for t in ranked[:2]) if w]
    return []


def _surface(reader: Any, term: str) -> str | None:
    """A term as an article wrote it (index terms are stemmed: 'inflat' → 'inflation')."""
    try:
        matcher = reader.postings("body", term)
    except Exception:  # whoosh raises TermNotFound (its name differs between releases)
        return None
    if not matcher.is_active():
        return None
    docnum, chars = matcher.id(), matcher.value_as("characters")
    if not chars:
        return term
    _, start, end = chars[0]
    body = reader.stored_fields(docnum).get("body", "")
    return str(body[start:end]).lower() or term


# --- more like this -------------------------------------------------------------------

MLT_TERMS = 20


def _hit(
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


def more_like_this(archive: Archive, article_id: str, limit: int = 10) -> ResultPage:
    """Articles like one article: its most telling words (Bo1 model) as an OR query."""
    settings = archive.settings
    if not 1 <= limit <= settings.max_limit:
        raise QueryError(f"limit must be between 1 and {settings.max_limit}")
    started = time.perf_counter()
    searcher = archive.searcher()
    docnum = searcher.document_number(id=article_id)
    if docnum is None:
        raise NotFoundError(f"no article with id {article_id!r}")
    keys = searcher.key_terms([docnum], "body", numterms=MLT_TERMS)
    page = ResultPage(f"like:{article_id}", 0, 0, limit, "relevance")
    if not keys:
        return page
    q = wq.Or([wq.Term("body", word, boost=weight) for word, weight in keys])
    # Other versions of the same story are not "like" it: they are it.
    story = searcher.stored_fields(docnum).get("group")
    mask: wq.Query = wq.Term("id", article_id)
    if story:
        mask = wq.Or([mask, wq.Term("group", story)])
    results = searcher.search(q, limit=limit, mask=mask)
    page.total = len(results)
    reader = searcher.reader()
    targets = query_targets(q, reader)
    for hit in results:
        page.hits.append(_hit(searcher, hit.docnum, hit.score, targets, settings))
    page.took_ms = (time.perf_counter() - started) * 1000
    return page
