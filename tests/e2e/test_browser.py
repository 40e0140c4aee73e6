"""The search page in a real headless Chromium, against a real `newsarchive serve` process."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

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
    assert "馬雲" in hit.locator("mark").all_inner_texts()  # as written, in Traditional
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


def test_clicking_a_facet_filters_the_results(page: object, server: str) -> None:
    search_for(page, server, "date:2015..2024")
    before = page.locator("#summary").inner_text()  # type: ignore[attr-defined]
    facet = page.locator('[data-facet="lang"] a', has_text="Chinese (Traditional)")  # type: ignore[attr-defined]
    facet.click()
    page.wait_for_url("**lang=zh-Hant**")  # type: ignore[attr-defined]
    assert page.locator("#summary").inner_text() != before  # type: ignore[attr-defined]
    langs = page.locator(".hit .meta").all_inner_texts()  # type: ignore[attr-defined]
    assert langs and all("Chinese (Traditional)" in m for m in langs)
    assert page.locator(".chip", has_text="Chinese (Traditional)").count() == 1  # type: ignore[attr-defined]


def test_opening_an_article_from_the_results(page: object, server: str) -> None:
    search_for(page, server, "马云")
    page.locator(".hit h2 a", has_text="Tech giants bet on Guizhou").click()  # type: ignore[attr-defined]
    page.wait_for_selector("article.article")  # type: ignore[attr-defined]
    assert "/articles/text/alibaba-tencent-guizhou.txt" in page.url  # type: ignore[attr-defined]
    assert "馬雲" in page.locator("article .text mark").all_inner_texts()  # type: ignore[attr-defined]
    assert page.locator(".related li").count() >= 1  # type: ignore[attr-defined]
    assert page.locator(".facts .author").inner_text() == "Maya Lindqvist"  # type: ignore[attr-defined]


def test_switching_the_interface_language(page: object, server: str) -> None:
    search_for(page, server, "Tencent")
    assert page.locator("html").get_attribute("lang") == "en"  # type: ignore[attr-defined]
    page.locator("nav.hl a", has_text="繁體中文").click()  # type: ignore[attr-defined]
    page.wait_for_url("**hl=zh-Hant**")  # type: ignore[attr-defined]
    assert page.locator("html").get_attribute("lang") == "zh-Hant"  # type: ignore[attr-defined]
    assert "筆結果" in page.locator("#summary").inner_text()  # type: ignore[attr-defined]
    assert page.locator("input[name=q]").input_value() == "Tencent"  # type: ignore[attr-defined]
    page.goto(server + "/about")  # type: ignore[attr-defined]  # the choice is remembered
    assert page.locator("h1").inner_text() == "關於本檔案庫"  # type: ignore[attr-defined]


def test_chinese_browser_gets_a_chinese_interface(browser: object, server: str) -> None:
    context = browser.new_context(locale="zh-CN")  # type: ignore[attr-defined]
    pg = context.new_page()
    try:
        search_for(pg, server, "腾讯")
        assert pg.locator("html").get_attribute("lang") == "zh-Hans"
        assert "条结果" in pg.locator("#summary").inner_text()
        assert (
            "Tech giants bet on Guizhou as data hub ambitions grow"
            in pg.locator(".hit h2").all_inner_texts()
        )
    finally:
        context.close()


def test_article_page_with_payloads_runs_nothing(page: object, server: str) -> None:
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
    search_for(page, server, "harbour plan")
    page.locator(".hit h2 a").first.click()  # type: ignore[attr-defined]
    page.wait_for_selector("article.article")  # type: ignore[attr-defined]
    text = page.locator("article .text").inner_text()  # type: ignore[attr-defined]
    assert '<script>alert("xss")</script>' in text
    assert "onerror=" in text
    assert page.locator("article img, article script, article iframe").count() == 0  # type: ignore[attr-defined]
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    assert dialogs == []
    assert page.title() != "pwned"  # type: ignore[attr-defined]


# --- names, timeline, related stories, messages: in every interface language -----------

HLS = ["en", "zh-Hans", "zh-Hant"]
SIMPLIFIED = {"en": "Chinese (Simplified)", "zh-Hans": "中文（简体）", "zh-Hant": "中文（簡體）"}


def search_in(page: object, server: str, hl: str, query: str) -> None:
    """Search from the box of the page in one interface language."""
    page.goto(f"{server}/?hl={hl}")  # type: ignore[attr-defined]
    page.fill("input[name=q]", query)  # type: ignore[attr-defined]
    page.press("input[name=q]", "Enter")  # type: ignore[attr-defined]
    page.wait_for_selector("#summary, .error")  # type: ignore[attr-defined]


def console_errors(page: object) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
    return errors


@pytest.mark.parametrize("hl", HLS)
@pytest.mark.parametrize(
    ("query", "forms"),
    [
        ("马云", ["马云", "馬雲", "Jack Ma"]),
        ('"Jack Ma"', ["Jack Ma", "马云", "馬雲"]),
        ("騰訊", ["騰訊", "腾讯", "Tencent"]),
    ],
)
def test_name_panel(page: object, server: str, hl: str, query: str, forms: list[str]) -> None:
    errors = console_errors(page)
    search_in(page, server, hl, query)
    panel = page.locator("section.names")  # type: ignore[attr-defined]
    links = panel.locator(".form a").all_inner_texts()
    assert links == forms  # the form typed first
    hits = page.locator("ol.hits")  # type: ignore[attr-defined]
    assert panel.bounding_box()["y"] < hits.bounding_box()["y"]  # above the results
    label = panel.locator(".label").inner_text()
    assert label.startswith(query.strip('"'))
    assert ("appears as" in label) == (hl == "en")
    # Each form links to a search for it alone, with as many results as the panel says.
    english = panel.locator(".form[data-lang=en]").first
    said = english.locator(".counts").inner_text()
    english.locator("a").first.click()
    page.wait_for_url("**expand=0**")  # type: ignore[attr-defined]
    summary = page.locator("#summary").inner_text()  # type: ignore[attr-defined]
    total = int(summary.split()[0])
    assert f" {total}" in said
    assert page.locator("section.names").count() == 1  # type: ignore[attr-defined]
    assert errors == []  # nothing the strict CSP refused


@pytest.mark.parametrize("hl", HLS)
def test_timeline_bars_and_clicking_one(page: object, server: str, hl: str) -> None:
    errors = console_errors(page)
    search_in(page, server, hl, "date:2015..2024")
    bars = page.locator("figure.timeline g.bar")  # type: ignore[attr-defined]
    assert bars.count() == 10
    assert [bars.nth(i).get_attribute("data-period") for i in (0, 9)] == ["2015", "2024"]
    bar = page.locator('figure.timeline g.bar[data-period="2019"] a')  # type: ignore[attr-defined]
    count = int(bar.get_attribute("aria-label").split(": ")[1])
    box = bar.locator("rect").bounding_box()
    assert box["height"] > 5 and box["width"] > 5  # drawn, with the style sheet's colours
    bar.click()
    page.wait_for_url("**year=2019**")  # type: ignore[attr-defined]
    assert page.locator(".chip", has_text="2019").count() == 1  # type: ignore[attr-defined]
    assert page.locator("#summary").inner_text().startswith(f"{count} ")  # type: ignore[attr-defined]
    assert page.locator("figure.timeline g.bar").count() >= 1  # type: ignore[attr-defined]
    assert errors == []


@pytest.mark.parametrize("hl", HLS)
def test_related_stories_cross_languages(page: object, server: str, hl: str) -> None:
    page.goto(f"{server}/articles/text/alibaba-tencent-guizhou.txt?hl={hl}")  # type: ignore[attr-defined]
    related = page.locator(".related li", has_text="贵阳发力大数据产业")  # type: ignore[attr-defined]
    assert related.count() == 1
    assert related.locator(".lang").inner_text() == SIMPLIFIED[hl]
    related.locator("a").click()
    page.wait_for_selector("article.article")  # type: ignore[attr-defined]
    back = page.locator(".related li", has_text="Tech giants bet on Guizhou")  # type: ignore[attr-defined]
    assert back.count() == 1  # and the Chinese article finds the English one


@pytest.mark.parametrize(
    ("hl", "line"),
    [
        ("zh-Hans", "匹配了“腾讯”（“Tencent”的另一种写法）"),
        ("zh-Hant", "符合「腾讯」（「Tencent」的另一種寫法）"),
        ("en", "matched 腾讯 for Tencent"),
    ],
)
def test_explanation_in_the_interface_language(
    page: object, server: str, hl: str, line: str
) -> None:
    search_in(page, server, hl, "Tencent")
    hit = page.locator(".hit", has_text="腾讯开放医疗影像平台")  # type: ignore[attr-defined]
    assert hit.locator(".why").all_inner_texts() == [line]


@pytest.mark.parametrize(
    ("hl", "message"),
    [
        ("en", "query too long (649 characters; the limit is 500)"),
        ("zh-Hans", "检索式太长（649 个字符，上限为 500）"),
        ("zh-Hant", "查詢太長（649 個字元，上限為 500）"),
    ],
)
def test_too_long_query_is_answered_with_a_message(
    page: object, server: str, hl: str, message: str
) -> None:
    query = ("central bank " * 50).strip()
    search_in(page, server, hl, query)
    assert page.locator(".error").inner_text() == message  # type: ignore[attr-defined]
    assert page.locator("input[name=q]").input_value() == query  # type: ignore[attr-defined]
