"""The web app through Flask's test client: the page, the API, errors, hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from indexer.ingest.parse import read_inputs
from indexer.store.archive import Archive
from tests.helpers import DATA, ROOT, make_settings
from webapp import create_app


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
    assert (
        "text/alibaba-tencent-guizhou.txt" in [h["id"] for h in data["hits"]] or data["total"] > 3
    )


def test_api_paging(client: FlaskClient) -> None:
    first = client.get("/api/search", query_string={"q": "date:2015..2024", "limit": 5}).get_json()
    second = client.get(
        "/api/search", query_string={"q": "date:2015..2024", "limit": 5, "offset": 5}
    ).get_json()
    assert first["total"] == second["total"] > 10
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 5000}, "query too long"),
        ({"q": "a*"}, "wildcard"),
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


@pytest.mark.parametrize(
    "q", ['"unbalanced', "(((", "title:", "NOT", "\x00", "<script>alert(1)</script>", "%00"]
)
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


# --- search page: filters, facets, sorting, paging, help -------------------------------


def test_facets_are_links_that_filter_and_keep_the_query(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": "date:2015..2024"}).get_data(as_text=True)
    assert (
        'data-facet="source"' in html
        and 'data-facet="lang"' in html
        and 'data-facet="year"' in html
    )
    assert 'href="/?q=date:2015..2024&amp;lang=zh-Hant"' in html
    filtered = client.get("/", query_string={"q": "date:2015..2024", "lang": "zh-Hant"})
    hits = filtered.get_data(as_text=True).count('class="hit"')
    api = client.get(
        "/api/search", query_string={"q": "date:2015..2024", "lang": "zh-Hant", "limit": 100}
    )
    assert hits == min(10, api.get_json()["total"]) > 0
    assert all(h["lang"] == "zh-Hant" for h in api.get_json()["hits"])


def test_filters_alone_browse_the_archive(client: FlaskClient) -> None:
    response = client.get("/", query_string={"source": "Harbour Ledger"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="summary"' in html
    assert "Harbour Ledger ✕" in html  # the active filter, removable


@pytest.mark.parametrize(("sort", "order"), [("newest", True), ("oldest", False)])
def test_sorting_by_date(client: FlaskClient, sort: str, order: bool) -> None:
    data = client.get(
        "/api/search", query_string={"q": "date:2015..2024", "sort": sort, "limit": 20}
    )
    dates = [h["published"] for h in data.get_json()["hits"]]
    assert dates == sorted(dates, reverse=order)
    html = client.get("/", query_string={"q": "date:2015..2024", "sort": sort}).get_data(
        as_text=True
    )
    assert f'<option value="{sort}" selected>' in html


def test_pagination_links_keep_the_search(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": "date:2015..2024", "page": 2}).get_data(as_text=True)
    assert 'rel="prev" href="/?q=date:2015..2024&amp;page=1"' in html
    assert '<strong aria-current="page">2</strong>' in html
    assert '<ol class="hits" start="11">' in html


def test_page_past_the_last_result_says_so(client: FlaskClient) -> None:
    response = client.get("/", query_string={"q": "Tencent", "page": 50})
    assert response.status_code == 200
    assert "No results on this page" in response.get_data(as_text=True)


def test_no_results_gives_help(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": "zzyzxqwv", "lang": "en"}).get_data(as_text=True)
    assert "Nothing matched." in html and "Search again without filters" in html


def test_hit_links_to_the_article_page_with_the_query(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": "马云"}).get_data(as_text=True)
    assert 'href="/articles/text/alibaba-tencent-guizhou.txt?q=%E9%A9%AC%E4%BA%91"' in html
    assert 'class="why">matched ' in html  # why it matched, as the search explains it
    assert "Maya Lindqvist" in html and "Harbour Ledger" in html


def test_results_page_offers_feed_and_exports(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": "Tencent"}).get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/search.atom?q=Tencent"' in html
    for fmt in ("csv", "ris", "bib"):
        assert f'href="/search.{fmt}?q=Tencent"' in html


def test_opensearch_autodiscovery_on_every_page(client: FlaskClient) -> None:
    for path in ("/", "/about", "/articles/sample-jsonl-001"):
        html = client.get(path).get_data(as_text=True)
        assert '<link rel="search" type="application/opensearchdescription+xml"' in html


class _Hit:
    """A stand-in for hits of later search features (grouped versions, explanations)."""

    def __init__(self, **attrs: object) -> None:
        self.__dict__.update(attrs)

    def to_dict(self) -> dict[str, object]:
        return {"matched": ["x"]}


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        ({}, 1),
        ({"versions": 3}, 3),
        ({"group_size": 4}, 4),
        ({"duplicates": ["a", "b"]}, 3),
        ({"versions": True}, 1),
    ],
)
def test_version_count_from_whatever_the_hit_carries(
    attrs: dict[str, object], expected: int
) -> None:
    from webapp.present import versions

    assert versions(_Hit(**attrs)) == expected


def test_explanation_prefers_the_searchs_own(client: FlaskClient) -> None:
    from webapp.present import explanation

    with client.application.test_request_context():
        assert explanation(_Hit()) == ["matched x"]
        assert explanation(_Hit(explanation=["matched 騰訊 for Tencent"])) == [
            "matched 騰訊 for Tencent"
        ]
        assert explanation(_Hit(explanation=[{"text": "title"}])) == ["title"]


# --- article page ---------------------------------------------------------------------


def test_article_page_shows_metadata_marked_text_and_more(client: FlaskClient) -> None:
    response = client.get("/articles/text/alibaba-tencent-guizhou.txt", query_string={"q": "马云"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tech giants bet on Guizhou" in html and "Maya Lindqvist" in html
    assert "<mark>馬雲</mark>" in html
    assert "More like this" in html and html.count('href="/articles/') >= 3
    assert 'class="permalink" href="/articles/text/alibaba-tencent-guizhou.txt"' in html
    assert 'href="/cite.ris?id=text/alibaba-tencent-guizhou.txt"' in html
    assert "Back to results for 马云" in html


def test_article_ids_that_are_urls_work_as_path_and_parameter(client: FlaskClient) -> None:
    article_id = "https://www.meridianreview.example.com/2023/09/21/central-bank-holds-rates"
    by_path = client.get("/articles/" + article_id)
    by_param = client.get("/article", query_string={"id": article_id})
    assert by_path.status_code == by_param.status_code == 200
    assert (
        by_path.get_data(as_text=True).split("<main>")[1]
        == by_param.get_data(as_text=True).split("<main>")[1]
    )
    assert 'class="original" href="' + article_id in by_path.get_data(as_text=True)


def test_article_body_keeps_paragraphs(client: FlaskClient) -> None:
    data = client.get("/api/articles/text/alibaba-tencent-guizhou.txt").get_json()
    assert len(data["paragraphs"]) > 2
    assert data["body"].count("\n") == len(data["paragraphs"]) - 1


@pytest.mark.parametrize("path", ["/articles/no/such/id", "/article?id=nope", "/cite.ris?id=nope"])
def test_unknown_article_is_404_page(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "no article with id" in response.get_data(as_text=True)


def test_article_without_id_is_400(client: FlaskClient) -> None:
    assert client.get("/article").status_code == 400
    assert client.get("/article", query_string={"id": "x" * 3000}).status_code == 400


def test_article_page_bad_query_is_400(client: FlaskClient) -> None:
    response = client.get("/articles/sample-jsonl-001", query_string={"q": "a*"})
    assert response.status_code == 400 and "wildcard" in response.get_data(as_text=True)


def test_article_payloads_on_the_article_page_are_text(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "index")
    Archive(settings).add(read_inputs([DATA / "hostile" / "script-injection.html"]))
    client = create_app(settings).test_client()
    hits = client.get("/api/search", query_string={"q": "harbour"}).get_json()["hits"]
    html = client.get("/articles/" + hits[0]["id"], query_string={"q": "harbour"}).get_data(
        as_text=True
    )
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html or "&lt;img src=x onerror" in html


def test_javascript_urls_are_never_links(tmp_path: Path) -> None:
    from webapp.present import web_url

    assert web_url("javascript:alert(1)") is None and web_url("data:text/html,x") is None
    assert web_url("https://example.com/a") == "https://example.com/a"


def test_warc_location_becomes_a_capture() -> None:
    from indexer.search.article_view import capture_of

    capture = capture_of("/srv/crawls/2016/news-20160101.warc.gz#123456")
    assert capture is not None and capture.to_dict() == {
        "file": "news-20160101.warc.gz",
        "offset": 123456,
    }
    assert capture_of("/work/corpus/text/a.txt") is None and capture_of("a.jsonl:3") is None


# --- about page and stats -------------------------------------------------------------


def test_about_page_counts_and_licences(client: FlaskClient) -> None:
    html = client.get("/about").get_data(as_text=True)
    stats = client.get("/api/stats").get_json()
    assert f"{stats['total']} articles" in html
    assert "CC-CEDICT" in html and "CC BY-SA 4.0" in html
    assert "<svg" in html and "<rect" in html and "<meter" in html
    assert "style=" not in html  # the CSP forbids inline styles: bars are SVG attributes
    assert stats["created"] and stats["created"][:4] in html


def test_stats_api_counts_every_article(client: FlaskClient) -> None:
    stats = client.get("/api/stats").get_json()
    assert stats["total"] >= 30
    for name in ("lang", "source", "year"):
        assert stats["counts"][name]
    assert sum(c["count"] for c in stats["counts"]["lang"]) == stats["total"]
    assert {c["value"] for c in stats["counts"]["lang"]} == {"en", "zh-Hans", "zh-Hant"}


# --- archivist outputs ----------------------------------------------------------------


def test_atom_feed_is_newest_first_and_escaped(client: FlaskClient) -> None:
    import xml.etree.ElementTree as ET

    response = client.get("/search.atom", query_string={"q": "date:2015..2024"})
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(response.data)
    entries = feed.findall("a:entry", ns)
    assert len(entries) > 10
    published = [e.findtext("a:published", namespaces=ns) for e in entries]
    assert published == sorted(published, reverse=True)
    assert entries[0].find("a:link", ns).get("href").startswith("http://localhost/articles/")


def test_atom_summary_holds_the_snippet_as_escaped_html(client: FlaskClient) -> None:
    import xml.etree.ElementTree as ET

    feed = ET.fromstring(client.get("/search.atom", query_string={"q": "马云"}).data)
    summaries = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}summary")]
    assert any("<mark>馬雲</mark>" in (s or "") for s in summaries)


def test_opensearch_description(client: FlaskClient) -> None:
    import xml.etree.ElementTree as ET

    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    doc = ET.fromstring(response.data)
    templates = [u.get("template") for u in doc.iter("{http://a9.com/-/spec/opensearch/1.1/}Url")]
    assert "http://localhost/?q={searchTerms}" in templates
    assert "http://localhost/search.atom?q={searchTerms}" in templates


def test_csv_export(client: FlaskClient) -> None:
    import csv
    import io

    response = client.get("/search.csv", query_string={"q": "date:2015..2024"})
    assert response.mimetype == "text/csv"
    assert 'filename="newsarchive-date-2015-2024.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    total = client.get("/api/search", query_string={"q": "date:2015..2024"}).get_json()["total"]
    assert len(rows) == min(total, 100) > 10  # exports default to the largest page
    assert rows[0]["permalink"].startswith("http://localhost/articles/")


def test_csv_defuses_formulas() -> None:
    from indexer.cite import to_csv

    record = _Hit(
        id="1",
        title='=HYPERLINK("x")',
        url=None,
        source="+s",
        author=None,
        published=None,
        lang="en",
    )
    text = to_csv([record], lambda r: "p")  # type: ignore[list-item]
    assert "'=HYPERLINK" in text and "'+s" in text


def test_ris_export(client: FlaskClient) -> None:
    response = client.get("/search.ris", query_string={"q": "Tencent"})
    text = response.get_data(as_text=True)
    assert response.mimetype == "application/x-research-info-systems"
    assert text.startswith("TY  - NEWS\r\n") and "TI  - Tech giants bet on Guizhou" in text
    assert "AU  - Maya Lindqvist" in text and "DA  - 2017/07/20" in text and "ER  - " in text


def test_bibtex_export_has_unique_keys_and_escapes(client: FlaskClient) -> None:
    import re

    text = client.get("/search.bib", query_string={"q": "date:2015..2024"}).get_data(as_text=True)
    keys = re.findall(r"@article\{([^,]+),", text)
    assert len(keys) > 10 and len(keys) == len(set(keys))
    assert "@article{lindqvist2017tech," in text
    from indexer.cite import to_bibtex

    odd = _Hit(
        id="a_b",
        title="50% & {more} #1",
        url=None,
        source=None,
        author=None,
        published="2020-01-02",
        lang="en",
    )
    assert r"50\% \& \{more\} \#1" in to_bibtex([odd], lambda r: "p")  # type: ignore[list-item]


def test_single_article_citation_has_a_unicode_filename(client: FlaskClient) -> None:
    response = client.get("/cite.bib", query_string={"id": "sample-jsonl-001"})
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''newsarchive-%E8%B4%B5" in disposition
    assert "贵阳" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/search.atom", "/search.csv", "/search.ris", "/search.bib"])
@pytest.mark.parametrize(
    "params", [{"q": '"unbalanced'}, {"q": "a*"}, {"q": "x", "from": "2016-13-01"}]
)
def test_outputs_refuse_bad_queries_with_400(
    client: FlaskClient, path: str, params: dict[str, str]
) -> None:
    assert client.get(path, query_string=params).status_code in (200, 400)
    if params["q"] == "a*" or "from" in params:
        assert client.get(path, query_string=params).status_code == 400


# --- JSON API -------------------------------------------------------------------------


def test_api_search_has_facets(client: FlaskClient) -> None:
    data = client.get("/api/search", query_string={"q": "date:2015..2024"}).get_json()
    assert set(data["facets"]) == {"source", "lang", "year"}
    assert all({"value", "count"} == set(c) for c in data["facets"]["lang"])


def test_api_search_same_object_as_the_cli(client: FlaskClient, sample_index: Path, runner) -> None:
    import json

    from indexer.cli import cli

    result = runner.invoke(
        cli,
        [
            "--config",
            str(ROOT / "config.toml"),
            "--index",
            str(sample_index),
            "search",
            "腾讯",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    cli_data = json.loads(result.output)
    api_data = client.get("/api/search", query_string={"q": "腾讯"}).get_json()
    for data in (cli_data, api_data):
        data.pop("took_ms")
    assert cli_data == api_data


def test_api_article(client: FlaskClient) -> None:
    response = client.get(
        "/api/articles/text/alibaba-tencent-guizhou.txt", query_string={"q": "马云"}
    )
    data = response.get_json()
    assert response.status_code == 200
    assert data["id"] == "text/alibaba-tencent-guizhou.txt" and "馬雲" in data["matched"]
    assert any("<mark>馬雲</mark>" in p for p in data["paragraphs"])
    assert data["permalink"] == "http://localhost/articles/text/alibaba-tencent-guizhou.txt"
    assert len(data["related"]) == 5 and data["capture"] is None
    assert "<mark>" not in data["body"]


def test_article_marks_what_the_results_marked(client: FlaskClient) -> None:
    """Names are expanded on the article page as in the search: 马云 marks "Jack Ma" too."""
    hits = client.get("/api/search", query_string={"q": "马云"}).get_json()["hits"]
    hit = next(h for h in hits if h["id"] == "text/alibaba-tencent-guizhou.txt")
    article = client.get("/api/articles/" + hit["id"], query_string={"q": "马云"}).get_json()
    assert set(hit["matched"]) <= set(article["matched"])
    assert {"Jack Ma", "馬雲"} <= set(article["matched"])


@pytest.mark.parametrize("q", ["马云", "马云 贵阳 大数据", "Tencent", "騰訊 date:2015..2020"])
def test_article_page_marks_what_the_results_page_marks(client: FlaskClient, q: str) -> None:
    """One expansion for both pages: names, and the translation of common words beside a
    name in the other language (马云 贵阳 大数据 also marks "big data")."""
    hits = client.get("/api/search", query_string={"q": q}).get_json()["hits"]
    assert hits
    for hit in hits:
        article = client.get("/api/articles/" + hit["id"], query_string={"q": q}).get_json()
        assert set(hit["matched"]) <= set(article["matched"]), hit["id"]
        html = client.get("/articles/" + hit["id"], query_string={"q": q}).get_data(as_text=True)
        for word in hit["matched"]:
            assert f"<mark>{word}</mark>" in html, (hit["id"], word)


def test_article_page_marks_the_translation_beside_a_name(client: FlaskClient) -> None:
    q = "马云 贵阳 大数据"
    html = client.get("/articles/text/alibaba-tencent-guizhou.txt", query_string={"q": q}).get_data(
        as_text=True
    )
    assert "<mark>big data</mark>" in html and "<mark>馬雲</mark>" in html


@pytest.mark.parametrize(
    ("hl", "label"), [("en", "Chinese (Simplified)"), ("zh-Hant", "中文（簡體）")]
)
def test_article_page_related_stories_cross_languages(
    client: FlaskClient, hl: str, label: str
) -> None:
    html = client.get(
        "/articles/text/alibaba-tencent-guizhou.txt", query_string={"hl": hl}
    ).get_data(as_text=True)
    aside = html[html.index('class="related"') :]
    item = aside[aside.index("/articles/sample-jsonl-001") :]
    item = item[: item.index("</li>")]
    assert "贵阳发力大数据产业" in item  # the Chinese report of the same data-hub push
    assert f'data-lang="zh-Hans">{label}<' in item  # each related story says its language


def test_api_article_related_count(client: FlaskClient) -> None:
    data = client.get("/api/articles/sample-jsonl-001", query_string={"related": 0}).get_json()
    assert data["related"] == []
    response = client.get("/api/articles/sample-jsonl-001", query_string={"related": 500})
    assert response.status_code == 400


def test_api_unknown_article_is_404_with_the_error_shape(client: FlaskClient) -> None:
    response = client.get("/api/articles/no/such/article")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404
    assert "no article with id 'no/such/article'" in response.get_json()["error"]["message"]


def test_api_wrong_method_is_405_with_the_error_shape(client: FlaskClient) -> None:
    response = client.post("/api/search")
    assert response.status_code == 405
    assert response.get_json() == {"error": {"status": 405, "message": "method not allowed"}}


def test_openapi_document_describes_every_route(client: FlaskClient) -> None:
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {"/search", "/articles/{id}", "/stats"}
    assert doc["servers"][0]["url"] == "http://localhost/api"
    names = {p["name"] for p in doc["paths"]["/search"]["get"]["parameters"]}
    assert names == {
        "q",
        "limit",
        "offset",
        "page",
        "sort",
        "from",
        "to",
        "source",
        "lang",
        "year",
        "expand",
    }
    assert "Error" in doc["components"]["schemas"]


def test_no_admin_action_over_http(client: FlaskClient) -> None:
    for path in ("/api/index", "/api/reindex", "/admin", "/api/search"):
        assert client.post(path).status_code in (404, 405)
        assert client.delete(path).status_code in (404, 405)


# --- hostile parameters, everywhere -----------------------------------------------------

HOSTILE = [
    ({"q": "x" * 5000}, "query too long"),
    ({"q": "a*"}, "wildcard"),
    ({"q": "news", "page": "0"}, "page must be between"),
    ({"q": "news", "page": "1002"}, "page must be between"),
    ({"q": "news", "page": "1e3"}, "page must be a whole number"),
    ({"q": "news", "to": "2016-02-30"}, "invalid date"),
    ({"q": "news", "from": "2017", "to": "2016"}, "date is after"),
    ({"q": "news", "from": "9" * 50}, "from is too long"),
    ({"q": "news", "lang": "fr"}, "lang must be one of"),
    ({"q": "news", "year": "20x6"}, "year must be four digits"),
    ({"q": "news", "expand": "no"}, "expand must be 0 or 1"),
    ({"q": "news", "source": "s" * 500}, "source is too long"),
    ({"q": "news", "hl": "klingon"}, "hl must be one of"),
]


@pytest.mark.parametrize(("params", "message"), HOSTILE, ids=[m for _, m in HOSTILE])
@pytest.mark.parametrize("path", ["/", "/api/search", "/search.atom", "/search.csv"])
def test_hostile_parameters_get_400_with_a_clear_message(
    client: FlaskClient, path: str, params: dict[str, str], message: str
) -> None:
    if path == "/search.atom" and "page" in params:
        pytest.skip("a feed has no pages: it always starts with the newest")
    response = client.get(path, query_string=params)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in (response.get_json()["error"]["message"] if path.startswith("/api") else text)


@pytest.mark.parametrize(
    "q",
    [
        '"unbalanced',
        '"马云',
        "(((",
        ")",
        "title:",
        "NOT",
        "AND OR",
        "\x00",
        "%00",
        "ab*",
        "a" * 500,
        "马" * 500,
        '"' * 30,
        "date:..",
        "date:2016..",
        "source:",
        "\u202e",
    ],
)
def test_odd_queries_never_500_anywhere(client: FlaskClient, q: str) -> None:
    for path in ("/", "/api/search", "/search.atom", "/search.ris", "/articles/sample-jsonl-001"):
        response = client.get(path, query_string={"q": q})
        assert response.status_code in (200, 400), (path, response.status_code)


# --- interface language -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "lang", "label"),
    [
        ("en-GB,en;q=0.9", "en", "Search the archive"),
        ("zh-CN,zh;q=0.9", "zh-Hans", "搜索档案库"),
        ("zh-TW,zh;q=0.9", "zh-Hant", "搜尋檔案庫"),
        ("zh-HK", "zh-Hant", "搜尋檔案庫"),
        ("zh", "zh-Hans", "搜索档案库"),
        ("fr-FR,zh-Hant;q=0.5", "zh-Hant", "搜尋檔案庫"),
        ("fr-FR", "en", "Search the archive"),
    ],
)
def test_interface_language_from_accept_language(
    client: FlaskClient, accept: str, lang: str, label: str
) -> None:
    html = client.get("/", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html and label in html


def test_interface_language_switch_is_a_url_and_sticks(client: FlaskClient) -> None:
    response = client.get("/", query_string={"q": "马云", "hl": "zh-Hant"})
    html = response.get_data(as_text=True)
    assert "2 筆結果" in html  # Taiwanese usage: 筆 for records
    assert "hl=zh-Hant" in response.headers["Set-Cookie"]
    assert 'href="/?q=%E9%A9%AC%E4%BA%91&amp;hl=en"' in html  # the switcher keeps the search
    again = client.get("/about").get_data(as_text=True)  # the cookie remembers the choice
    assert "關於本檔案庫" in again


def test_article_page_in_chinese(client: FlaskClient) -> None:
    html = client.get("/articles/sample-jsonl-001", query_string={"hl": "zh-Hans"}).get_data(
        as_text=True
    )
    assert "永久链接" in html and "相似文章" in html


def _messages(catalog: object) -> dict[object, object]:
    def key(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {key(m.id): key(m.string) for m in catalog if m.id}  # type: ignore[attr-defined]


def test_compiled_catalogs_match_their_sources() -> None:
    """The .mo files shipped in the package are compiled from the current .po files."""
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    translations = ROOT / "webapp" / "translations"

    def read(path: Path, reader: object) -> object:
        with path.open("rb") as fh:
            return reader(fh)  # type: ignore[operator]

    wanted = set(_messages(read(translations / "messages.pot", read_po)))
    for locale in ("zh_Hans", "zh_Hant"):
        folder = translations / locale / "LC_MESSAGES"
        po = _messages(read(folder / "messages.po", read_po))
        assert po == _messages(read(folder / "messages.mo", read_mo)), f"{locale}: recompile"
        assert wanted <= {k for k, v in po.items() if v}, f"{locale} lacks translations"


def test_did_you_mean_and_versions_are_rendered(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page renders what the search offers: suggestions and grouped versions."""
    import webapp.ui
    from indexer.search.core import search

    def with_extras(archive: Archive, request: object) -> object:
        page = search(archive, request)  # type: ignore[arg-type]
        page.suggestions = ["inflation", {"query": "Jack Ma"}]  # type: ignore[list-item]
        page.hits[0].versions = 3  # type: ignore[attr-defined]
        return page

    monkeypatch.setattr(webapp.ui, "search", with_extras)
    html = client.get("/", query_string={"q": "Tencent"}).get_data(as_text=True)
    assert "Did you mean" in html
    assert 'href="/?q=inflation">inflation</a>' in html and 'href="/?q=Jack+Ma">Jack Ma</a>' in html
    assert '<span class="versions">3 versions of this story</span>' in html


