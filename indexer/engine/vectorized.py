"""Every match of a query in one segment, scored at once with array operations.

Whoosh finds and scores matches one article at a time: each step of its matcher tree is
a few Python calls per article and per node, so a results page over a large archive
spends nearly all its time there, and the time grows with every match. Here the same
matcher tree (built by Whoosh, from the same query, with the same scorers) is evaluated
whole:

* a term's postings are read block by block into arrays of article numbers and
  weights, and scored with the scorer's own BM25F formula over the segment's length
  column;
* union, intersection, "and maybe", "and not", boosts and deletions combine those
  arrays node by node, in the tree's own shape, so that every sum is taken in the same
  order as Whoosh's and every score is bit for bit the score Whoosh gives;
* an exact phrase (Whoosh's ``SpanNear2`` with slop 1, as ``Phrase`` builds it) keeps
  the articles where its words stand at consecutive positions, checked with arrays over
  the positions of the articles holding every word.

A tree holding anything else (another scorer, a span query with slop, a custom matcher)
is left to Whoosh: :func:`score_all` returns None and the caller walks the matcher.
"""

from __future__ import annotations

import copy
from array import array
from dataclasses import dataclass
from functools import reduce
from itertools import chain
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions
from whoosh.matching import binary, combo, mcore, wrappers
from whoosh.query.spans import SpanNear2
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.util import make_binary_tree
from whoosh.util.numeric import byte_to_length

from indexer.engine.codec import Block, PackedLeafMatcher, remember, term_blocks
from indexer.engine.columns import lengths
from indexer.engine.formats import PackedCharacters, PackedPositions

#: Whoosh's field length for each length byte (lossy, as its scorer sees it).
_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)
#: A union marks a table of the segment's article numbers when they are at most this
#: many times the matches (cheaper than sorting them), else sorts.
_DENSE = 32

_BINARY = (
    binary.UnionMatcher,
    binary.IntersectionMatcher,
    binary.AndMaybeMatcher,
    binary.AndNotMatcher,
)
_SPAN_NEAR = SpanNear2.SpanNear2Matcher
_BLOCKS = (W3LeafMatcher, PackedLeafMatcher)  # postings in the postings file
#: Formats whose values start with a count, then that many positions (uint32s)
_PACKED = (PackedPositions, PackedCharacters)


@dataclass(frozen=True)
class Matches:
    """Articles of one segment, by number (ascending), and their scores."""

    ids: np.ndarray
    scores: np.ndarray


def for_arrays(q: wq.Query) -> wq.Query:
    """The query to build the matcher tree for :func:`score_all` from: the same, but
    with exact phrases that find their candidates without walking them.

    Whoosh's phrase matcher walks to its first true match as it is built, checking
    positions article by article: over a large archive that costs more than scoring the
    whole tree with arrays. The tree built from this query is for :func:`score_all`
    only: to walk matches, build the matcher of the query itself.
    """
    if type(q) is wq.Phrase and q.slop == 1:
        return _ExactPhrase(q.fieldname, q.words, boost=q.boost)
    if isinstance(q, wq.BinaryQuery):  # a CompoundQuery too, reading its a and b
        a, b = for_arrays(q.a), for_arrays(q.b)
        if a is not q.a or b is not q.b:
            q = copy.copy(q)
            q.a, q.b = a, b
            q.subqueries = (a, b)
    elif isinstance(q, wq.CompoundQuery):
        parts = [for_arrays(sub) for sub in q.subqueries]
        if any(new is not old for new, old in zip(parts, q.subqueries, strict=True)):
            q = copy.copy(q)
            q.subqueries = parts
    return q


