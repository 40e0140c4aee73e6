"""Collecting a results page: the best few stories, and what every match adds up to.

A results page shows one article per story (copies and near-copies share a ``group``),
so it needs the top `k` stories, a total and facet counts. Whoosh's collapsing collector
scores every match and keeps them all, to drop all but the best of each story at the
end, and its facet collector reads each match's columns from the segment file: the work
grows with every match, several times over. Here:

* :func:`top_stories` keeps only the best `k` stories as it goes, each by its best
  article. With the date column it keeps the newest or oldest `k` instead, without
  scoring.
* In the same pass, a :class:`Tally` counts stories and facet values over every match,
  from the columns held in memory (:mod:`indexer.engine.columns`); the caller keeps the counts
  per index generation, so a page already counted needs only the best `k`.

Both take the same filters on sortable columns (a date range), checked only for the
articles the query matches, rather than Whoosh's range queries, which list every
article in the range first.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq

from indexer.engine.columns import codes, missing_value, numbers, values
from indexer.engine.vectorized import Matches, for_arrays, score_all

STORY_COLUMN = "group"


@dataclass(frozen=True)
class ColumnRange:
    """Articles whose value of a sortable column lies in [low, high] (either bound may be
    open). An article without a value never matches."""

    field: str
    low: Any = None
    high: Any = None

    @classmethod
    def from_query(cls, q: wq.Query, schema: Any) -> ColumnRange | None:
        """The same filter as a date range query on a sortable field, else None."""
        if not isinstance(q, wq.DateRange) or not schema[q.fieldname].column_type:
            return None
        field = schema[q.fieldname]
        low = field.to_column_value(q.startdate) if q.startdate is not None else None
        high = field.to_column_value(q.enddate) if q.enddate is not None else None
        return cls(q.fieldname, low, high)

    def test(self, leaf: Any) -> Callable[[int], bool]:
        column, missing = values(leaf, self.field), missing_value(leaf, self.field)
        low, high = self.low, self.high

        def accept(docnum: int) -> bool:
            value = column[docnum]
            return (
                value != missing
                and (low is None or value >= low)
                and (high is None or value <= high)
            )

        return accept

    def keep(self, leaf: Any, ids: np.ndarray) -> np.ndarray:
        """Which of these articles (numbers in one segment) the range holds."""
        column = numbers(leaf, self.field)[ids]
        held = column != missing_value(leaf, self.field)
        if self.low is not None:
            held &= column >= self.low
        if self.high is not None:
            held &= column <= self.high
        return held  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Found:
    """One article of a page: its number in the searcher, and its score (0 when sorted by
    date)."""

    docnum: int
    score: float


class Tally:
    """Stories matched, and for each facet (name: column) how many of them have each
    value; a story counts under the values of the first of its articles counted."""

    def __init__(self, facets: dict[str, str]) -> None:
        self.facets = facets
        self.seen: set[Any] = set()
        self.counts: dict[str, Counter[Any]] = {name: Counter() for name in facets}

    @property
    def total(self) -> int:
        return len(self.seen)

    def counter(self, leaf: Any, offset: int) -> Callable[[int], None]:
        """Counts one article of a segment, by its number there."""
        stories, seen = values(leaf, STORY_COLUMN), self.seen
        columns = [(self.counts[name], values(leaf, col)) for name, col in self.facets.items()]

        def count(docnum: int) -> None:
            story = stories[docnum] or offset + docnum
            if story not in seen:
                seen.add(story)
                for counter, column in columns:
                    counter[column[docnum]] += 1

        return count

    def count_all(self, leaf: Any, offset: int, ids: np.ndarray) -> None:
        """Counts these articles of a segment (numbers, ascending), as `counter` would one
        by one."""
        stories = codes(leaf, STORY_COLUMN)
        story = stories.codes[ids]
        alone = stories.empty[story]  # in no group: a story of its own
        grouped, grouped_story = ids[~alone], story[~alone]
        found, first = np.unique(grouped_story, return_index=True)
        seen, new = self.seen, []
        for code, docnum in zip(found.tolist(), grouped[first].tolist(), strict=True):
            value = stories.distinct[code]
            if value not in seen:
                seen.add(value)
                new.append(docnum)
        singles = ids[alone]
        seen.update((singles + offset).tolist())
        counted = np.concatenate([np.array(new, dtype=np.int64), singles])
        for name, column in self.facets.items():
            facet = codes(leaf, column)
            tally = np.bincount(facet.codes[counted], minlength=len(facet.distinct))
            counter = self.counts[name]
            for code in np.flatnonzero(tally).tolist():
                counter[facet.distinct[code]] += int(tally[code])


def top_stories(
    searcher: Any,
    q: wq.Query,
    k: int,
    context: Any,
    ranges: Sequence[ColumnRange] = (),
    by_column: str | None = None,
    newest: bool = False,
    tally: Tally | None = None,
) -> list[Found]:
    """The best article of each of the `k` best stories matching q, best first.

    By score (ties: the earlier article), or with `by_column` by that column's value,
    largest first when `newest` (articles without a value last, ties: the earlier).
    With a `tally`, every match is also counted into it.
    """
    best = _Best(k)
    cheap = for_arrays(q)
    for sub, offset in searcher.leaf_searchers():
        leaf = sub.reader()
        found = score_all(cheap.matcher(sub, context), leaf)
        if found is not None:
            _take(found, leaf, offset, ranges, best, tally, by_column, newest)
            continue
        # A query the arrays cannot score exactly: walk Whoosh's matcher.
        stories = values(leaf, STORY_COLUMN)
        accepts = [r.test(leaf) for r in ranges]
        count = tally.counter(leaf, offset) if tally is not None else None
        if by_column is None:
            _by_score(q.matcher(sub, context), stories, accepts, offset, best, count)
            continue
        column, missing = values(leaf, by_column), missing_value(leaf, by_column)
        matcher = q.matcher(sub, sub.boolean_context()).replace()
        for docnum in matcher.all_ids() if matcher.is_active() else ():
            if all(accept(docnum) for accept in accepts):
                if count is not None:
                    count(docnum)
                value = column[docnum]
                key = (0, 0) if value == missing else (1, value if newest else -value)
                best.offer(key, offset + docnum, stories[docnum])
    return [Found(docnum, key if by_column is None else 0.0) for key, docnum in best.ranked()]


def _by_score(
    matcher: Any,
    stories: Any,  # a Values column or a list
    accepts: list[Callable[[int], bool]],
    offset: int,
    best: _Best,
    count: Callable[[int], None] | None,
) -> None:
    # Parts of the query with nothing to match here (a name's other forms absent from
    # this segment) drop out of the matcher. Whoosh's block-quality skipping is not used:
    # its bound for an optional clause (AndMaybe, the ranking bonus) leaves the clause
    # out, so it would skip articles that belong in the top k; and BM25 saturates so
    # fast that nearly every block of a common word could beat the floor anyway.
    matcher = matcher.replace()
    while matcher.is_active():
        docnum = matcher.id()
        if all(accept(docnum) for accept in accepts):
            if count is not None:
                count(docnum)
            best.offer(matcher.score(), offset + docnum, stories[docnum])
        matcher.next()


def _take(
    found: Matches,
    leaf: Any,
    offset: int,
    ranges: Sequence[ColumnRange],
    best: _Best,
    tally: Tally | None,
    by_column: str | None,
    newest: bool,
) -> None:
    """Count every match of a segment, and offer its best `k` stories to `best` (by
    score, or by a column as `top_stories` orders them)."""
    ids, scores = found.ids, found.scores
    for within in ranges:
        held = within.keep(leaf, ids)
        ids, scores = ids[held], scores[held]
    if tally is not None:
        tally.count_all(leaf, offset, ids)
    if by_column is None:
        order = np.lexsort((ids, -scores))  # best first; of equal scores, the earlier
    else:
        column = numbers(leaf, by_column)[ids]
        dated = column != missing_value(leaf, by_column)
        # Largest first when newest (as an ascending key); articles without a value last.
        ascending = np.iinfo(column.dtype).max - column if newest else column
        order = np.lexsort((ids, ascending, ~dated))
    stories = codes(leaf, STORY_COLUMN)
    story = stories.codes[ids]
    # One key per story: its group's code, or (in no group) the article's own.
    key = np.where(stories.empty[story], -1 - ids, story)
    _, first = np.unique(key[order], return_index=True)
    first.sort()
    for at in order[first[: best.k]].tolist():
        docnum = int(ids[at])
        if by_column is None:
            rank: Any = float(scores[at])
        else:  # the key the walked path gives: (0, 0) without a value
            value = int(column[at])
            rank = (1, value if newest else -value) if dated[at] else (0, 0)
        best.offer(rank, offset + docnum, stories.distinct[story[at]])


class _Best:
    """The best `k` stories seen so far, each by its best article: (key, docnum); a
    higher key is better, and of equal keys the earlier article."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.by_story: dict[Any, tuple[Any, int]] = {}
        self.heap: list[tuple[Any, int, Any]] = []  # (key, -docnum, story); stale entries too

    def full(self) -> bool:
        return len(self.by_story) >= self.k

    def offer(self, key: Any, docnum: int, story: Any) -> None:
        story = story or docnum  # an article in no group is a story of its own
        held = self.by_story.get(story)
        if held is not None:
            if (key, -docnum) > (held[0], -held[1]):
                self._hold(story, key, docnum)
            return
        if not self.full():
            self._hold(story, key, docnum)
            return
        self._settle()
        worst_key, worst_neg, worst_story = self.heap[0]
        if (key, -docnum) > (worst_key, worst_neg):
            heapq.heappop(self.heap)
            del self.by_story[worst_story]
            self._hold(story, key, docnum)

    def ranked(self) -> list[tuple[Any, int]]:
        return sorted(self.by_story.values(), key=lambda held: (held[0], -held[1]), reverse=True)

    def _hold(self, story: Any, key: Any, docnum: int) -> None:
        self.by_story[story] = (key, docnum)
        heapq.heappush(self.heap, (key, -docnum, story))

    def _settle(self) -> None:
        """Drop heap entries of stories that have since found a better article."""
        heap = self.heap
        while heap and self.by_story.get(heap[0][2]) != (heap[0][0], -heap[0][1]):
            heapq.heappop(heap)
