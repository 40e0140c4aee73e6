"""Reading articles: the three input forms, stable ids, bad input reported and skipped."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from indexer.ingest.article import Article, ItemError
from indexer.ingest.dates import first_date
from indexer.ingest.parse import parse_text, read_inputs
from tests.helpers import DATA, SAMPLE_CORPUS


def read(*paths: Path) -> list[Article | ItemError]:
    return list(read_inputs(paths))


def articles(items: list[Article | ItemError]) -> dict[str, Article]:
    return {a.id: a for a in items if isinstance(a, Article)}


def test_text_header_title_and_body() -> None:
    (art,) = read(SAMPLE_CORPUS / "text" / "alibaba-tencent-guizhou.txt")
    assert isinstance(art, Article)
    assert art.id == "alibaba-tencent-guizhou.txt"
    assert art.published == datetime(2017, 7, 20)
    assert (art.author, art.source) == ("Maya Lindqvist", "Harbour Ledger")
    assert art.title == "Tech giants bet on Guizhou as data hub ambitions grow"
    assert "Alibaba chairman Jack Ma (馬雲)" in art.body
    assert not art.body.startswith(art.title)
    assert (art.lang, art.script) == ("en", None)


def test_text_without_header() -> None:
    (art,) = read(SAMPLE_CORPUS / "text" / "tainan-confucius-temple-restoration.txt")
    assert isinstance(art, Article)
    assert art.published is None and art.author is None
    assert art.title and art.body and art.title not in art.body
    assert art.language_tag == "zh-Hant"


def test_text_whose_first_line_is_a_sentence_has_no_title_line() -> None:
    art = parse_text(
        "“It is huge,” she said of the change.\n\nMore text.", "x/guiyang-valley.txt", "x"
    )
    assert art.title == "Guiyang valley"
    assert art.body.startswith("“It is huge,”")


def test_ids_are_relative_to_the_indexed_folder() -> None:
    ids = {a.id for a in read(SAMPLE_CORPUS / "text") if isinstance(a, Article)}
    assert "alibaba-tencent-guizhou.txt" in ids
    ids = {a.id for a in read(SAMPLE_CORPUS) if isinstance(a, Article)}
    assert "text/alibaba-tencent-guizhou.txt" in ids


def test_html_metadata_and_clean_body() -> None:
    (art,) = read(SAMPLE_CORPUS / "html" / "typhoon-lanying-taiwan.html")
    assert isinstance(art, Article)
    assert (
        art.id
        == art.url
        == "https://news.islandmorning.example.org/2019/08/09/typhoon-lanying-warning"
    )
    assert art.title.startswith("颱風「嵐影」") and "島嶼晨報" not in art.title
    assert art.source == "島嶼晨報"
    assert art.published is not None and art.published.date().isoformat() == "2019-08-09"
    assert art.author
    assert art.language_tag == "zh-Hant"
    assert "颱風警報" in art.body
    # navigation, related links, footer and scripts are not part of the article
    for boilerplate in ("Related", "相關新聞", "©", "function", "gtag"):
        assert boilerplate not in art.body


def test_jsonl_record_id_is_the_article_id() -> None:
    arts = articles(read(SAMPLE_CORPUS / "jsonl" / "articles.jsonl"))
    assert "sample-jsonl-001" in arts
    c = arts["sample-jsonl-001"]
    assert c.body.count("大数据中心") >= 2 and c.language_tag == "zh-Hans"


def test_jsonl_body_from_html_when_body_is_empty() -> None:
    arts = articles(read(SAMPLE_CORPUS / "jsonl" / "articles.jsonl"))
    for ident in ("sample-jsonl-006", "sample-jsonl-007"):
        assert arts[ident].body and "<p>" not in arts[ident].body


def test_hostile_folder_reports_each_bad_item_and_keeps_the_rest() -> None:
    items = read(DATA / "hostile")
    errors = {Path(e.location).name: e for e in items if isinstance(e, ItemError)}
    good = articles(items)
    assert errors["empty.txt"].reason == "empty file"
    assert "binary" in errors["binary.html"].reason
    assert errors["bad-lines.jsonl:2"].reason.startswith("invalid JSON")
    assert errors["bad-lines.jsonl:3"].reason == "line is not a JSON object"
    assert errors["bad-lines.jsonl:5"].reason == "no article text found"
    assert errors["notes.md"].skipped
    assert {"good-1", "good-2"} <= set(good)
    assert good["broken.html"].title == "Broken page"
    assert "flood defences" in good["broken.html"].body
    latin = good["latin1-no-charset.txt"]
    assert latin.author == "Zoë Brontë" and "Orléans" in latin.body


def test_script_payloads_stay_text() -> None:
    (art,) = read(DATA / "hostile" / "script-injection.html")
    assert isinstance(art, Article)
    assert '<script>alert("xss")</script>' in art.body
    assert 'document.title = "pwned"' not in art.body


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("gbk-declared-gb2312.html", "朱镕基"),
        ("big5.html", "臺北市宣布停班停課"),
        ("utf8-bom.txt", "字节顺序标记"),
    ],
    ids=["GBK page declared GB2312", "Big5", "UTF-8 with BOM"],
)
def test_encodings(name: str, needle: str) -> None:
    (art,) = read(DATA / name)
    assert isinstance(art, Article)
    assert needle in art.title + art.body


def test_missing_path_is_an_error_not_a_crash() -> None:
    (err,) = read(Path("/nonexistent/folder"))
    assert isinstance(err, ItemError) and err.reason == "no such file or folder"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-01-05", datetime(2016, 1, 5)),
        ("2016-01-05T13:45:00Z", datetime(2016, 1, 5, 13, 45)),
        ("2019年09月07日 13:43", datetime(2019, 9, 7, 13, 43)),
        ("no date here", None),
        ("2016-13-45", None),
    ],
)
def test_first_date(text: str, expected: datetime | None) -> None:
    assert first_date(text) == expected
