"""The web app through Flask's test client: the page, the API, errors, hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from indexer.parse import read_inputs
from indexer.store import Archive
from webapp import create_app

from .conftest import DATA, make_settings


@pytest.fixture
def client(sample_index: Path) -> FlaskClient:
    return create_app(make_settings(sample_index)).test_client()


def test_search_page_empty_form(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b'name="q"' in response.data


@pytest.mark.parametrize("q", ["马云", "馬雲", "腾讯", "騰訊", '"Jack Ma"', "Tencent"])
def test_search_page_finds_the_defining_article(client: FlaskClient, q: str) -> None:
    html = client.get("/", query_string={"q": q}).get_data(as_text=True)
    assert "Tech giants bet on Guizhou" in html


def test_search_page_highlights_in_the_articles_script(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": "马云"}).get_data(as_text=True)
    assert "<mark>馬雲</mark>" in html


def test_api_search_returns_the_result_object(client: FlaskClient) -> None:
    response = client.get("/api/search", query_string={"q": "腾讯", "limit": 3})
    assert response.status_code == 200
    data = response.get_json()
    assert data["query"] == "腾讯" and data["limit"] == 3 and len(data["hits"]) <= 3
    assert "text/alibaba-tencent-guizhou.txt" in [h["id"] for h in data["hits"]] or data["total"] > 3


def test_api_paging(client: FlaskClient) -> None:
    first = client.get("/api/search", query_string={"q": "date:2015..2024", "limit": 5}).get_json()
    second = client.get("/api/search", query_string={"q": "date:2015..2024", "limit": 5, "offset": 5}).get_json()
    assert first["total"] == second["total"] > 10
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 5000}, "query too long"),
        ({"q": "*"}, "wildcard"),
        ({"q": "news", "limit": "0"}, "limit must be between"),
        ({"q": "news", "limit": "ten"}, "limit must be a whole number"),
        ({"q": "news", "offset": "-1"}, "offset must be between"),
        ({"q": "news", "offset": "99999999999999999999"}, "offset must be between"),
        ({"q": "news", "from": "2016-02-30"}, "invalid date"),
        ({"q": "news", "from": "yesterday"}, "invalid date"),
        ({"q": "news", "sort": "random"}, "sort must be one of"),
    ],
)
def test_api_bad_parameters_get_400_with_one_error_shape(
    client: FlaskClient, params: dict[str, str], message: str
) -> None:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400 and message in error["message"]


@pytest.mark.parametrize("q", ['"unbalanced', "(((", "title:", "NOT", "\x00", "<script>alert(1)</script>", "%00"])
def test_odd_queries_never_500(client: FlaskClient, q: str) -> None:
    for path in ("/", "/api/search"):
        response = client.get(path, query_string={"q": q})
        assert response.status_code in (200, 400)


def test_page_shows_bad_query_as_a_message(client: FlaskClient) -> None:
    response = client.get("/", query_string={"q": "date:2016-13..2017"})
    assert response.status_code == 400
    assert "invalid date" in response.get_data(as_text=True)


def test_unknown_api_route_uses_the_error_shape(client: FlaskClient) -> None:
    response = client.get("/api/nope")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"status": 404, "message": "not found"}}


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_article_payloads_are_shown_as_text(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "index")
    Archive(settings).add(read_inputs([DATA / "hostile" / "script-injection.html"]))
    client = create_app(settings).test_client()
    html = client.get("/", query_string={"q": "harbour"}).get_data(as_text=True)
    assert "Council vote on <mark>harbour</mark> plan" in html
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html or "&lt;img src=x onerror" in html


def test_missing_index_is_503_not_500(tmp_path: Path) -> None:
    client = create_app(make_settings(tmp_path / "none")).test_client()
    response = client.get("/api/search", query_string={"q": "x"})
    assert response.status_code == 503
    assert "no index at" in response.get_json()["error"]["message"]