class _ExactPhrase(wq.Phrase):  # type: ignore[misc]
    """A phrase whose matcher is the intersection of its words' matchers, marked with
    the words for :func:`score_all` to check their positions."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        if self.fieldname not in searcher.schema:
            return super().matcher(searcher, context)
        field = searcher.schema[self.fieldname]
        if not field.format or not field.format.supports("positions"):
            return super().matcher(searcher, context)
        reader = searcher.reader()
        terms = []
        for word in self.words:
            try:
                text = field.to_bytes(word)
            except ValueError:
                return mcore.NullMatcher()
            if (self.fieldname, text) not in reader:
                return mcore.NullMatcher()
            terms.append(wq.Term(self.fieldname, text))
        # As SpanNear2 builds it: each word's matcher, intersected as a binary tree.
        subs = [t.matcher(searcher, context) for t in terms]
        m: Any = _PhraseCandidates(make_binary_tree(binary.IntersectionMatcher, subs), subs)
        if self.boost != 1.0:
            m = wrappers.WrappingMatcher(m, boost=self.boost)
        return m


class _PhraseCandidates(wrappers.WrappingMatcher):  # type: ignore[misc]
    """The articles holding every word of an exact phrase (not yet checked for
    positions: for :func:`score_all` only)."""

    slop, ordered, mindist = 1, True, 1

    def __init__(self, child: Any, ms: list[Any]) -> None:
        super().__init__(child)
        self.ms = ms


_PHRASES = (_SPAN_NEAR, _PhraseCandidates)


class _Unknown(Exception):
    """The tree holds something this module cannot evaluate exactly."""


def score_all(matcher: Any, leaf: Any) -> Matches | None:
    """Every article the matcher tree matches in the segment read by `leaf`, with the
    score its ``score()`` gives; None when the tree is not one this module knows (the
    matcher is then untouched: walk it)."""
    if not _known(matcher):
        return None
    try:
        return _Evaluation(leaf).matches(matcher)
    except _Unknown:
        return None


def _known(m: Any) -> bool:
    kind = type(m)
    if kind is mcore.NullMatcherClass:
        return True
    if kind in _BINARY:
        return _known(m.a) and _known(m.b)
    if kind is wrappers.WrappingMatcher:
        return _known(m.child)
    if kind is combo.ArrayUnionMatcher:
        return all(map(_known, m._submatchers))
    if kind is wrappers.FilterMatcher:
        return _known(m.child) and isinstance(m._ids, set | frozenset)
    if kind in _PHRASES:
        subs = getattr(m, "ms", None) or ()
        return (
            getattr(m, "slop", None) == 1
            and getattr(m, "ordered", False) is True
            and getattr(m, "mindist", None) == 1
            and bool(subs)
            and all(_is_leaf(_unfiltered(sub)) and _has_positions(_unfiltered(sub)) for sub in subs)
            and _known(m.child)
        )
    return _is_leaf(m)


def _is_leaf(m: Any) -> bool:
    kind = type(m)
    if kind in _BLOCKS:
        if getattr(m, "_byteids", True) or m.scorer is None:
            return False
        scorer = m.scorer
    elif kind is mcore.ListMatcher:
        scorer = m._scorer
    else:
        return False
    if type(scorer) is BM25FScorer:
        term = getattr(m, "_term", None)
        return isinstance(term, tuple) and len(term) == 2
    return scorer is None or type(scorer) is WeightScorer


def _unfiltered(m: Any) -> Any:
    """The term matcher under a filter of deleted articles."""
    while type(m) is wrappers.FilterMatcher:
        m = m.child
    return m


def _format(m: Any) -> Any:
    return m.format if type(m) in _BLOCKS else m._format


def _has_positions(m: Any) -> bool:
    return isinstance(_format(m), Positions)


@dataclass
class _Postings:
    ids: np.ndarray
    weights: np.ndarray
    values: list[Any] | None = None  # encoded values, from a W3 block or the term table
    words: np.ndarray | None = None  # packed values, all blocks' in one array
    starts: np.ndarray | None = None  # where each posting's value starts in `words`
    blocks: list[Block] | None = None  # packed blocks, as read


class _Evaluation:
    def __init__(self, leaf: Any) -> None:
        self.leaf = leaf
        self.postings: dict[Any, _Postings] = {}

    def matches(self, m: Any) -> Matches:
        kind = type(m)
        if kind is mcore.NullMatcherClass:
            return Matches(_EMPTY_IDS, _EMPTY_SCORES)
        if kind is binary.UnionMatcher:
            return _union(self.matches(m.a), self.matches(m.b))
        if kind is binary.IntersectionMatcher:
            a, b = self.matches(m.a), self.matches(m.b)
            ia, ib = _common(a.ids, b.ids)
            return Matches(a.ids[ia], a.scores[ia] + b.scores[ib])
        if kind is binary.AndMaybeMatcher:
            a, b = self.matches(m.a), self.matches(m.b)
            ia, ib = _common(a.ids, b.ids)
            scores = a.scores.copy()
            scores[ia] = a.scores[ia] + b.scores[ib]
            return Matches(a.ids, scores)
        if kind is binary.AndNotMatcher:
            a, b = self.matches(m.a), self.matches(m.b)
            keep = np.ones(len(a.ids), dtype=bool)
            keep[_common(a.ids, b.ids)[0]] = False
            return Matches(a.ids[keep], a.scores[keep])
        if kind is wrappers.WrappingMatcher:
            inner = self.matches(m.child)
            return Matches(inner.ids, inner.scores * m.boost)
        if kind is combo.ArrayUnionMatcher:
            return self._array_union(m)
        if kind is wrappers.FilterMatcher:
            inner = self.matches(m.child)
            listed = np.fromiter(m._ids, dtype=np.int64, count=len(m._ids))
            keep = np.isin(inner.ids, listed)
            if m._exclude:
                keep = ~keep
            return Matches(inner.ids[keep], inner.scores[keep] * m.boost)
        if kind in _PHRASES:
            return self._phrase(m)
        return self._term(m)

    def _array_union(self, m: Any) -> Matches:
        """Whoosh's union for small segments: each part's scores times the boost, added
        into an array part after part; articles whose sum is not above 0 do not match.
        Unscored (the excluded side of "and not"), every article matched scores 1."""
        parts = [self.matches(sub) for sub in m._submatchers]
        ids = reduce(np.union1d, (part.ids for part in parts), _EMPTY_IDS)
        if not m._scored:
            return Matches(ids, np.ones(len(ids), dtype=np.float64))
        sums = np.zeros(len(ids), dtype=np.float64)
        for part in parts:
            at = np.searchsorted(ids, part.ids)
            sums[at] = sums[at] + part.scores * m._boost
        above = sums > 0
        return Matches(ids[above], sums[above])

    # --- terms ---------------------------------------------------------------------

    def _read(self, m: Any) -> _Postings:
        # The same term can stand at several places in one tree (a ranking bonus
        # repeats the query): its postings are read once.
        key = m._term if type(m) in _BLOCKS and isinstance(m._term, tuple) else id(m)
        found = self.postings.get(key)
        if found is None:
            blocks = term_blocks(m) if type(m) is PackedLeafMatcher else None
            if blocks:
                found = _read_packed(m, blocks)
            elif type(m) in _BLOCKS:
                found = _read_w3(m)
            else:
                found = _read_list(m)
            self.postings[key] = found
        return found

    def _term(self, m: Any) -> Matches:
        posted = self._read(m)
        scorer = m.scorer if type(m) in _BLOCKS else m._scorer
        if type(scorer) is not BM25FScorer:  # None or WeightScorer: the weight is the score
            return Matches(posted.ids, posted.weights)
        held = lengths(self.leaf, m._term[0])
        if held is None:
            raise _Unknown("no length column")
        length_bytes = np.frombuffer(held, dtype=np.uint8)[posted.ids]
        if not length_bytes.all():  # Whoosh has no length for these: leave them to it
            raise _Unknown("an article without a field length")
        fl = _LENGTH[length_bytes]
        tf = posted.weights
        idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        # whoosh.scoring.bm25, operation for operation.
        return Matches(posted.ids, idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))))

    # --- phrases -------------------------------------------------------------------

    def _phrase(self, m: Any) -> Matches:
        every = self.matches(m.child)  # articles holding every word, scored as Whoosh does
        if not len(every.ids):
            return every
        keys = []
        for i, sub in enumerate(m.ms):
            sub = _unfiltered(sub)  # deleted articles are already out of `every`
            posted = self._read(sub)
            at = np.searchsorted(posted.ids, every.ids)
            counts, positions = self._positions(sub, posted, at)
            article = np.repeat(np.arange(len(at), dtype=np.int64), counts)
            start = positions - i  # where the phrase would start
            ok = start >= 0
            # Ascending already (articles in order, positions in order within each).
            keys.append(_ascending((article[ok] << 32) | start[ok]))
        held = reduce(_within, keys[1:], keys[0])
        articles = held >> 32
        first = np.ones(min(len(articles), 1), dtype=bool)
        kept = articles[np.concatenate((first, articles[1:] != articles[:-1]))]
        return Matches(every.ids[kept], every.scores[kept] * m.boost)

    def _positions(
        self, m: Any, posted: _Postings, at: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(positions per posting, every position) of the postings numbered `at`."""
        fmt = _format(m)
        packed = type(fmt) in _PACKED
        if packed and posted.blocks is not None:
            if posted.words is None or posted.starts is None:
                posted.words, posted.starts = _packed_heads(posted.blocks)
            return _gather(posted.words, posted.starts[at])
        assert posted.values is not None
        values = [posted.values[j] for j in at.tolist()]
        if packed:
            words = np.frombuffer(b"".join(values), dtype="<u4")
            lens = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) // 4
            return _gather(words, np.cumsum(lens) - lens)
        return _positions(fmt, values)