# --- names and timeline beside the hits -------------------------------------------------


@pytest.mark.parametrize(
    ("hl", "label", "simplified"),
    [
        ("en", "马云 appears as", "Simplified 1"),
        ("zh-Hans", "马云 的各种写法：", "简体 1 篇"),
        ("zh-Hant", "马云 的各種寫法：", "簡體 1 篇"),
    ],
)
def test_name_panel_shows_each_form_with_its_articles(
    client: FlaskClient, hl: str, label: str, simplified: str
) -> None:
    html = client.get("/", query_string={"q": "马云", "hl": hl}).get_data(as_text=True)
    panel = html[html.index('<section class="names"') :]
    panel = panel[: panel.index("</section>")]
    assert label in panel
    # each form links to a search for it alone, without the other forms
    assert f'href="/?q=%E9%A6%AC%E9%9B%B2&amp;hl={hl}&amp;expand=0">馬雲</a>' in panel
    assert f'href="/?q=%22Jack+Ma%22&amp;hl={hl}&amp;expand=0">Jack Ma</a>' in panel
    assert simplified in panel
    assert panel.index("马云") < panel.index("Jack Ma")  # the form typed first
    assert html.index('class="names"') < html.index('class="hits"')


def test_a_forms_link_searches_that_form_alone(client: FlaskClient) -> None:
    every = client.get("/api/search", query_string={"q": '"Jack Ma"'}).get_json()
    alone = client.get("/api/search", query_string={"q": '"Jack Ma"', "expand": "0"}).get_json()
    jack = next(f for f in every["names"][0]["forms"] if f["lang"] == "en")
    assert alone["total"] == jack["total"] == 1 < every["total"]
    assert alone["names"] == every["names"]  # the panel stays, to go back to every form


