"""Web archives: pages captured by a real crawler become articles that cite their capture."""

from __future__ import annotations

import gzip
import http.server
import io
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from indexer.ingest.article import Article, ItemError
from indexer.ingest.parse import read_inputs
from indexer.store.archive import Archive

ENGLISH = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Canal footbridge opens | Lantern Post</title>
<meta property="og:site_name" content="Lantern Post"></head>
<body><nav><a href="/">Home</a></nav><div class="story"><h1>Canal footbridge opens</h1>
<p>The new footbridge over the canal opened to walkers and cyclists on Tuesday morning.</p>
<p>It links the old mill district with the railway station for the first time in decades.</p>
</div></body></html>"""
# No <meta charset>: only the HTTP header says GBK.
CHINESE = """<html><head><title>老城区公交线路调整</title></head><body>
<div class="content"><h1>老城区公交线路调整</h1><p>记者 何嘉禾</p>
<p>从下周一起，老城区五条公交线路将调整走向，方便居民前往新建的社区医院就诊。</p>
<p>公交公司表示，调整后的线路高峰时段发车间隔将缩短至八分钟。</p></div></body></html>"""
PAGES: dict[str, tuple[bytes, str, int]] = {
    "/news/footbridge.html": (ENGLISH.encode("utf-8"), "text/html; charset=utf-8", 200),
    "/news/bus.html": (CHINESE.encode("gbk"), "text/html; charset=GBK", 200),
    "/style.css": (b"body { color: black }", "text/css", 200),
    "/logo.png": (b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png", 200),
}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body, content_type, status = PAGES.get(self.path, (b"not here", "text/plain", 404))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def warc_server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def crawled(warc_server: str, tmp_path: Path) -> Path:
    """A .warc.gz written by wget crawling the local server (one page fetched twice)."""
    if shutil.which("wget") is None:
        pytest.skip("wget is not installed")
    folder = tmp_path / "crawl"
    folder.mkdir()
    urls = [warc_server + p for p in (*PAGES, "/news/footbridge.html", "/missing.html")]
    subprocess.run(
        [
            "wget",
            "-q",
            "--no-verbose",
            "--tries=3",
            "--no-http-keep-alive",
            "--warc-file=crawl",
            "--no-warc-keep-log",
            "-O",
            "/dev/null",
            *urls,
        ],
        cwd=folder,
        check=False,
        timeout=60,
    )
    warc = folder / "crawl.warc.gz"
    assert warc.is_file()
    return warc


def by_kind(items: list[Article | ItemError]) -> tuple[list[Article], list[ItemError]]:
    return (
        [i for i in items if isinstance(i, Article)],
        [i for i in items if isinstance(i, ItemError)],
    )


def test_wget_crawl_pages_become_articles_citing_their_record(
    crawled: Path, warc_server: str
) -> None:
    articles, others = by_kind(list(read_inputs([crawled])))
    urls = sorted(a.url for a in articles if a.url)
    assert urls == [warc_server + "/news/bus.html", warc_server + "/news/footbridge.html"]
    english = next(a for a in articles if a.url and a.url.endswith("footbridge.html"))
    assert english.id == english.url
    assert english.title == "Canal footbridge opens" and english.source == "Lantern Post"
    assert english.location.startswith(f"{crawled}#")
    offset = int(english.location.rsplit("#", 1)[1])
    with crawled.open("rb") as fh:  # the offset is where the page's record starts
        fh.seek(offset)
        head = gzip.GzipFile(fileobj=fh).read(400)
    assert head.startswith(b"WARC/") and b"WARC-Type: response" in head
    # The date falls back to when the page was captured.
    assert english.published is not None and english.published.year >= 2024
    chinese = next(a for a in articles if a.url and a.url.endswith("bus.html"))
    assert "公交线路" in chinese.body and chinese.author == "何嘉禾"
    assert chinese.language_tag == "zh-Hans"
    (summary,) = [e for e in others if e.skipped]
    assert summary.details is not None
    assert summary.details["pages"] == 2
    assert summary.details["duplicate_captures"] == 1  # footbridge.html fetched twice
    assert summary.details["other_records"] >= 2  # the stylesheet and the image
    assert summary.details["non_200_responses"] == 1
    assert summary.details["request_records"] >= 5
    assert not [e for e in others if not e.skipped]


def test_indexing_a_crawl_twice_never_duplicates(crawled: Path, tmp_path: Path) -> None:
    from tests.helpers import make_settings

    archive = Archive(make_settings(tmp_path / "index"))
    first = archive.add(read_inputs([crawled]))
    again = archive.add(read_inputs([crawled]))
    assert (first.indexed, first.updated) == (2, 0)
    assert (again.indexed, again.updated) == (0, 2)
    assert archive.searcher().doc_count() == 2
    archive.close()


def _warcio_archive(path: Path) -> None:
    """A WARC with a response, a revisit of it, a non-HTML resource and warcinfo, by warcio."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def write(record: Any) -> None:
        writer.write_record(record)
        record.raw_stream.close()  # warcio spools payloads to temporary files

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        write(writer.create_warcinfo_record("x.warc.gz", {"software": "test"}))
        page = ENGLISH.replace("Canal footbridge opens", "Ferry pier rebuilt").encode()
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            "http://example.org/pier",
            "response",
            payload=io.BytesIO(page),
            http_headers=http,
            warc_headers_dict={"WARC-Date": "2013-05-06T07:08:09Z"},
        )
        write(record)
        revisit = writer.create_revisit_record(
            "http://example.org/pier",
            digest=record.rec_headers.get_header("WARC-Payload-Digest"),
            refers_to_uri="http://example.org/pier",
            refers_to_date="2013-05-06T07:08:09Z",
        )
        write(revisit)
        write(
            writer.create_warc_record(
                "http://example.org/data.json",
                "resource",
                payload=io.BytesIO(b"{}"),
                warc_content_type="application/json",
            )
        )


