"""Counts written in digits and in Chinese numerals find each other (3人 and 三人, 第3届 and
第三届), through the library, the CLI and the JSON API; the count's words in a row rank
first."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.ingest.article import Article
from indexer.search.core import SearchRequest, search
from indexer.store.archive import Archive
from tests.helpers import ROOT, build_index, make_settings, opened
from webapp import create_app


def zh(id: str, title: str, body: str, script: str = "hans") -> Article:
    return Article(id, title, body, lang="zh", script=script)


# Written for these tests.
ARTICLES = [
    zh("digits", "化工厂事故致3人死亡", "事故造成3人死亡，2人受伤。"),
    zh("numerals", "工地坍塌三人死亡", "昨日工地坍塌，三人死亡。"),
    zh("traditional", "1家3中風 鄰里相助", "這1家人接連中風，鄰居輪流照顧。", "hant"),
    zh("festival", "第三届读书节开幕", "第三届读书节今天开幕。"),
    zh("other-count", "暴雨致18人死亡", "暴雨造成18人死亡，3座桥梁损毁。"),
    zh("unity", "统一市场", "推进全国统一大市场建设。"),
]


@pytest.fixture(scope="module")
def counts_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.mktemp("counts"), ARTICLES)


@pytest.fixture
def archive(counts_index: Path) -> Iterator[Archive]:
    with opened(counts_index) as archive:
        yield archive


def ranked(archive: Archive, q: str) -> list[str]:
    return [h.id for h in search(archive, SearchRequest(q=q, limit=50)).hits]


def test_digits_find_numerals_and_the_count_in_a_row_ranks_first(archive: Archive) -> None:
    found = ranked(archive, "3人死亡")
    assert found[:2] == ["digits", "numerals"]
    # 18人死亡 holds 人死亡 and a 3 elsewhere: below both counts.
    assert found.index("other-count") > 1


def test_numerals_find_digits(archive: Archive) -> None:
    assert ranked(archive, "三人死亡")[:2] == ["numerals", "digits"]
    assert ranked(archive, "第3届")[0] == "festival"
    # Traditional script and digits: 一家 is 1家.
    assert "traditional" in ranked(archive, "一家 中风")


def test_a_numeral_inside_a_word_is_not_a_count(archive: Archive) -> None:
    assert ranked(archive, "统一") == ["unity"]


def test_the_hit_says_which_count_it_matched(archive: Archive) -> None:
    hits = search(archive, SearchRequest(q="3人死亡", limit=10)).hits
    why = {h.id: [str(e) for e in h.explanation] for h in hits}
    assert "matched 三人 for 3人" in why["numerals"]
    assert why["digits"] == []


def test_cli_and_api_find_the_other_form(counts_index: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["--config", str(ROOT / "config.toml"), "--index", str(counts_index)]
        + ["search", "第3届", "--json"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["hits"][0]["id"] == "festival"
    client = create_app(make_settings(counts_index)).test_client()
    response = client.get("/api/search", query_string={"q": "3人"})
    assert response.status_code == 200
    hits = {h["id"]: h for h in response.get_json()["hits"]}
    assert {"digits", "numerals"} <= set(hits)
    kinds = [e["kind"] for e in hits["numerals"]["why"]]
    assert kinds == ["number"]
