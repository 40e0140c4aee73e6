"""Collecting a results page: the pruned top stories, counts and date ranges agree with
scoring every match through Whoosh's own collector."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from whoosh import query as wq

from indexer.config import Settings
from indexer.engine import columns
from indexer.engine.collect import ColumnRange, Tally, top_stories
from indexer.ingest.article import Article
from indexer.search.core import FACETS, SearchRequest, search
from indexer.search.query import parse_query
from indexer.search.rank import WEIGHTING, rank_query
from indexer.store.archive import Archive
from tests.helpers import reference_ranking, several_segments


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    archive = several_segments(tmp_path_factory.mktemp("collect") / "index", 7, 700)
    yield archive
    archive.close()


@pytest.mark.parametrize(
    "text",
    [
        "copper",
        "copper smelter",
        "copper OR tariff OR river",
        '"copper smelter"',
        "budget -school",
        "report",
    ],
)
def test_top_stories_match_scoring_every_article(archive: Archive, text: str) -> None:
    searcher = archive.searcher()
    assert len(searcher.reader().leaf_readers()) > 1
    q, _ = parse_query(text, searcher.schema, archive.settings)
    ranked = rank_query(q)
    for k in (1, 10, 55):
        expected = reference_ranking(searcher, ranked, k)
        assert expected, text
        for tally in (None, Tally(FACETS)):
            got = top_stories(
                searcher, ranked, k, searcher.context(weighting=WEIGHTING), tally=tally
            )
            assert [f.docnum for f in got] == [d for _, d in expected], (text, k, tally)
            assert [f.score for f in got] == pytest.approx([s for s, _ in expected])


def test_tally_counts_each_story_once(archive: Archive) -> None:
    searcher = archive.searcher()
    q, _ = parse_query("copper", searcher.schema, archive.settings)
    tally = Tally(FACETS)
    top_stories(searcher, q, 10, searcher.context(weighting=WEIGHTING), tally=tally)
    stories: dict[Any, int] = {}
    for docnum in searcher.docs_for_query(q):
        stories.setdefault(searcher.stored_fields(docnum).get("group") or docnum, docnum)
    assert tally.total == len(stories) < len(list(searcher.docs_for_query(q)))
    by_source = Counter(searcher.stored_fields(d)["source"] for d in stories.values())
    assert {k.decode(): n for k, n in tally.counts["source"].items()} == dict(by_source)


@pytest.mark.parametrize(
    ("low", "high"),
    [("2005-01-01", "2010-12-31"), (None, "2003-06-30"), ("2018-01-01", None), (None, None)],
)
def test_date_range_keeps_only_dated_articles_in_range(
    archive: Archive, low: str | None, high: str | None
) -> None:
    searcher = archive.searcher()
    start = datetime.fromisoformat(low) if low else None
    end = datetime.fromisoformat(high).replace(hour=23, minute=59, second=59) if high else None
    q = wq.Term("body", "copper")
    within = ColumnRange.from_query(wq.DateRange("published", start, end), searcher.schema)
    assert within is not None
    got = top_stories(searcher, q, 5000, searcher.context(weighting=WEIGHTING), [within])
    dates = [searcher.stored_fields(f.docnum).get("published") for f in got]
    assert got and all(d is not None for d in dates)
    assert all((start is None or d >= start) and (end is None or d <= end) for d in dates)
    # The same stories as Whoosh's range query, whose matches it lists up front.
    whole = wq.And([q, wq.DateRange("published", start, end)]) if (start or end) else q
    expected = reference_ranking(searcher, whole, 5000)
    if start or end:
        assert [f.docnum for f in got] == [d for _, d in expected]
    else:  # open at both ends: every dated article
        assert len(got) < len(expected)


def test_sorted_by_date_newest_first_undated_last(archive: Archive) -> None:
    newest = search(archive, SearchRequest(q="copper", sort="newest", limit=100))
    oldest = search(archive, SearchRequest(q="copper", sort="oldest", limit=100))
    for page, reverse in ((newest, True), (oldest, False)):
        dates = [h.published for h in page.hits]
        assert all(dates), "articles with a date come first"
        assert dates == sorted(dates, reverse=reverse)
    assert newest.total == oldest.total > 100


def test_lengths_and_columns_are_read_once_per_segment(archive: Archive) -> None:
    searcher = archive.searcher()
    for leaf, _ in searcher.reader().leaf_readers():
        for name in ("group", "source_name", "published"):
            held = columns.values(leaf, name)
            assert list(held) == list(leaf.column_reader(name, translate=False))
            assert columns.values(leaf, name) is held
        lengths = leaf._perdoc._readers["_body_len"]
        assert isinstance(lengths, bytes) and len(lengths) == leaf.doc_count_all()


def test_pages_from_a_kept_search_equal_pages_counted_afresh(archive: Archive) -> None:
    from indexer.search import core as search_module

    def page(offset: int, fresh: bool) -> tuple[int, list[str]]:
        if fresh:
            search_module._summaries.items.clear()
        found = search(archive, SearchRequest(q="copper OR river", offset=offset, limit=40))
        return found.total, [h.id for h in found.hits]

    search_module._summaries.items.clear()
    kept = [page(offset, fresh=False) for offset in (0, 40, 80, 120, 160, 40)]
    fresh = [page(offset, fresh=True) for offset in (0, 40, 80, 120, 160, 40)]
    assert kept == fresh
    assert kept[0][0] > 200 and all(len(ids) == 40 for _, ids in kept)
    assert len({i for _, ids in kept for i in ids}) == 200


def test_a_commit_makes_a_kept_search_count_again(settings: Settings) -> None:
    archive = Archive(settings)
    try:
        archive.add([Article(id="z1", title="Zinc prices", body="Zinc rose on Monday.")])
        assert search(archive, SearchRequest(q="zinc")).total == 1
        archive.add([Article(id="z2", title="Zinc mine", body="A zinc mine opened.")])
        page = search(archive, SearchRequest(q="zinc"))
        assert page.total == 2 and {h.id for h in page.hits} == {"z1", "z2"}
    finally:
        archive.close()


@pytest.mark.parametrize(
    ("text", "few"),
    [
        ("copper smelter", False),
        ("serial17 copper", True),
        ("serial17 serial18", True),
    ],
)
def test_whether_few_articles_hold_every_word(archive: Archive, text: str, few: bool) -> None:
    from indexer.search.expand import few_hold_every_word
    from indexer.search.suggest import MIN_HITS_BEFORE_SUGGESTING

    searcher = archive.searcher()
    q, _ = parse_query(text, searcher.schema, archive.settings)
    holding = [
        d
        for d in range(searcher.doc_count_all())
        if not searcher.reader().is_deleted(d)
        and all(
            w in searcher.stored_fields(d)["body"].replace(".", " ").split()
            or w in searcher.stored_fields(d)["title"].split()
            for w in text.split()
        )
    ]
    assert (len(holding) < MIN_HITS_BEFORE_SUGGESTING) is few
    assert few_hold_every_word(searcher, q) is few


@pytest.mark.parametrize("word", ["coper", "smeltr", "serial17", "serial2499", "brigde", "xyz"])
@pytest.mark.parametrize("distance", [1, 2])
def test_spelling_candidates_are_whooshs_own(archive: Archive, word: str, distance: int) -> None:
    """The words within a distance, stepped through each segment's words in memory, are
    the words Whoosh's automaton finds through each segment's term cursor. (Over several
    segments Whoosh compares every word instead, which also counts transpositions.)"""
    from indexer.engine.spelling import words_within

    reader = archive.searcher().reader()
    assert len(reader.leaf_readers()) > 1
    expected = {
        t.decode("utf-8") if isinstance(t, bytes) else t
        for leaf, _ in reader.leaf_readers()
        for t in leaf.terms_within("body", word, distance, prefix=1)
    }
    assert words_within(reader, word, distance) == expected
    if word.startswith("serial"):
        assert expected  # words of the last segments as of the first
