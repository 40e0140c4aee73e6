"""Queries as readers type and paste them: hyphens, dashes, stray wildcard characters and
punctuation are text; only well-formed operators are operators. Through the library, the
CLI and the JSON API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from indexer.cli import cli
from indexer.errors import QueryError
from indexer.ingest.article import Article
from indexer.search.core import SearchRequest, search
from indexer.search.query import reader_syntax
from indexer.store.archive import Archive
from tests.helpers import ROOT, build_index, make_settings, opened
from webapp import create_app

# Written for these tests: each title is what a reader pastes, beside decoys that hold
# the same words apart, or without the hyphen.
ARTICLES = [
    Article(
        "cofounder",
        "Harbour Ledger names Lena Ortiz co-founder of its e-commerce arm",
        "The co-founder will run online sales; the e-commerce arm opened last spring.",
    ),
    Article(
        "founder-co",
        "Founder of a river shipping firm retires",
        "The founder said the co op of growers would keep the boats. Sales fell.",
    ),
    Article(
        "budget",
        "Budget talks - what comes next for the council",
        "Councillors meet again on Monday after the budget talks stalled over school repairs.",
    ),
    Article(
        "budget-decoy",
        "Council budget: talks on school repairs",
        "The council said budget talks on school repairs would resume next week.",
    ),
    Article(
        "us-china",
        "U.S.-China tariff talks resume",
        "Negotiators said U.S.-China talks on steel tariffs would resume in the autumn.",
    ),
    Article(
        "us-decoy",
        "China tariff on U.S. soybeans",
        "China said the tariff would stay; the U.S. said nothing about talks.",
    ),
    Article(
        "wu",
        "Wu Den-yih opens harbour bridge",
        "Wu Den-yih cut the ribbon on the new harbour bridge on Tuesday.",
    ),
    Article(
        "den-decoy",
        "Den of thieves: a harbour film review",
        "A film set in a harbour den, where Yih and Wu are two of the thieves.",
    ),
    Article(
        "st",
        "*ST大控复牌首日涨停",
        "停牌三个月后，*ST大控今日复牌，开盘即涨停，成交额放大。",
        lang="zh",
        script="hans",
    ),
    Article(
        "st-decoy",
        "大盘震荡 券商股领涨",
        "沪指今日震荡，券商股领涨，两市成交额较昨日放大。",
        lang="zh",
        script="hans",
    ),
    Article(
        "next",
        "Ferry strike: what next?",
        "After the ferry strike, commuters ask what next for the island route.",
    ),
    Article(
        "ortiz",
        "Ortiz opens the harbour market",
        "Lena Ortiz opened the harbour market on Saturday.",
    ),
]

PASTED = [
    ("co-founder", "cofounder"),
    ("e-commerce", "cofounder"),
    ("Budget talks - what comes next", "budget"),
    ("U.S.-China", "us-china"),
    ("U.S.-China tariff talks resume", "us-china"),
    ("Wu Den-yih", "wu"),
    ("*ST大控", "st"),
    ("*ST大控复牌首日涨停", "st"),
    ("Ferry strike: what next?", "next"),
    ("[Budget] {talks} ^what ~next", "budget"),
    ("Ortiz's harbour market", "ortiz"),  # the possessive is the name itself
    ("Ortiz’s market", "ortiz"),
]


@pytest.fixture(scope="module")
def pasted_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.mktemp("pasted"), ARTICLES)


@pytest.fixture
def archive(pasted_index: Path) -> Iterator[Archive]:
    with opened(pasted_index) as archive:
        yield archive


def ids(archive: Archive, q: str) -> list[str]:
    return [h.id for h in search(archive, SearchRequest(q=q, limit=20)).hits]


@pytest.mark.parametrize(("q", "wanted"), PASTED)
def test_pasted_text_finds_its_article_first(archive: Archive, q: str, wanted: str) -> None:
    assert ids(archive, q)[:1] == [wanted]


def test_a_possessive_finds_the_name(archive: Archive) -> None:
    # No article writes "Ortiz's": the reader means Ortiz.
    assert set(ids(archive, "Ortiz's")) == {"ortiz", "cofounder"}
    assert set(ids(archive, "Ortiz’s")) == {"ortiz", "cofounder"}


def test_hyphenated_word_is_a_phrase_not_a_negation(archive: Archive) -> None:
    found = ids(archive, "co-founder")
    assert found == ["cofounder"]  # not the article with "co" and "founder" apart
    assert ids(archive, "Wu Den-yih")[:1] == ["wu"]
    assert "us-decoy" not in ids(archive, '"U.S.-China"')


def test_a_minus_at_the_start_of_a_word_still_excludes(archive: Archive) -> None:
    assert "budget" in ids(archive, "budget")
    assert "budget" not in ids(archive, "budget -councillors")
    assert "budget" not in ids(archive, 'budget -"school repairs"')
    assert len(ids(archive, "talks")) == 4
    assert ids(archive, "talks -(budget OR tariff)") == []


def test_operators_still_work(archive: Archive) -> None:
    assert ids(archive, "title:co-founder") == ["cofounder"]
    assert set(ids(archive, "budget AND repairs")) == {"budget", "budget-decoy"}
    assert set(ids(archive, "ferry OR 涨停")) == {"next", "st"}
    assert "cofounder" in ids(archive, "commerc*")


def test_a_well_formed_but_too_short_wildcard_is_still_refused(archive: Archive) -> None:
    with pytest.raises(QueryError, match="wildcard needs at least 2"):
        search(archive, SearchRequest(q="a*"))


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("co-founder", '"co-founder"'),
        ("Lee Teng-hui", 'Lee "Teng-hui"'),
        ("Budget talks - what comes next", "Budget talks what comes next"),
        ("*ST大控", "ST 大控"),
        ("警方通报“宾利撞出租车”:宾利为租赁", "警方通报 宾利撞出租车 宾利为租赁"),
        ("-title:ST大控", "-title:(ST 大控)"),
        ("title:大控", "title:大控"),
        ("What next?", "What next"),
        ("econom* wom?n", "econom* wom?n"),
        ("-foo +bar", "-foo +bar"),
        ('-title:"x y" z', '-title:"x y" z'),
        ("a -(b c)", "a -( b c )"),
        ("(((", ""),
        ("unknown:field", '"unknown:field"'),
        ('"unbalanced quote', "unbalanced quote"),
        ("ANDNOT x", "ANDNOT x"),
        ("foo AND (", "foo"),
        ("OR foo", "foo"),
        ("foo AND AND bar", "foo AND bar"),
        ("foo NOT", "foo"),
        ("a AND NOT b", "a AND NOT b"),
        ("(AND foo)", "( foo )"),
        ("Merkel's party", "Merkel party"),
        ("Obama’s", "Obama"),
        ("O'Neill's", '"O\'Neill"'),
        ('"Merkel\'s party"', '"Merkel\'s party"'),  # a quoted phrase is as typed
    ],
)
def test_reader_syntax(typed: str, parsed: str) -> None:
    assert reader_syntax(typed, {"title", "body"}) == parsed


def test_a_dangling_operator_is_dropped_not_searched(sample_archive: Archive) -> None:
    """`foo AND (` is a slip: the page is the one for `foo`, and AND is not read as a
    word (nor as a name: And, 安定)."""
    slip = search(sample_archive, SearchRequest(q="harbour AND ("))
    plain = search(sample_archive, SearchRequest(q="harbour"))
    assert slip.total == plain.total > 0
    assert [h.id for h in slip.hits] == [h.id for h in plain.hits]
    assert not slip.names


def run(runner: CliRunner, index: Path, *args: str) -> object:
    return runner.invoke(cli, ["--config", str(ROOT / "config.toml"), "--index", str(index), *args])


@pytest.mark.parametrize(("q", "wanted"), PASTED)
def test_cli_pasted_text(runner: CliRunner, pasted_index: Path, q: str, wanted: str) -> None:
    result = run(runner, pasted_index, "search", q, "--json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    page = json.loads(result.output)  # type: ignore[attr-defined]
    assert [h["id"] for h in page["hits"]][:1] == [wanted]


@pytest.mark.parametrize(("q", "wanted"), PASTED)
def test_api_pasted_text(pasted_index: Path, q: str, wanted: str) -> None:
    client: FlaskClient = create_app(make_settings(pasted_index)).test_client()
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 200, response.get_json()
    assert [h["id"] for h in response.get_json()["hits"]][:1] == [wanted]