def _ascending(keys: np.ndarray) -> np.ndarray:
    """The keys, sorted and without repeats (most often they already are)."""
    if len(keys) > 1 and not bool(np.all(keys[1:] > keys[:-1])):
        return np.unique(keys)
    return keys


def _within(keys: np.ndarray, other: np.ndarray) -> np.ndarray:
    """The keys (ascending) also in `other` (ascending), by binary search."""
    if not len(keys) or not len(other):
        return keys[:0]
    at = np.minimum(np.searchsorted(other, keys), len(other) - 1)
    return keys[other[at] == keys]


def _union(a: Matches, b: Matches) -> Matches:
    if not len(a.ids):
        return b
    if not len(b.ids):
        return a
    ids = _merged(a.ids, b.ids)
    at_a, at_b = _ranks(ids, a.ids), _ranks(ids, b.ids)
    scores = np.zeros(len(ids), dtype=np.float64)
    scores[at_a] = a.scores
    in_a = np.zeros(len(ids), dtype=bool)
    in_a[at_a] = True
    both = in_a[at_b]
    # Where both match: a's score plus b's, as UnionMatcher.score adds them.
    scores[at_b[both]] = scores[at_b[both]] + b.scores[both]
    scores[at_b[~both]] = b.scores[~both]
    return Matches(ids, scores)


