"""Names across languages, pinyin, why a hit matched, did-you-mean and more like this."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from indexer.analysis.names import name_table
from indexer.errors import NotFoundError, QueryError
from indexer.search import rank
from indexer.search.core import SearchRequest, search
from indexer.search.expand import NAME, TRANSLATION, Explanation
from indexer.search.related import like_clues, more_like_this
from indexer.store.archive import Archive
from tests.helpers import make_settings

GUIZHOU = "text/alibaba-tencent-guizhou.txt"  # English; Jack Ma (馬雲), Tencent (騰訊)
SHENZHEN_AI = "https://tech.southweekly.example.net/2018/11/06/shenzhen-ai-medical"  # 腾讯 only
SHANGHAI_FERRIES = "text/shanghai-electric-ferries.txt"  # English only: Shanghai, no Chinese
BIG_DATA = "sample-jsonl-001"  # Simplified: 马云 once
XIAN_HANS = "text/xian-lantern-festival-hans.txt"
XIAN_HANT = "https://www.harbourtimes.example.net/2019/02/19/xian-lantern-festival"


def hits(archive: Archive, q: str, **kw: object) -> dict[str, object]:
    page = search(archive, SearchRequest(q=q, limit=50, **kw))  # type: ignore[arg-type]
    return {h.id: h for h in page.hits}


def test_english_name_finds_a_chinese_only_article(sample_archive: Archive) -> None:
    found = hits(sample_archive, "Tencent")
    assert SHENZHEN_AI in found
    assert found[SHENZHEN_AI].explanation == [Explanation(NAME, "腾讯", "Tencent")]  # type: ignore[attr-defined]
    assert SHENZHEN_AI not in hits(sample_archive, "Tencent", expand=False)


def test_chinese_name_finds_an_english_only_article(sample_archive: Archive) -> None:
    found = hits(sample_archive, "上海")
    assert SHANGHAI_FERRIES in found
    hit = found[SHANGHAI_FERRIES]
    assert hit.explanation == [Explanation(NAME, "Shanghai", "上海")]  # type: ignore[attr-defined]
    assert "<mark>Shanghai</mark>" in hit.snippet.html()  # type: ignore[attr-defined]
    assert SHANGHAI_FERRIES not in hits(sample_archive, "上海", expand=False)


def test_literal_words_rank_above_their_other_forms(
    sample_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both articles name Tencent in their text, one as typed, one as 腾讯: the one that
    # says Tencent ranks first. (The other names 腾讯 in its headline too: a story about
    # it, which the headline bonus ranks first, below.)
    monkeypatch.setattr(rank, "TITLE_BOOST", 0.0)
    ranked = [h.id for h in search(sample_archive, SearchRequest(q="Tencent", limit=10)).hits]
    assert ranked.index(GUIZHOU) < ranked.index(SHENZHEN_AI)


def test_a_story_naming_another_form_in_its_headline_ranks_above_a_mention(
    sample_archive: Archive,
) -> None:
    ranked = [h.id for h in search(sample_archive, SearchRequest(q="Tencent", limit=10)).hits]
    assert ranked.index(SHENZHEN_AI) < ranked.index(GUIZHOU)


@pytest.mark.parametrize("q", ["Jack Ma", '"Jack Ma"', "马云", "馬雲", "mayun", "ma yun"])
def test_every_form_of_a_name_reaches_both_articles(sample_archive: Archive, q: str) -> None:
    found = hits(sample_archive, q)
    assert GUIZHOU in found and BIG_DATA in found


def test_pinyin_is_query_side_only(sample_archive: Archive) -> None:
    hit = hits(sample_archive, "mayun")[BIG_DATA]
    assert [str(e) for e in hit.explanation] == ["matched 马云 for mayun"]  # type: ignore[attr-defined]
    assert hits(sample_archive, "mayun", expand=False) == {}  # pinyin itself is not indexed


def test_explanation_is_in_the_json(sample_archive: Archive) -> None:
    data = search(sample_archive, SearchRequest(q="Tencent", limit=20)).to_dict()
    why = {h["id"]: h["why"] for h in data["hits"]}
    assert why[SHENZHEN_AI] == [
        {"kind": "name", "form": "腾讯", "for": "Tencent", "text": "matched 腾讯 for Tencent"}
    ]
    assert [w["form"] for w in why[GUIZHOU]] == ["騰訊"]  # it says both


def test_highlights_mark_the_other_script_as_written(sample_archive: Archive) -> None:
    hit = hits(sample_archive, "Tencent")[GUIZHOU]
    assert {"Tencent", "騰訊"} <= set(hit.snippet.matched)  # type: ignore[attr-defined]


def test_expansion_can_be_switched_off_in_config(sample_index: Path) -> None:
    archive = Archive(replace(make_settings(sample_index), expand_names=False))
    try:
        assert SHENZHEN_AI not in hits(archive, "Tencent")
    finally:
        archive.close()


def test_aliases_file_from_config(sample_index: Path, tmp_path: Path) -> None:
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[names]\n"Tencent" = []\n"Ferry" = ["渡轮"]\n', encoding="utf-8")
    archive = Archive(replace(make_settings(sample_index), aliases=aliases))
    try:
        assert SHENZHEN_AI not in hits(archive, "Tencent")  # switched off by the archivist
        assert SHANGHAI_FERRIES in hits(archive, "渡轮")
    finally:
        archive.close()


def test_negated_name_excludes_every_form(sample_archive: Archive) -> None:
    assert SHENZHEN_AI not in hits(sample_archive, "人工智能 -Tencent")
    assert SHENZHEN_AI in hits(sample_archive, "人工智能")


def test_lang_prefix_and_cross_script_phrase(sample_archive: Archive) -> None:
    assert set(hits(sample_archive, '"元宵節" lang:zh-hans')) == {XIAN_HANS}
    assert set(hits(sample_archive, '"元宵节" lang:zh-hant')) == {XIAN_HANT}
    assert GUIZHOU in hits(sample_archive, "Tencent lang:en")
    assert SHENZHEN_AI not in hits(sample_archive, "Tencent lang:en")


def test_facet_counts_follow_the_expanded_query(sample_archive: Archive) -> None:
    page = search(sample_archive, SearchRequest(q="Tencent", limit=1))
    langs = dict(page.facets["lang"])
    assert langs["en"] >= 1 and langs["zh-Hans"] >= 1
    assert sum(langs.values()) == page.total


def test_did_you_mean_for_a_misspelt_english_word(sample_archive: Archive) -> None:
    page = search(sample_archive, SearchRequest(q="inflaton"))
    assert page.total == 0
    assert page.suggestions == ["inflation"]
    assert page.to_dict()["suggestions"] == ["inflation"]


def test_did_you_mean_keeps_the_rest_of_the_query(sample_archive: Archive) -> None:
    page = search(sample_archive, SearchRequest(q="central bnak"))
    assert page.suggestions and page.suggestions[0] == "central bank"


@pytest.mark.parametrize(
    ("description", "q"),
    [
        ("three good results", "马云 OR 腾讯"),
        ("two results; Jack Ma would find fewer", "马云"),
        ("two results; Tencent would find fewer", "騰訊"),
    ],
)
def test_no_did_you_mean_when_it_would_not_help(
    sample_archive: Archive, description: str, q: str
) -> None:
    page = search(sample_archive, SearchRequest(q=q))
    assert page.total >= 2 and page.suggestions == [], description


@pytest.mark.parametrize("q", ["<script>alert(1)</script>", "centrl <br>", "<b>centrl</b>"])
def test_no_did_you_mean_for_markup(sample_archive: Archive, q: str) -> None:
    assert search(sample_archive, SearchRequest(q=q)).suggestions == []
    plain = search(sample_archive, SearchRequest(q="centrl"))
    assert "central" in plain.suggestions  # the same word, typed as a word, is corrected


def test_each_suggestion_finds_more(sample_archive: Archive) -> None:
    page = search(sample_archive, SearchRequest(q="centrl"))
    assert page.total == 0 and page.suggestions
    for suggestion in page.suggestions:
        assert search(sample_archive, SearchRequest(q=suggestion)).total > page.total


def test_chinese_suggestion_from_the_other_regions_word(sample_archive: Archive) -> None:
    # Taiwan's 腳踏車 is the mainland's 自行车: a query with nothing under one word is
    # offered the other when only the other finds something.
    page = search(sample_archive, SearchRequest(q="電動車 OR 电动车", limit=1))
    assert page.total >= 1 and page.suggestions == []
    none = search(sample_archive, SearchRequest(q="计程车", expand=False))
    assert none.total == 0 and none.suggestions == []  # no article says either word


def test_more_like_this(sample_archive: Archive) -> None:
    page = more_like_this(sample_archive, XIAN_HANS, limit=3)
    ids = [h.id for h in page.hits]
    assert XIAN_HANS not in ids
    assert ids[0] == XIAN_HANT  # the other script's report of the same festival
    assert page.hits[0].snippet.matched


GUIZHOU_EN = "text/alibaba-tencent-guizhou.txt"
GUIYANG_ZH = "sample-jsonl-001"


@pytest.mark.parametrize(
    ("article", "other", "lang"),
    [
        pytest.param(GUIZHOU_EN, GUIYANG_ZH, "zh-Hans", id="English finds its Chinese story"),
        pytest.param(GUIYANG_ZH, GUIZHOU_EN, "en", id="Chinese finds its English story"),
    ],
)
def test_more_like_this_crosses_languages(
    sample_archive: Archive, article: str, other: str, lang: str
) -> None:
    hits = more_like_this(sample_archive, article, limit=3).hits
    assert other in [h.id for h in hits]
    assert next(h for h in hits if h.id == other).lang == lang


def test_like_clues_carry_names_into_the_other_language(sample_archive: Archive) -> None:
    searcher = sample_archive.searcher()
    docnum = searcher.document_number(id=GUIZHOU_EN)
    table = name_table(sample_archive.current_dir(), sample_archive.settings.aliases)
    clues = {c.terms: c for c in like_clues(searcher, docnum, table)}
    assert ("provinc",) in clues and not clues[("provinc",)].crosses  # a telling word
    assert ("the",) not in clues and ("they",) not in clues  # common words tell nothing
    crossing = {terms for terms, c in clues.items() if c.crosses}
    assert {("阿里巴巴",), ("guiyang",)} <= crossing  # Alibaba, and 貴陽 read as Guiyang


def test_more_like_this_errors(sample_archive: Archive) -> None:
    with pytest.raises(NotFoundError):
        more_like_this(sample_archive, "no-such-article")
    with pytest.raises(QueryError):
        more_like_this(sample_archive, XIAN_HANS, limit=0)


def test_cli_shows_why_a_hit_matched(runner: object, sample_index: Path) -> None:
    from indexer.cli import cli

    result = runner.invoke(  # type: ignore[attr-defined]
        cli, ["--index", str(sample_index), "search", "上海", "--limit", "20"]
    )
    assert result.exit_code == 0, result.output
    assert "(matched Shanghai for 上海)" in result.output


def test_common_words_are_translated_beside_a_name_that_crosses_languages(
    sample_archive: Archive,
) -> None:
    # 马云 has an English form, so the reader may be after an English story: 大数据 is
    # looked for as "big data" too, and the English article holds every word of the query.
    found = hits(sample_archive, "马云 大数据")
    assert GUIZHOU in found
    why = found[GUIZHOU].explanation  # type: ignore[attr-defined]
    assert Explanation(TRANSLATION, "big data", "大数据") in why
    assert Explanation(NAME, "Jack Ma", "马云") in why
    assert len({str(line).casefold() for line in why}) == len(why)  # one line per form
    ranked = [h.id for h in search(sample_archive, SearchRequest(q="马云 大数据", limit=3)).hits]
    assert ranked[:2] == [BIG_DATA, GUIZHOU] or ranked[:2] == [GUIZHOU, BIG_DATA]


@pytest.mark.parametrize(
    ("description", "q"),
    [
        ("a common word on its own", "大数据"),
        ("no name that crosses languages", "大数据 产业"),
    ],
)
def test_common_words_alone_are_not_translated(
    sample_archive: Archive, description: str, q: str
) -> None:
    found = hits(sample_archive, q)
    assert not any(
        "for 大数据" in str(line)
        for hit in found.values()
        for line in hit.explanation  # type: ignore[attr-defined]
    ), description


def test_the_public_api_names_the_one_more_like_this() -> None:
    import indexer
    from indexer.search import related

    assert indexer.more_like_this is related.more_like_this
