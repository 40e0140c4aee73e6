"""Chinese words found wherever their characters stand, whatever the segmenter cut on either
side: through the analyzer, the library, the CLI and the JSON API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.analysis.tokens import (
    character_analyzer,
    character_terms,
    character_tokens,
    run_of,
    terms,
)
from indexer.cli import cli
from indexer.ingest.article import Article
from indexer.search.core import SearchRequest, search
from indexer.store.archive import Archive
from tests.helpers import ROOT, build_index, make_settings, opened
from webapp import create_app

# Written for these tests. jieba cuts the first title 平安/荆楚行/动/启动: the word 行动 is
# not among its words, only among its characters.
ARTICLES = [
    Article(
        "cut-apart",
        "平安荆楚行动启动",
        "湖北开展平安荆楚行动，全省联动。",
        lang="zh",
        script="hans",
    ),
    Article("word", "行动计划发布", "市政府发布行动计划，分三步实施。", lang="zh", script="hans"),
    Article(
        "traditional",
        "颱風過後 平安荊楚行動展開",
        "風雨停歇後，志工展開平安荊楚行動。",
        lang="zh",
        script="hant",
    ),
    Article("unrelated", "天气晴朗适合出游", "周末天气晴朗。", lang="zh", script="hans"),
]


def test_character_tokens_are_the_folded_han_characters_with_positions() -> None:
    text = "平安荆楚 in 武漢，水"
    assert [(t, p) for t, p, _, _ in character_tokens(text)] == [
        ("平", 0),
        ("安", 1),
        ("荆", 2),
        ("楚", 3),
        ("武", 5),  # a new run starts a position further on: no phrase crosses runs
        ("汉", 6),  # folded to Simplified
        ("水", 8),
    ]
    # Offsets point at the article's own characters.
    assert [text[s:e] for _, _, s, e in character_tokens(text)] == list("平安荆楚武漢水")
    assert [t.text for t in character_analyzer()(text)] == list("平安荆楚武汉水")
    assert character_tokens("no Chinese here") == []


def test_character_terms_and_their_run() -> None:
    assert character_terms("数据中心") == ["数", "据", "中", "心"]
    assert run_of(character_terms("数据中心")) == "数据中心"


def test_the_words_of_the_title_do_not_hold_the_query_word() -> None:
    # What makes the cases below worth testing: the segmenter cut 行动 apart.
    assert "行动" not in terms("平安荆楚行动启动", "rjieba")


@pytest.fixture(scope="module")
def characters_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.mktemp("characters"), ARTICLES)


@pytest.fixture
def archive(characters_index: Path) -> Iterator[Archive]:
    with opened(characters_index) as archive:
        yield archive


def ids(archive: Archive, q: str) -> list[str]:
    return [h.id for h in search(archive, SearchRequest(q=q, limit=20)).hits]


def test_a_word_cut_apart_in_the_article_is_found_below_the_word(archive: Archive) -> None:
    found = ids(archive, "行动")
    assert found[0] == "word"  # the article holding the word ranks first
    assert set(found) == {"word", "cut-apart", "traditional"}


def test_a_query_cut_differently_from_the_article_is_found(archive: Archive) -> None:
    for q in ("楚行动", "荆楚行动", "荊楚行動", "楚行"):
        assert set(ids(archive, q)) == {"cut-apart", "traditional"}, q


def test_quoted_chinese_phrase_matches_the_characters_exactly(archive: Archive) -> None:
    assert set(ids(archive, '"楚行动"')) == {"cut-apart", "traditional"}
    assert ids(archive, '"行动启"') == ["cut-apart"]
    assert ids(archive, '"动计划"') == ["word"]
    assert ids(archive, '"荆楚计划"') == []


def test_field_queries_stay_in_their_field(archive: Archive) -> None:
    assert ids(archive, "title:行动") == ["word"]


def test_highlights_land_on_the_articles_own_characters(archive: Archive) -> None:
    page = search(archive, SearchRequest(q="荆楚行动"))
    hit = next(h for h in page.hits if h.id == "traditional")
    assert hit.title_marked.matched == ["荊楚行動"]
    assert hit.snippet.matched == ["荊楚行動"]
    hit = next(h for h in page.hits if h.id == "cut-apart")
    assert hit.title_marked.matched == ["荆楚行动"]


def run(runner: CliRunner, index: Path, *args: str) -> object:
    return runner.invoke(cli, ["--config", str(ROOT / "config.toml"), "--index", str(index), *args])


def test_cli_finds_the_word_cut_apart(runner: CliRunner, characters_index: Path) -> None:
    result = run(runner, characters_index, "search", "行动", "--json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    hits = json.loads(result.output)["hits"]  # type: ignore[attr-defined]
    assert [h["id"] for h in hits][0] == "word"
    assert "cut-apart" in [h["id"] for h in hits]


def test_api_finds_the_query_cut_differently(characters_index: Path) -> None:
    client = create_app(make_settings(characters_index)).test_client()
    response = client.get("/api/search", query_string={"q": "楚行动"})
    assert response.status_code == 200
    hits = response.get_json()["hits"]
    assert {h["id"] for h in hits} == {"cut-apart", "traditional"}
    marked = {h["id"]: h["matched"] for h in hits}
    assert marked["traditional"] == ["楚行動"]


# Written for these tests: jieba cuts 安倍晋三 as one word, so the name 安倍 (Abe) is
# among that article's characters only.
NAMES = [
    Article(
        "abe-en", "Shinzo Abe visits Washington", "Prime Minister Shinzo Abe met the president."
    ),
    Article("abe-word", "安倍访问北京", "日本首相安倍今天访问北京。", lang="zh", script="hans"),
    Article(
        "abe-cut", "安倍晋三出席会议", "日本首相安倍晋三今天出席会议。", lang="zh", script="hans"
    ),
    Article("other-zh", "市场报告", "今天股市上涨，交易活跃。", lang="zh", script="hans"),
    Article("other-en", "Market report", "Shares rose in London.", lang="en"),
]


def test_another_form_of_a_name_is_found_by_its_characters_too(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with opened(build_index(tmp_path_factory.mktemp("forms"), NAMES)) as archive:
        # In a query of several words, the Chinese form of a name (Abe → 安倍) is found
        # where the segmenter cut it into a longer word, below the article that holds
        # it as a word.
        found = ids(archive, "Shinzo Abe")
        assert set(found) == {"abe-en", "abe-word", "abe-cut"}
        assert found.index("abe-word") < found.index("abe-cut")
        # A name typed alone too: its Chinese form is still marked as another form of
        # the word, and found by its characters.
        found = ids(archive, "Abe")
        assert set(found) == {"abe-en", "abe-word", "abe-cut"}
        assert found.index("abe-word") < found.index("abe-cut")