def _common(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the article numbers both hold stand in each (both ascending)."""
    if not len(a) or not len(b):
        return a[:0], b[:0]
    at = np.minimum(np.searchsorted(b, a), len(b) - 1)
    in_b = b[at] == a
    return np.flatnonzero(in_b), at[in_b]


def _merged(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Article numbers in either (both ascending, no repeats): with a table of the
    segment's numbers when they are dense enough, else by sorting."""
    size = int(max(a[-1], b[-1])) + 1
    if size > _DENSE * (len(a) + len(b)):
        return np.union1d(a, b)
    held = np.zeros(size, dtype=bool)
    held[a] = True
    held[b] = True
    return np.flatnonzero(held)


def _ranks(ids: np.ndarray, some: np.ndarray) -> np.ndarray:
    """Where each of `some` stands in `ids` (both ascending; `some` within `ids`)."""
    return np.searchsorted(ids, some)


def _read_w3(m: Any) -> _Postings:
    """A term's postings from the postings file, every block, as the matcher reads them."""
    deltas: list[int] = []
    weights: list[float] = []
    values: list[Any] | None = [] if m._fixedsize is None or m._fixedsize < 0 else None
    firsts: list[int] = []
    before: list[int] = []
    m.reset()
    last_max = 0
    while True:
        m._read_data()
        block_deltas, block_weights, block_values = m._data
        count = m._blocklength
        firsts.append(len(deltas))
        before.append(last_max)  # each block's first delta counts from 0
        deltas.extend(block_deltas)
        if block_weights is None:
            weights.extend([1.0] * count)
        elif isinstance(block_weights, float):
            # The matcher keeps a block's one weight in a float array ("f").
            weights.extend([float(np.float32(block_weights))] * count)
        else:
            weights.extend(block_weights)
        if values is not None:
            values.extend(block_values)
        last_max = m._maxid
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    steps = np.array(deltas, dtype=np.int64)
    starts = np.array(firsts, dtype=np.int64)
    steps[starts] -= np.array(before, dtype=np.int64)
    return _Postings(np.cumsum(steps), np.array(weights, dtype=np.float64), values)


def _read_packed(m: Any, blocks: list[Block]) -> _Postings:
    """A term's article numbers and weights from packed blocks (values left packed)."""
    ids, weights = [], []
    for block in blocks:
        block_ids, block_weights = block.raw_numbers()
        ids.append(block_ids)
        weights.append(
            np.frombuffer(block_weights, dtype="<f4")
            if isinstance(block_weights, bytes)
            else np.full(block.count, block_weights, dtype=np.float64)
        )
    # Highlighting these articles next skips straight to their blocks.
    remember(m, array("q", (b.offset for b in blocks)), array("q", (b.last_id for b in blocks)))
    return _Postings(
        np.frombuffer(b"".join(ids), dtype="<u4").astype(np.int64),
        np.concatenate(weights).astype(np.float64),
        blocks=blocks,
    )


def _packed_heads(blocks: list[Block]) -> tuple[np.ndarray, np.ndarray]:
    """The heads (count and positions) of every value of a term's packed blocks as one
    uint32 array, and where each posting's head starts in it."""
    ends, blobs, bases = [], [], []
    base = 0
    for block in blocks:
        block_ends, blob = block.heads()
        ends.append(block_ends)
        blobs.append(blob)
        bases.append(base)
        base += len(blob)
    counts = np.fromiter((b.count for b in blocks), dtype=np.int64, count=len(blocks))
    stops = np.frombuffer(b"".join(e.tobytes() for e in ends), dtype=np.uint32).astype(np.int64)
    # Each head starts where the one before it in its block ends (the first at 0), plus
    # where its block's heads start.
    firsts = np.cumsum(counts) - counts
    starts = np.empty_like(stops)
    starts[1:] = stops[:-1]
    starts[firsts] = 0
    starts += np.repeat(np.array(bases, dtype=np.int64), counts)
    return np.frombuffer(b"".join(blobs), dtype="<u4"), starts // 4


def _gather(words: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(count, positions) of packed values starting at `starts` (word offsets): each is
    a count, then that many positions."""
    counts = words[starts].astype(np.int64)
    total = int(counts.sum())
    firsts = np.cumsum(counts) - counts
    within = np.arange(total, dtype=np.int64) - np.repeat(firsts, counts)
    return counts, words[np.repeat(starts + 1, counts) + within].astype(np.int64)


def _read_list(m: Any) -> _Postings:
    """A term's postings held in the term table (a term found in few articles)."""
    ids = np.array(m._ids, dtype=np.int64)
    all_weights = getattr(m, "_all_weights", None)
    if all_weights:
        weights = np.full(len(ids), all_weights, dtype=np.float64)
    elif m._weights:
        weights = np.array(m._weights, dtype=np.float64)
    else:
        weights = np.ones(len(ids), dtype=np.float64)
    values = m._values
    fmt = m._format
    if values and fmt is not None:
        values = [fmt.combine(v) if isinstance(v, list) else v for v in values]
    return _Postings(ids, weights, list(values) if values else None)


def _positions(fmt: Any, values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(positions per value, every position) of values of any positional format."""
    lists = [fmt.decode_positions(v) for v in values]
    counts = np.array([len(p) for p in lists], dtype=np.int64)
    return counts, np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
