"""Scoring with arrays gives every match Whoosh's matchers give, with bit-identical
scores; packed values and blocks read back as written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh import index
from whoosh import query as wq
from whoosh.writing import NO_MERGE

from indexer.engine import vectorized
from indexer.engine.codec import ArchiveCodec, PackedLeafMatcher
from indexer.engine.collect import top_stories
from indexer.engine.formats import PackedCharacters, PackedPositions
from indexer.search.core import SearchRequest, search
from indexer.search.query import parse_query
from indexer.search.rank import WEIGHTING, rank_query
from indexer.store.archive import Archive
from indexer.store.schema import build_schema, to_document
from tests.helpers import reference_ranking, several_segments, varied_articles

QUERIES = [
    "copper",
    "copper smelter",
    "copper OR tariff OR river",
    '"copper smelter"',
    '"the copper smelter"',
    "report",
    "title:report",
    "serial17",
    "serial17 OR serial1700 OR copper",
    "nothingsuchword",
    '"river bridge" school',
    "copper AND (river OR bridge)",
]


def _walk(matcher: Any) -> tuple[list[int], list[float]]:
    matcher = matcher.replace()
    ids, scores = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        scores.append(matcher.score())
        matcher.next()
    return ids, scores


def _assert_same_as_whoosh(searcher: Any, q: wq.Query) -> int:
    context = searcher.context(weighting=WEIGHTING)
    matched = 0
    for sub, _ in searcher.leaf_searchers():
        ids, scores = _walk(q.matcher(sub, context))
        # Whoosh's own tree, and the one built for arrays (phrases not walked as built).
        for tree in (q, vectorized.for_arrays(q)):
            found = vectorized.score_all(tree.matcher(sub, context), sub.reader())
            assert found is not None, q
            assert found.ids.tolist() == ids, q
            assert found.scores.tolist() == scores, q  # exactly: the same sums, same order
        matched += len(ids)
    return matched


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    archive = several_segments(tmp_path_factory.mktemp("vectorized") / "index", 11, 800)
    ix = archive.open_index()
    with ix.writer() as w:  # deletions: Whoosh filters them out of every matcher
        for i in range(0, 2500, 9):
            w.delete_by_term("id", f"a{i}")
        w.mergetype = NO_MERGE
    yield archive
    archive.close()


@pytest.mark.parametrize("text", QUERIES)
def test_arrays_score_every_match_as_whoosh_does(archive: Archive, text: str) -> None:
    searcher = archive.searcher()
    assert len(searcher.reader().leaf_readers()) > 1
    assert searcher.reader().has_deletions()
    q, _ = parse_query(text, searcher.schema, archive.settings)
    matched = _assert_same_as_whoosh(searcher, rank_query(q))
    assert matched or text == "nothingsuchword"


def test_queries_built_by_hand(archive: Archive) -> None:
    searcher = archive.searcher()
    for q in [
        wq.Or([wq.Term("body", "copper", boost=2.5), wq.Term("title", "report", boost=0.3)]),
        wq.AndMaybe(wq.Term("body", "river"), wq.Term("body", "bridge", boost=0.7)),
        wq.Phrase("body", ["copper", "copper"]),
        wq.Phrase("body", ["the", "copper", "smelter"], boost=1.7),
        wq.And([wq.Term("lang", "en"), wq.Term("body", "tariff")], boost=0.5),
        wq.Term("id", "a5"),
        wq.AndMaybe(
            wq.Phrase("body", ["copper", "smelter"]),
            wq.Phrase("body", ["river", "bridge"], boost=0.7),
        ),
    ]:
        _assert_same_as_whoosh(searcher, q)


def test_a_phrase_and_not_a_word(archive: Archive) -> None:
    # Whoosh's "and not" over a phrase matcher lets some articles holding the excluded
    # word through; the arrays keep exactly the phrase's articles without it.
    searcher = archive.searcher()
    context = searcher.context(weighting=WEIGHTING)
    phrase, word = wq.Phrase("body", ["copper", "smelter"]), wq.Term("body", "school")
    for sub, _ in searcher.leaf_searchers():
        wanted, scores = _walk(phrase.matcher(sub, context))
        excluded = set(_walk(word.matcher(sub, context))[0])
        expected = [(d, s) for d, s in zip(wanted, scores, strict=True) if d not in excluded]
        for tree in (wq.AndNot(phrase, word), vectorized.for_arrays(wq.AndNot(phrase, word))):
            found = vectorized.score_all(tree.matcher(sub, context), sub.reader())
            assert found is not None
            assert list(zip(found.ids.tolist(), found.scores.tolist(), strict=True)) == expected


def _kinds(m: Any) -> set[str]:
    found = {type(m).__name__}
    for child in [getattr(m, name, None) for name in ("a", "b", "child")] + list(
        getattr(m, "_submatchers", [])
    ):
        if child is not None:
            found |= _kinds(child)
    return found


def test_the_tree_for_arrays_has_no_phrase_matcher_walking_as_it_is_built(
    archive: Archive,
) -> None:
    searcher = archive.searcher()
    context = searcher.context(weighting=WEIGHTING)
    q, _ = parse_query('"copper smelter" river', searcher.schema, archive.settings)
    q = rank_query(q)
    sub = searcher.leaf_searchers()[0][0]
    assert "SpanNear2Matcher" in _kinds(q.matcher(sub, context))
    assert "SpanNear2Matcher" not in _kinds(vectorized.for_arrays(q).matcher(sub, context))
    assert repr(vectorized.for_arrays(q)) != repr(q) and "Phrase" in repr(q)


@pytest.mark.parametrize("text", ["budget -school", "copper AND (river OR bridge) -tariff"])
def test_and_not_excludes_every_article_holding_the_word(archive: Archive, text: str) -> None:
    # In a small segment Whoosh's "and not" walks an array union on its excluded side
    # and lets some of its articles through; the arrays exclude them all.
    searcher = archive.searcher()
    context = searcher.context(weighting=WEIGHTING)
    q, _ = parse_query(text, searcher.schema, archive.settings)
    q = rank_query(q)
    for sub, _ in searcher.leaf_searchers():
        matcher = q.matcher(sub, context)
        assert type(matcher).__name__ == "AndNotMatcher"
        excluded = set(_walk(matcher.b)[0])
        wanted, scores = _walk(matcher.a)
        kept = [(d, s) for d, s in zip(wanted, scores, strict=True) if d not in excluded]
        found = vectorized.score_all(q.matcher(sub, context), sub.reader())
        assert found is not None and excluded
        assert list(zip(found.ids.tolist(), found.scores.tolist(), strict=True)) == kept
    word = text.rsplit("-", 1)[1]
    page = search(archive, SearchRequest(q=text, limit=100))
    assert page.total and all(
        word not in searcher.stored_fields(searcher.document_number(id=hit.id))["body"].split()
        for hit in page.hits
    )


def test_a_tree_arrays_cannot_score_is_left_to_whoosh(archive: Archive) -> None:
    searcher = archive.searcher()
    context = searcher.context(weighting=WEIGHTING)
    loose = wq.Phrase("body", ["copper", "smelter"], slop=3)
    sub = searcher.leaf_searchers()[0][0]
    assert vectorized.score_all(loose.matcher(sub, context), sub.reader()) is None
    # ...and the page is still right: the matcher is walked instead.
    got = top_stories(searcher, loose, 10, context)
    assert [f.docnum for f in got] == [d for _, d in reference_ranking(searcher, loose, 10)]


def test_packed_values_round_trip() -> None:
    chars = PackedCharacters()
    value = chars.encode([(0, 0, 5), (7, 40, 46), (90, 600, 602)])
    assert chars.decode_characters(value) == [(0, 0, 5), (7, 40, 46), (90, 600, 602)]
    assert chars.decode_positions(value) == [0, 7, 90]
    assert chars.decode_frequency(value) == 3 and chars.decode_weight(value) == 3.0
    assert chars.combine([chars.encode([(1, 3, 4)]), chars.encode([(1, 2, 4), (5, 9, 10)])]) == (
        chars.encode([(1, 2, 4), (5, 9, 10)])
    )
    positions = PackedPositions()
    assert positions.decode_positions(positions.encode([3, 9, 12])) == [3, 9, 12]
    assert positions.combine([positions.encode([3]), positions.encode([1, 3])]) == (
        positions.encode([1, 3])
    )


def _whoosh_built(folder: Path) -> Any:
    """An index of the same schema written by Whoosh's own writer: W3 blocks, read by the
    archive codec too."""
    folder.mkdir()
    ix = index.create_in(str(folder), build_schema("jieba"))
    with ix.writer(codec=ArchiveCodec()) as w:
        for article in varied_articles(600, seed=3):
            w.add_document(**to_document(article))
    return ix


def test_whoosh_blocks_in_an_archive_segment_score_the_same(tmp_path: Path) -> None:
    ix = _whoosh_built(tmp_path / "whoosh")
    schema = ix.schema
    with ix.searcher() as searcher:
        matcher = searcher.reader().postings("body", "copper")
        assert isinstance(matcher, PackedLeafMatcher) and not matcher.packed
        for text in ('"copper smelter"', "copper OR river", "budget -school"):
            q = wq.Or(
                [
                    wq.Phrase("body", ["copper", "smelter"])
                    if text.startswith('"')
                    else wq.Term("body", text.split()[0]),
                    wq.Term("title", "report"),
                ]
            )
            _assert_same_as_whoosh(searcher, q)
        assert schema["body"].format.__class__ is PackedCharacters


@pytest.mark.parametrize("newest", [True, False], ids=["newest", "oldest"])
@pytest.mark.parametrize("arrays", [True, False], ids=["arrays", "walked"])
def test_sorted_by_date_as_every_match_sorted_one_by_one(
    archive: Archive, newest: bool, arrays: bool
) -> None:
    searcher = archive.searcher()
    if arrays:
        q, _ = parse_query("copper OR bridge", searcher.schema, archive.settings)
    else:  # a phrase with slop: Whoosh's matcher is walked
        q = wq.Phrase("body", ["copper", "smelter"], slop=3)
    best: dict[Any, tuple[Any, int]] = {}
    for docnum in searcher.docs_for_query(q):
        stored = searcher.stored_fields(docnum)
        published = stored.get("published")
        stamp = published.timestamp() if published else None
        key = (0, 0) if stamp is None else (1, stamp if newest else -stamp)
        story = stored.get("group") or docnum
        if story not in best or (key, -docnum) > (best[story][0], -best[story][1]):
            best[story] = (key, docnum)
    expected = [d for _, d in sorted(best.values(), key=lambda kd: (kd[0], -kd[1]), reverse=True)]
    for k in (10, 55, 5000):
        got = top_stories(
            searcher,
            q,
            k,
            searcher.context(weighting=WEIGHTING),
            by_column="published",
            newest=newest,
        )
        assert [f.docnum for f in got] == expected[:k]
    assert any(key == (0, 0) for key, _ in best.values())  # undated articles, last


def test_skipping_by_block_directory_lands_where_walking_does(archive: Archive) -> None:
    searcher = archive.searcher()
    tried = 0
    for leaf, _ in searcher.reader().leaf_readers():
        matcher = leaf.postings("body", "the")
        inner = getattr(matcher, "child", matcher)
        assert isinstance(inner, PackedLeafMatcher) and inner.packed
        everything = list(matcher.all_ids())
        if len(everything) < 3 * 128:  # a small last segment: one or two blocks
            continue
        tried += 1
        for target in (0, 5, 200, 201, 388, 389, everything[-1], everything[-1] + 1, 10**6):
            fresh = leaf.postings("body", "the")
            fresh.skip_to(target)
            later = [d for d in everything if d >= target]
            if later:
                assert fresh.is_active() and fresh.id() == later[0]
                fresh.next()
                assert (fresh.id() if fresh.is_active() else None) == (
                    later[1] if len(later) > 1 else None
                )
            else:
                assert not fresh.is_active()
        walked = leaf.postings("body", "the")
        steps = everything[::37]
        for target in steps:  # many skips on one matcher, forward only
            walked.skip_to(target)
            assert walked.id() == target
    assert tried >= 2


def test_a_plain_whoosh_index_scores_the_same(tmp_path: Path) -> None:
    """Whoosh's own formats (pickled positions) and blocks, with its own codec."""
    from whoosh.fields import ID, TEXT, Schema

    folder = tmp_path / "plain"
    folder.mkdir()
    ix = index.create_in(str(folder), Schema(id=ID(stored=True), body=TEXT(phrase=True)))
    words = ["copper", "smelter", "river", "bridge", "school", "tariff", "the", "of"]
    with ix.writer() as w:
        for i in range(700):
            body = " ".join(words[(i * k) % len(words)] for k in range(1, 40 + i % 50))
            w.add_document(id=str(i), body=body)
    with ix.searcher() as searcher:
        for q in [
            wq.Phrase("body", ["copper", "smelter"]),
            wq.Term("body", "river"),
            wq.Or([wq.Phrase("body", ["the", "of"]), wq.Term("body", "tariff")]),
        ]:
            assert _assert_same_as_whoosh(searcher, q)
