"""Search on the sample corpus: the bilingual cases that define the product."""

from __future__ import annotations

import pytest

from indexer.errors import QueryError
from indexer.search.core import SearchRequest, search
from indexer.store.archive import Archive

GUIZHOU = "text/alibaba-tencent-guizhou.txt"  # English, names in Traditional script
BIG_DATA = "sample-jsonl-001"  # Simplified: 大数据中心 twice, 马云 once
SUBWAY = "text/nanchang-metro-new-line.txt"  # Simplified: 数据 and 中心, never 数据中心
EV_TAIPEI = "https://www.beicheng.example.net/2021/03/15/taipei-ev-charging"  # Traditional
SHENZHEN_AI = "https://tech.southweekly.example.net/2018/11/06/shenzhen-ai-medical"


def ids(archive: Archive, q: str, **kw: object) -> list[str]:
    return [h.id for h in search(archive, SearchRequest(q=q, limit=50, **kw)).hits]  # type: ignore[arg-type]


@pytest.mark.parametrize("q", ["马云", "馬雲", "腾讯", "騰訊", '"Jack Ma"', "Tencent"])
def test_english_article_found_by_either_script_and_english(
    sample_archive: Archive, q: str
) -> None:
    assert GUIZHOU in ids(sample_archive, q)


@pytest.mark.parametrize("q", ["马云", "馬雲"])
def test_highlight_marks_the_name_as_written(sample_archive: Archive, q: str) -> None:
    page = search(sample_archive, SearchRequest(q=q, limit=20, expand=False))
    hit = next(h for h in page.hits if h.id == GUIZHOU)
    assert hit.snippet.matched == ["馬雲"]
    assert "<mark>馬雲</mark>" in hit.snippet.html()
    # With names expanded, the English form of the name is marked too.
    page = search(sample_archive, SearchRequest(q=q, limit=20))
    hit = next(h for h in page.hits if h.id == GUIZHOU)
    assert hit.snippet.matched == ["Jack Ma", "馬雲"]


def test_phrase_query_highlights_the_whole_phrase(sample_archive: Archive) -> None:
    page = search(sample_archive, SearchRequest(q='"Jack Ma"', expand=False))
    hit = next(h for h in page.hits if h.id == GUIZHOU)
    assert hit.snippet.matched == ["Jack Ma"]


def test_chinese_words_match_inside_longer_words(sample_archive: Archive) -> None:
    # jieba cuts 大数据中心 as 大/数据中心 here; the word 数据 still finds it.
    assert BIG_DATA in ids(sample_archive, "数据")
    assert BIG_DATA in ids(sample_archive, "大数据")


def test_chinese_phrase_matches_only_the_exact_phrase(sample_archive: Archive) -> None:
    words = ids(sample_archive, "数据 中心")
    assert SUBWAY in words and BIG_DATA in words
    phrase = ids(sample_archive, '"数据中心"')
    assert BIG_DATA in phrase and SUBWAY not in phrase
    hit = search(sample_archive, SearchRequest(q='"数据中心"')).hits[0]
    assert set(hit.snippet.matched) == {"数据中心"}


def test_simplified_query_finds_traditional_article(sample_archive: Archive) -> None:
    found = ids(sample_archive, "电动车")
    assert found[0] == EV_TAIPEI
    hit = search(sample_archive, SearchRequest(q="电动车")).hits[0]
    assert set(hit.snippet.matched) == {"電動車"}  # marked in the article's own script


def test_traditional_query_finds_simplified_article(sample_archive: Archive) -> None:
    assert SHENZHEN_AI in ids(sample_archive, "騰訊 人工智能")


def test_boolean_operators(sample_archive: Archive) -> None:
    both = set(ids(sample_archive, "元宵节 AND 西安"))
    assert len(both) == 2  # the Simplified and the Traditional report
    assert set(ids(sample_archive, "元宵节 NOT 西安")) == set()
    either = set(ids(sample_archive, "颱風 OR 电动车"))
    assert EV_TAIPEI in either and len(either) >= 2
    assert GUIZHOU not in ids(sample_archive, "腾讯 -Guizhou")


def test_field_prefixes(sample_archive: Archive) -> None:
    assert ids(sample_archive, "author:Lindqvist") == [GUIZHOU] or GUIZHOU in ids(
        sample_archive, "author:Lindqvist"
    )
    assert all(
        h.source == "Harbour Ledger"
        for h in search(sample_archive, SearchRequest(q='source:"Harbour Ledger"', limit=50)).hits
    )
    assert EV_TAIPEI in ids(sample_archive, "title:电动车")
    assert SUBWAY not in ids(sample_archive, "title:数据")