def test_revisits_are_not_read_again_and_warc_date_is_the_fallback(tmp_path: Path) -> None:
    path = tmp_path / "x.warc.gz"
    _warcio_archive(path)
    articles, others = by_kind(list(read_inputs([path])))
    (article,) = articles
    assert article.id == "http://example.org/pier"
    assert article.published == datetime(2013, 5, 6, 7, 8, 9)
    (summary,) = others
    assert summary.details == {
        "records": 4,
        "pages": 1,
        "revisits": 1,
        "warcinfo_records": 1,
        "other_records": 1,
    }


def test_plain_warc_and_arc_gz(tmp_path: Path) -> None:
    plain = tmp_path / "plain.warc"
    _warcio_archive(tmp_path / "x.warc.gz")
    plain.write_bytes(b"".join(_gunzip_members(tmp_path / "x.warc.gz")))
    (tmp_path / "x.warc.gz").unlink()
    body = ENGLISH.encode()
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    arc_head = (
        b"filedesc://test.arc 0.0.0.0 20090611105700 text/plain 69\n1 0 test\n"
        b"URL IP-address Archive-date Content-type Archive-length\n\n"
    )
    arc_head = arc_head.replace(b" 69\n", b" %d\n" % (len(arc_head.split(b"\n", 1)[1]) - 1))
    record = b"http://example.com/2009/06/bridge 10.0.0.1 20090611105700 text/html %d\n" % len(http)
    arc = gzip.compress(arc_head) + gzip.compress(record + http + b"\n")
    (tmp_path / "old.arc.gz").write_bytes(arc)
    articles, _ = by_kind(list(read_inputs([tmp_path])))
    by_id = {a.id: a for a in articles}
    assert set(by_id) == {"http://example.org/pier", "http://example.com/2009/06/bridge"}
    assert by_id["http://example.com/2009/06/bridge"].published == datetime(2009, 6, 11, 10, 57)
    assert by_id["http://example.com/2009/06/bridge"].location.endswith(
        ".arc.gz#" + str(len(gzip.compress(arc_head)))
    )


def _gunzip_members(path: Path) -> Iterator[bytes]:
    yield gzip.decompress(path.read_bytes())


def test_broken_record_is_reported_with_its_location_and_the_run_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.warc.gz"
    _warcio_archive(good)
    data = good.read_bytes()
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(data[: len(data) // 2 + 7])  # cut off in the middle of a record
    (tmp_path / "junk.warc").write_bytes(b"this is not a web archive\n" * 10)
    items = list(read_inputs([tmp_path]))
    articles, errors = by_kind(items)
    assert [a.id for a in articles].count("http://example.org/pier") >= 1
    failures = [e for e in errors if not e.skipped]
    assert any(e.location.startswith(str(broken) + "#") for e in failures), failures
    # The page cut off in the middle is reported, never indexed half-written.
    assert not any(a.location.startswith(str(broken)) for a in articles)
    assert any(e.location.startswith(str(tmp_path / "junk.warc")) for e in failures), failures


def test_records_over_the_cap_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "x.warc.gz"
    _warcio_archive(path)
    items = list(read_inputs([path], max_bytes=100))
    (too_large,) = [e for e in items if isinstance(e, ItemError) and not e.skipped]
    assert too_large.reason.startswith("record too large")
    assert "#" in too_large.location
