"""Beside the hits: the forms of the query's names, and the timeline of the results."""

from __future__ import annotations

from datetime import datetime

import pytest

from indexer.analysis.names import name_table
from indexer.search.core import SearchRequest, search
from indexer.search.forms import Bar, by_year_or_month, form_query, name_forms
from indexer.store.archive import Archive

GUIZHOU_EN = "text/alibaba-tencent-guizhou.txt"


def forms_of(page: object, name: str) -> dict[tuple[str, ...], dict[str, int]]:
    found = next(n for n in page.names if n.query == name)  # type: ignore[attr-defined]
    return {f.written: f.counts for f in found.forms}


@pytest.mark.parametrize(
    ("q", "name", "first"),
    [
        pytest.param("马云", "马云", ("马云", "馬雲"), id="Simplified"),
        pytest.param('"Jack Ma"', "Jack Ma", ("Jack Ma",), id="English"),
        pytest.param("騰訊", "騰訊", ("騰訊", "腾讯"), id="Traditional"),
        pytest.param("Tencent 贵州", "Tencent", ("Tencent",), id="a name among other words"),
    ],
)
def test_names_of_the_query_with_their_forms(
    sample_archive: Archive, q: str, name: str, first: tuple[str, ...]
) -> None:
    page = search(sample_archive, SearchRequest(q=q))
    forms = forms_of(page, name)
    assert next(iter(forms)) == first  # the form typed comes first
    assert len(forms) >= 2


def test_each_form_counts_the_articles_a_search_for_it_alone_finds(sample_archive: Archive) -> None:
    forms = forms_of(search(sample_archive, SearchRequest(q="马云")), "马云")
    assert set(forms) >= {("马云", "馬雲"), ("Jack Ma",)}  # aliases.toml: 马云 is Jack Ma
    # 马云 in the Simplified report of 贵阳, 馬雲 in the English Guizhou story
    assert forms[("马云", "馬雲")] == {"zh-Hans": 1, "en": 1}
    assert forms[("Jack Ma",)] == {"en": 1}
    for written, counts in forms.items():
        alone = search(sample_archive, SearchRequest(q=form_query(written[0]), expand=False))
        assert alone.total == sum(counts.values()), written


def test_no_names_panel_for_words_that_are_not_names(sample_archive: Archive) -> None:
    assert search(sample_archive, SearchRequest(q="ferries")).names == []
    assert search(sample_archive, SearchRequest(q="date:2015..2020")).names == []


def test_names_and_timeline_are_in_the_result_object(sample_archive: Archive) -> None:
    data = search(sample_archive, SearchRequest(q="马云")).to_dict()
    name = data["names"][0]
    assert name["query"] == "马云"
    assert name["forms"][0]["written"] == [
        {"text": "马云", "query": "马云"},
        {"text": "馬雲", "query": "馬雲"},
    ]
    jack = next(f for f in name["forms"] if f["written"][0]["text"] == "Jack Ma")
    assert jack == {
        "lang": "en",
        "written": [{"text": "Jack Ma", "query": '"Jack Ma"'}],
        "counts": {"en": 1},
        "total": 1,
    }
    assert data["timeline"] == [
        {"period": "2015", "count": 1},
        {"period": "2016", "count": 0},
        {"period": "2017", "count": 1},
    ]


def test_name_forms_from_the_name_table(sample_archive: Archive) -> None:
    table = name_table(sample_archive.current_dir(), sample_archive.settings.aliases)
    assert name_forms(table, "Jack Ma", ("jack", "ma")) == [("Jack Ma",), ("马云", "馬雲")]
    assert name_forms(table, "騰訊", ("腾讯",)) == [("騰訊", "腾讯"), ("Tencent",)]
    without_aliases = name_table(sample_archive.current_dir(), None)
    assert ("Ma Yun",) in name_forms(without_aliases, "马云", ("马云",))


# --- the timeline -----------------------------------------------------------------------


def test_timeline_by_year_from_first_to_last(sample_archive: Archive) -> None:
    page = search(sample_archive, SearchRequest(q="date:2015..2024"))
    periods = [b.period for b in page.timeline]
    assert periods == [str(y) for y in range(2015, 2025)]
    assert sum(b.count for b in page.timeline) == page.total  # every story is dated
    years = dict(page.facets["year"])
    assert all(b.count == years.get(b.period, 0) for b in page.timeline)


def test_timeline_by_month_when_results_span_less_than_three_years(
    sample_archive: Archive,
) -> None:
    page = search(sample_archive, SearchRequest(q="Tencent"))  # 2017-07 and 2018-11
    assert page.timeline[0] == Bar("2017-07", 1) and page.timeline[-1] == Bar("2018-11", 1)
    assert len(page.timeline) == 17 and sum(b.count for b in page.timeline) == 2


def test_timeline_is_empty_without_dated_results(sample_archive: Archive) -> None:
    assert search(sample_archive, SearchRequest(q="nosuchwordanywhere")).timeline == []


def test_by_year_or_month() -> None:
    assert by_year_or_month([]) == []
    assert by_year_or_month([("2019", 2), ("2016", 1)]) == [
        Bar("2016", 1),
        Bar("2017", 0),
        Bar("2018", 0),
        Bar("2019", 2),
    ]
    dates = [(datetime(2020, 3, 5), 2), (datetime(2020, 3, 9), 1), (datetime(2020, 5, 1), 4)]
    assert by_year_or_month([("2020", 7)], lambda: dates) == [
        Bar("2020-03", 3),
        Bar("2020-04", 0),
        Bar("2020-05", 4),
    ]
    across_new_year = [(datetime(2019, 12, 30), 1), (datetime(2020, 1, 2), 1)]
    bars = by_year_or_month([("2019", 1), ("2020", 1)], lambda: across_new_year)
    assert [b.period for b in bars] == ["2019-12", "2020-01"]


def test_a_common_lower_case_word_gets_no_panel(
    sample_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "prices" is also 普莱斯 (Price) in the name table; typed in lower case and held by
    many articles, it is the word. Here "many" is lowered to one article."""
    from indexer.search import core

    monkeypatch.setattr(core, "COMMON_WORD_DF", 0)
    monkeypatch.setattr(core, "_panels", core.LRU(8))
    assert search(sample_archive, SearchRequest(q="tencent")).names == []
    assert [n.query for n in search(sample_archive, SearchRequest(q="Tencent")).names] == [
        "Tencent"
    ]
    monkeypatch.setattr(core, "COMMON_WORD_DF", 20)
    monkeypatch.setattr(core, "_panels", core.LRU(8))
    assert [n.query for n in search(sample_archive, SearchRequest(q="tencent")).names] == [
        "tencent"
    ]