def test_date_range_in_query_and_as_filter(sample_archive: Archive) -> None:
    in_2017 = ids(sample_archive, "Guizhou date:2017-07..2017-07")
    assert GUIZHOU in in_2017
    assert GUIZHOU not in ids(sample_archive, "Guizhou date:2018..2020")
    assert GUIZHOU in ids(sample_archive, "Guizhou", date_from="2017-07-20", date_to="2017-07-20")
    assert GUIZHOU not in ids(sample_archive, "Guizhou", date_from="2017-07-21")


def test_sort_by_date(sample_archive: Archive) -> None:
    page = search(sample_archive, SearchRequest(q="date:2015..2024", limit=50, sort="newest"))
    dates = [h.published for h in page.hits]
    assert dates == sorted(dates, reverse=True) and len(dates) > 10


def test_paging_covers_all_hits_once(sample_archive: Archive) -> None:
    everything = ids(sample_archive, "date:2000..2030", sort="oldest")
    paged: list[str] = []
    for offset in range(0, len(everything), 7):
        request = SearchRequest(q="date:2000..2030", limit=7, offset=offset, sort="oldest")
        page = search(sample_archive, request)
        paged += [h.id for h in page.hits]
        assert page.total == len(everything)
    assert paged == everything


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("a*", "wildcard needs at least 2"),
        ("x" * 501, "query too long"),
        ("date:2016-13..2017", "invalid date"),
        ("date:2017..2016", "after the 'to' date"),
    ],
)
def test_bad_queries_get_clear_errors(sample_archive: Archive, q: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        search(sample_archive, SearchRequest(q=q))


@pytest.mark.parametrize(
    "q", ['"unbalanced quote', "(((", "AND OR NOT", "title:", "))", ":::", "+-", "*", "?", "*:*"]
)
def test_odd_queries_do_not_crash(sample_archive: Archive, q: str) -> None:
    page = search(sample_archive, SearchRequest(q=q))
    assert page.total >= 0


def test_result_object_shape(sample_archive: Archive) -> None:
    data = search(sample_archive, SearchRequest(q="马云", limit=5)).to_dict()
    assert {"query", "total", "hits"} <= set(data)
    hit = data["hits"][0]
    fields = {"id", "title", "url", "source", "author", "published", "lang", "score", "snippet"}
    assert fields <= set(hit)


def test_facets_count_sources_languages_and_years(sample_archive: Archive) -> None:
    page = search(sample_archive, SearchRequest(q="date:1900..2100", limit=1))
    langs = dict(page.facets["lang"])
    assert set(langs) == {"en", "zh-Hans", "zh-Hant"}
    assert sum(langs.values()) == page.total
    years = [y for y, _ in page.facets["year"]]
    assert years == sorted(years, reverse=True) and "2017" in years
    sources = dict(page.facets["source"])
    assert sources["Harbour Ledger"] >= 2


def test_filters_narrow_to_one_facet_value(sample_archive: Archive) -> None:
    base = SearchRequest(q="date:1900..2100", limit=50)
    for lang in ("en", "zh-Hans", "zh-Hant"):
        page = search(sample_archive, SearchRequest(**{**base.__dict__, "lang": lang}))
        assert page.total and {h.lang for h in page.hits} == {lang}
    zh = search(sample_archive, SearchRequest(**{**base.__dict__, "lang": "zh"}))
    assert {h.lang for h in zh.hits} == {"zh-Hans", "zh-Hant"}
    ledger = search(sample_archive, SearchRequest(**{**base.__dict__, "source": "Harbour Ledger"}))
    assert ledger.total >= 2 and {h.source for h in ledger.hits} == {"Harbour Ledger"}
    in_2017 = search(sample_archive, SearchRequest(**{**base.__dict__, "year": "2017"}))
    assert in_2017.total and all(h.published.startswith("2017") for h in in_2017.hits)  # type: ignore[union-attr]
    assert GUIZHOU in ids(sample_archive, "腾讯", lang="en")
    assert GUIZHOU not in ids(sample_archive, "腾讯", lang="zh")


@pytest.mark.parametrize(
    ("kw", "message"), [({"lang": "fr"}, "lang must be one of"), ({"year": "20x7"}, "year must be")]
)
def test_bad_filters(sample_archive: Archive, kw: dict[str, str], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        search(sample_archive, SearchRequest(q="x", **kw))  # type: ignore[arg-type]
