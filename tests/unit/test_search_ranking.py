"""Ranking: articles holding all of the reader's words come first, without changing what matches."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from whoosh import query as wq

from indexer.analysis.names import name_table
from indexer.config import Settings
from indexer.ingest.article import Article
from indexer.search import rank as search_module
from indexer.search.characters import with_characters
from indexer.search.core import SearchRequest, search
from indexer.search.expand import OtherForms, expand_search
from indexer.search.query import parse_query
from indexer.search.rank import _concepts, rank_query
from indexer.store.archive import Archive

FILLER = "The council met on Tuesday to discuss the budget, the roads and the schools."


@pytest.fixture
def archive(settings: Settings) -> Iterator[Archive]:
    articles = [
        # Only the rarer word, over and over.
        Article(id="copper-only", title="Markets", body="Copper, copper, copper. " + FILLER),
        # Both words once each.
        Article(id="both", title="Markets", body="A copper smelter opened. " + FILLER),
        Article(id="mine-only", title="Markets", body="A copper mine opened. " + FILLER),
    ]
    # The second word is common, so its weight is low: plain BM25 favours the repetition.
    articles += [
        Article(id=f"smelter-{i}", title="Industry", body=f"Smelter number {i}. {FILLER}")
        for i in range(12)
    ]
    archive = Archive(settings)
    archive.add(articles)
    yield archive
    archive.close()


def ranked(archive: Archive, q: str, **kw: object) -> list[str]:
    page = search(archive, SearchRequest(q=q, limit=50, facets=False, **kw))  # type: ignore[arg-type]
    return [h.id for h in page.hits]


def test_an_article_with_all_the_words_ranks_above_one_repeating_one_of_them(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ranked(archive, "copper smelter")[0] == "both"
    # Without the bonus, repetition of the rarer word wins: the bonus is what orders them.
    monkeypatch.setattr(search_module, "ALL_WORDS_BOOST", 0.0)
    assert ranked(archive, "copper smelter")[0] == "copper-only"


def test_the_bonus_never_changes_which_articles_match(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_bonus = search(archive, SearchRequest(q="copper smelter", limit=50))
    monkeypatch.setattr(search_module, "ALL_WORDS_BOOST", 0.0)
    without = search(archive, SearchRequest(q="copper smelter", limit=50))
    assert with_bonus.total == without.total > 3
    assert {h.id for h in with_bonus.hits} == {h.id for h in without.hits}
    assert with_bonus.facets == without.facets


def test_date_order_ignores_the_bonus(archive: Archive) -> None:
    assert set(ranked(archive, "copper smelter", sort="newest")) == set(
        ranked(archive, "copper smelter")
    )


@pytest.mark.parametrize(
    ("description", "q"),
    [
        (
            "every word is required already",
            wq.And([wq.Term("body", "copper"), wq.Term("body", "mine")]),
        ),
        ("a prefix", wq.Prefix("body", "copp")),
    ],
)
def test_queries_with_nothing_to_order_are_left_alone(description: str, q: wq.Query) -> None:
    assert rank_query(q) is q


def test_a_name_in_two_languages_is_one_word(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written for this test: the Chinese article names Huawei in both languages, the
    # English one in English only. One word was typed: neither gets an "every word" bonus,
    # and the other forms stay marked as such for the character search and the bonus.
    archive = Archive(settings)
    try:
        archive.add(
            [
                Article(
                    id="both-languages",
                    title="华为发布新手机",
                    body="华为（Huawei）今天发布新手机。",
                    lang="zh",
                    script="hans",
                ),
                Article(id="english", title="Huawei phone", body="Huawei launched a phone."),
            ]
        )
        searcher = archive.searcher()
        q, _ = parse_query("Huawei", searcher.schema, settings)
        assert q is not None
        table = name_table(archive.current_dir(), settings.aliases)
        expanded = with_characters(expand_search(searcher, q, "Huawei", table).query)
        assert any(isinstance(c, OtherForms) for c in expanded.children())
        assert len(_concepts(expanded)) == 1
        monkeypatch.setattr(search_module, "TITLE_BOOST", 0.0)
        assert rank_query(expanded) is expanded
        assert set(ranked(archive, "Huawei")) == {"both-languages", "english"}
    finally:
        archive.close()


def as_parsed(*words: str) -> wq.Query:
    """Words under OR as the parser flattens them: one term per word and field."""
    return wq.Or([wq.Term(field, word) for word in words for field in ("title", "body")])


def test_a_word_and_its_fields_count_once() -> None:
    # The parser flattens `copper smelter` under OR into per-field terms: two words, not four.
    q = as_parsed("copper", "smelter")
    ranked_q = rank_query(q)
    assert isinstance(ranked_q, wq.AndMaybe)
    every = ranked_q.b
    assert isinstance(every, wq.And) and len(list(every.children())) == 2


def test_a_common_word_in_a_title_does_not_outrank_an_article_about_the_whole_query(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = [
        Article(
            id="about-it",
            title="Property market",
            body="House prices rose again in March; prices of a house in London most. "
            + FILLER * 3,
        ),
        Article(
            id="uk-in-title",
            title="UK broadband gets faster",
            body="A faster service reaches every house in the UK. " + FILLER * 3,
        ),
    ]
    # "UK" is common, "house" and "prices" less so.
    articles += [
        Article(id=f"uk-{i}", title="Weather", body=f"Rain across the UK, day {i}. {FILLER}")
        for i in range(40)
    ]
    archive = Archive(settings)
    archive.add(articles)
    try:
        assert ranked(archive, "UK house prices")[0] == "about-it"
        # A title weighted far above the body let the one title word win (2.5, as it was,
        # did while "prices" was still expanded to the name 普莱斯 Price; 4.0 does now).
        monkeypatch.setitem(search_module.FIELD_BOOSTS, "title", 4.0)
        assert ranked(archive, "UK house prices")[0] == "uk-in-title"
    finally:
        archive.close()


def test_an_article_with_every_word_in_its_title_ranks_above_one_repeating_them(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written for this test: a story about Federer names him in its headline; a report on
    # another match mentions him again and again.
    articles = [
        Article(
            id="about-him",
            title="Federer wins in Dubai",
            body="The Swiss player won the final in straight sets. " + FILLER * 2,
        ),
        Article(
            id="mentions-him",
            title="Nadal reaches the final",
            body="Nadal beat a player Federer coached; Federer watched, and Federer's rival "
            "said Federer was the best. " + FILLER * 2,
        ),
        Article(
            id="half-in-title",
            title="Dubai tennis final",
            body="Federer and the Dubai crowd. " + FILLER * 2,
        ),
    ]
    archive = Archive(settings)
    archive.add(articles)
    try:
        assert ranked(archive, "Federer")[0] == "about-him"
        assert ranked(archive, "Federer Dubai")[0] == "about-him"
        assert ranked(archive, "Federer AND Dubai")[0] == "about-him"  # under AND too
        # Without the bonus, repetition in the body wins: the bonus is what orders them.
        monkeypatch.setattr(search_module, "TITLE_BOOST", 0.0)
        assert ranked(archive, "Federer")[0] == "mentions-him"
        assert ranked(archive, "Federer AND Dubai")[0] == "half-in-title"
    finally:
        archive.close()


def test_the_title_bonus_needs_every_word_in_the_title() -> None:
    ranked_q = rank_query(as_parsed("feder", "dubai"))
    assert isinstance(ranked_q, wq.AndMaybe)
    bonus = ranked_q.b
    assert isinstance(bonus, wq.And) and bonus.boost == search_module.TITLE_BOOST
    assert {leaf.fieldname for leaf in bonus.leaves()} == {"title"}
    assert {leaf.text for leaf in bonus.leaves()} == {"feder", "dubai"}
