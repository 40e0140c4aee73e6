"""More like this: the stories closest to one article, in either language.

An article is described by its most telling words (sublinear tf-idf, common words left
out) and by its names and key words in the other language and script, through the same
name table and expansion as a search (`indexer.search.expand.other_forms`): the English
report on Guiyang's data centres finds the Chinese one on 贵阳大数据. Other versions of the
same story are left out; each other story is shown once.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.analysis import STOP_WORDS

from indexer.analysis.names import NameTable, name_table
from indexer.cache import LRU
from indexer.engine.collect import Found, top_stories
from indexer.errors import NotFoundError, QueryError
from indexer.search.core import ResultPage, make_hit
from indexer.search.expand import other_forms
from indexer.search.highlight import query_targets
from indexer.search.rank import WEIGHTING
from indexer.store.archive import Archive

#: Telling words of the article itself, and forms in the other language or script, kept.
OWN_TERMS = 15
OTHER_TERMS = 10
#: English names span at most this many words ("People's Bank of China" is cut, "Jack Ma" not).
NAME_WORDS = 3
#: English words that tell nothing about a story, beyond Whoosh's short list: in a small
#: archive their document frequency alone does not show it.
_COMMON = """about after again all also am any been before being but could did do does doing
down during each few further had has having he her here hers him his how i into its just
more most much no nor now off once only other our out over own said same she should so
some such than their them then there these they those through too under until up very
was were what where which while who whom why would year years last one two three first
new says say"""
COMMON_WORDS = frozenset(_COMMON.split())


@dataclass(frozen=True)
class Clue:
    """One part of a "like this" query: analyzed terms (a phrase when several) and weight."""

    terms: tuple[str, ...]
    weight: float
    crosses: bool  # in the other language or script than the article's own words

    def query(self, field: str = "body") -> wq.Query:
        if len(self.terms) == 1:
            return wq.Term(field, self.terms[0], boost=self.weight)
        return wq.Phrase(field, list(self.terms), boost=self.weight)


def more_like_this(archive: Archive, article_id: str, limit: int = 10) -> ResultPage:
    """Stories like one article's, in any language, best first; its own versions left out."""
    started = time.perf_counter()
    searcher = archive.searcher()
    found, q = like_stories(archive, article_id, limit)
    page = ResultPage(f"like:{article_id}", len(found), 0, limit, "relevance")
    if q is not None:
        targets = query_targets(q, searcher.reader())
        for hit in found:
            page.hits.append(make_hit(searcher, hit.docnum, hit.score, targets, archive.settings))
    page.took_ms = (time.perf_counter() - started) * 1000
    return page


def like_stories(
    archive: Archive, article_id: str, limit: int
) -> tuple[list[Found], wq.Query | None]:
    """The best articles of the `limit` stories most like one article's (numbers in the
    archive's current searcher), and the query that found them (None: nothing to go by)."""
    settings = archive.settings
    if not 1 <= limit <= settings.max_limit:
        raise QueryError(
            "{name} must be between {least} and {most}",
            name="limit",
            least=1,
            most=settings.max_limit,
        )
    searcher = archive.searcher()
    docnum = searcher.document_number(id=article_id)
    if docnum is None:
        raise NotFoundError("no article with id {id}", id=repr(article_id))
    # An article's related stories change only with the index: found once per commit.
    key = (archive.searcher_generation(searcher), article_id, limit)
    known: tuple[list[Found], wq.Query | None] | None = _found.get(key)
    if known is not None:
        return known
    table = name_table(archive.current_dir(), settings.aliases)
    clues = like_clues(searcher, docnum, table)
    found: list[Found] = []
    q: wq.Query | None = None
    if clues:
        q = wq.Or([c.query() for c in clues])
        # Other versions of the same story are not "like" it: they are it.
        story = searcher.reader().stored_fields(docnum).get("group")
        mask: wq.Query = wq.Term("id", article_id)
        if story:
            mask = wq.Or([mask, wq.Term("group", story)])
        context = searcher.context(weighting=WEIGHTING)
        found = top_stories(searcher, wq.AndNot(q, mask), limit, context)
    _found.put(key, (found, q))
    return found, q


_found: LRU[tuple[list[Found], wq.Query]] = LRU(
    512
)  # (index generation, article id, limit) -> (stories, query)


def like_clues(searcher: object, docnum: int, table: NameTable) -> list[Clue]:
    """What an article is about, as weighted terms: its own telling words, then its names
    and key words in the other language or script."""
    reader = searcher.reader()  # type: ignore[attr-defined]
    stored = reader.stored_fields(docnum)
    text = f"{stored.get('title') or ''}\n{stored.get('body') or ''}"
    analyzer = searcher.schema["body"].analyzer  # type: ignore[attr-defined]
    tokens = [(t.text, text[t.startchar : t.endchar]) for t in analyzer(text, chars=True)]
    count = Counter(term for term, _ in tokens)
    common = {t.text for w in STOP_WORDS | COMMON_WORDS for t in analyzer(w, removestops=False)}
    articles = max(1, reader.doc_count())

    frequencies: dict[str, int] = {}

    def df(term: str) -> int:
        if term not in frequencies:
            frequencies[term] = reader.doc_frequency("body", term)
        return frequencies[term]

    def weight(terms: tuple[str, ...], tf: int) -> float:
        most = max(df(t) for t in terms)
        return (1 + math.log(tf)) * math.log(1 + articles / most) if most else 0.0

    own: dict[tuple[str, ...], float] = {}
    for term, tf in count.items():
        if term in common or term.isdigit() or len(term) < 2:
            continue
        if df(term) > 1:  # words only this article has find nothing
            own[(term,)] = weight((term,), tf)
    telling = sorted(own, key=lambda k: -own[k])[:OWN_TERMS]
    # Words and names to carry across: the telling words, and English names as written
    # (capitalised runs: "Jack Ma", "Guiyang") wherever they are.
    keys: Counter[tuple[str, ...]] = Counter({k: count[k[0]] for k in telling})
    for start in range(len(tokens)):
        for size in range(1, NAME_WORDS + 1):
            run = tokens[start : start + size]
            if len(run) < size or not all(shown[:1].isupper() for _, shown in run):
                break
            keys[tuple(term for term, _ in run)] += 1
        pair = tuple(term for term, _ in tokens[start : start + 2])
        if len(pair) == 2 and table.term_chinese(pair):  # a key word of two ("big data")
            keys[pair] += 1
    other: dict[tuple[str, ...], float] = {}
    for key, tf in keys.items():
        found = other_forms(key, table, reader, translate=True)
        if found is None:
            continue
        for form in found.names + found.regional + found.translations:
            terms = tuple(t.text for t in analyzer(form))
            if terms and terms != key and terms not in own:
                other[terms] = max(other.get(terms, 0.0), weight(terms, tf))
    crossing = sorted((k for k in other if other[k] > 0), key=lambda k: -other[k])
    clues = [Clue(k, own[k], False) for k in telling if own[k] > 0]
    clues += [Clue(k, other[k], True) for k in crossing[:OTHER_TERMS]]
    return clues