def test_no_name_panel_without_a_name(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": "ferries"}).get_data(as_text=True)
    assert 'class="names"' not in html


def test_timeline_bars_link_to_the_filtered_search(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": "date:2015..2024"}).get_data(as_text=True)
    timeline = html[html.index('<figure class="timeline">') : html.index("</figure>")]
    assert timeline.count("<rect ") == 10  # 2015 … 2024
    assert 'href="/?q=date:2015..2024&amp;year=2019"' in timeline
    assert "style=" not in timeline  # drawn by attributes and the style sheet (strict CSP)
    data = client.get("/api/search", query_string={"q": "date:2015..2024"}).get_json()
    counts = {p["period"]: p["count"] for p in data["timeline"]}
    narrowed = client.get("/api/search", query_string={"q": "date:2015..2024", "year": "2019"})
    assert narrowed.get_json()["total"] == counts["2019"] > 0


def test_timeline_by_month_links_to_the_month(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": "Tencent"}).get_data(as_text=True)
    timeline = html[html.index('<figure class="timeline">') : html.index("</figure>")]
    assert 'href="/?q=Tencent&amp;from=2017-07&amp;to=2017-07"' in timeline
    month = client.get(
        "/api/search", query_string={"q": "Tencent", "from": "2017-07", "to": "2017-07"}
    )
    assert [h["id"] for h in month.get_json()["hits"]] == ["text/alibaba-tencent-guizhou.txt"]


def test_openapi_describes_names_and_timeline(client: FlaskClient) -> None:
    doc = client.get("/api/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    page = schemas["ResultPage"]["properties"]
    assert page["names"]["items"] == {"$ref": "#/components/schemas/Name"}
    assert page["timeline"]["items"] == {"$ref": "#/components/schemas/Period"}
    form = schemas["Name"]["properties"]["forms"]["items"]["properties"]
    assert set(form) == {"lang", "written", "counts", "total"}
    assert set(schemas["Period"]["properties"]) == {"period", "count"}
    params = {p["name"] for p in doc["paths"]["/search"]["get"]["parameters"]}
    assert "expand" in params
    data = client.get("/api/search", query_string={"q": "马云"}).get_json()
    assert set(data["names"][0]) == set(schemas["Name"]["properties"])
    assert set(data["names"][0]["forms"][0]) == set(form)


# --- every message in the interface language --------------------------------------------


@pytest.mark.parametrize(
    ("hl", "line"),
    [
        ("en", "matched 腾讯 for Tencent"),
        ("zh-Hans", "匹配了“腾讯”（“Tencent”的另一种写法）"),
        ("zh-Hant", "符合「腾讯」（「Tencent」的另一種寫法）"),
    ],
)
def test_why_a_hit_matched_in_the_interface_language(
    client: FlaskClient, hl: str, line: str
) -> None:
    html = client.get("/", query_string={"q": "Tencent", "hl": hl}).get_data(as_text=True)
    assert f'<p class="why">{line}</p>' in html


def test_a_translation_is_explained_as_one(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": "马云 大数据", "hl": "zh-Hans"}).get_data(
        as_text=True
    )
    assert "匹配了“big data”（“大数据”的译文）" in html


@pytest.mark.parametrize(
    ("hl", "message"),
    [
        ("en", "query too long (600 characters; the limit is 500)"),
        ("zh-Hans", "检索式太长（600 个字符，上限为 500）"),
        ("zh-Hant", "查詢太長（600 個字元，上限為 500）"),
    ],
)
def test_errors_in_the_interface_language(client: FlaskClient, hl: str, message: str) -> None:
    response = client.get("/", query_string={"q": "x" * 600, "hl": hl})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    api = client.get("/api/search", query_string={"q": "x" * 600, "hl": hl}).get_json()
    assert api["error"]["message"] == "query too long (600 characters; the limit is 500)"


def test_error_pages_in_the_interface_language(client: FlaskClient) -> None:
    html = client.get("/articles/no-such", query_string={"hl": "zh-Hant"}).get_data(as_text=True)
    assert "找不到 ID 為 &#39;no-such&#39; 的文章" in html
    html = client.get("/no/such/page", query_string={"hl": "zh-Hans"}).get_data(as_text=True)
    assert "找不到此页面" in html


def test_traditional_labels_read_as_taiwanese_usage(client: FlaskClient) -> None:
    html = client.get(
        "/articles/text/alibaba-tencent-guizhou.txt", query_string={"hl": "zh-Hant", "q": "马云"}
    ).get_data(as_text=True)
    assert "<dt>發布日期</dt>" in html and "釋出" not in html  # not a software release
    po = (ROOT / "webapp/translations/zh_Hant/LC_MESSAGES/messages.po").read_text("utf-8")
    translated = "".join(line for line in po.splitlines() if line.startswith("msgstr"))
    for mainland in ("釋出", "獲取", "報道", "短語", "許可證", "條結果", "匹配"):
        assert mainland not in translated, mainland


# --- rough edges ------------------------------------------------------------------------


def test_a_too_long_query_is_answered_with_a_message(client: FlaskClient) -> None:
    long_query = "central bank " * 50  # 650 characters: more than search.max_query_length
    response = client.get("/", query_string={"q": long_query})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "query too long (649 characters; the limit is 500)" in html
    box = html[html.index('<input type="search"') :]
    box = box[: box.index(">")]
    assert "maxlength" not in box  # the box never cuts a query silently


def test_a_page_without_results_offers_no_sort_or_export(client: FlaskClient) -> None:
    html = client.get("/", query_string={"q": "nosuchwordanywhere"}).get_data(as_text=True)
    assert "Nothing matched." in html
    assert "sort=newest" not in html and 'class="outputs"' not in html
    assert "/search.csv" not in html and "/search.atom" not in html
    found = client.get("/", query_string={"q": "Tencent"}).get_data(as_text=True)
    assert "sort=newest" in found and "/search.csv" in found and "/search.atom" in found


def test_every_page_links_an_icon_that_exists(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in html
    for path in ("/static/favicon.svg", "/favicon.ico"):  # the page's link, the usual path
        with client.get(path) as icon:
            assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
            assert icon.get_data(as_text=True).startswith("<svg")
