"""The search page in a real headless Chromium, against a real `newsarchive serve` process."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.parse import read_inputs
from indexer.store import Archive

from .conftest import DATA, ROOT, make_settings

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(sample_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`newsarchive serve` (waitress) on the sample corpus plus an article carrying payloads."""
    index = tmp_path_factory.mktemp("browser") / "index"
    shutil.copytree(sample_index, index)
    Archive(make_settings(index)).add(read_inputs([DATA / "hostile" / "script-injection.html"]))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSARCHIVE_")}
    log_path = index.parent / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "indexer", "--config", str(ROOT / "config.toml"),
         "--index", str(index), "serve", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.close()
                out = log_path.read_text(encoding="utf-8", errors="replace")
                raise RuntimeError(f"server did not start: {out}") from None
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with playwright_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="en-GB")  # type: ignore[attr-defined]
    pg = context.new_page()
    yield pg
    context.close()


def search_for(page: object, server: str, query: str) -> None:
    page.goto(server + "/")  # type: ignore[attr-defined]
    page.fill("input[name=q]", query)  # type: ignore[attr-defined]
    page.press("input[name=q]", "Enter")  # type: ignore[attr-defined]
    page.wait_for_selector("#summary")  # type: ignore[attr-defined]


def test_english_search_in_the_browser(page: object, server: str) -> None:
    search_for(page, server, "Tencent")
    titles = page.locator(".hit h2").all_inner_texts()  # type: ignore[attr-defined]
    assert "Tech giants bet on Guizhou as data hub ambitions grow" in titles
    assert "Tencent" in page.locator(".hit mark").all_inner_texts()  # type: ignore[attr-defined]


def test_chinese_search_marks_the_traditional_name(page: object, server: str) -> None:
    search_for(page, server, "马云")
    hit = page.locator(".hit", has_text="Tech giants bet on Guizhou")  # type: ignore[attr-defined]
    assert hit.locator("mark").all_inner_texts() == ["馬雲"]
    assert "q=%E9%A9%AC%E4%BA%91" in page.url  # type: ignore[attr-defined]  # a shareable URL


def test_article_payloads_show_as_text_and_run_nothing(page: object, server: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    search_for(page, server, "harbour plan")
    snippet = page.locator(".hit .snippet").first.inner_text()  # type: ignore[attr-defined]
    assert '<script>alert("xss")</script>' in snippet
    assert page.locator(".hit img").count() == 0  # type: ignore[attr-defined]
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    assert dialogs == []
    assert page.title() != "pwned"  # type: ignore[attr-defined]
