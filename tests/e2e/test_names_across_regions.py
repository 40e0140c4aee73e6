"""Names written differently across regions and languages reach each other; common words
and function words are not names. Through the name table, the library, the CLI and the
JSON API."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from indexer.analysis.names import (
    demonyms,
    english_key,
    han_key,
    mine_names,
    name_table,
    regional_variants,
)
from indexer.cli import cli
from indexer.ingest.article import Article
from indexer.search import rank
from indexer.search.core import SearchRequest, search
from indexer.store.archive import Archive
from tests.helpers import ROOT, build_index, make_settings, opened
from webapp import create_app


def zh(id: str, title: str, body: str, script: str = "hans") -> Article:
    return Article(id, title, body, lang="zh", script=script)


# Written for these tests: one story per region and language.
ARTICLES = [
    zh("merkel-hans", "默克尔访问北京", "德国总理默克尔今天抵达北京。"),
    zh("merkel-hant", "梅克爾訪問台北商會", "德國總理梅克爾會見台商代表。", "hant"),
    Article("merkel-en", "Merkel meets business leaders", "Chancellor Merkel met executives."),
    zh("trump-hans", "特朗普宣布新关税", "美国总统特朗普宣布对钢铁加征关税。"),
    zh("trump-hant", "川普宣布新關稅", "美國總統川普宣布對鋼鐵加徵關稅。", "hant"),
    zh("sydney-hant", "雪梨港口擴建", "雪梨港務局宣布擴建貨櫃碼頭。", "hant"),
    Article("sydney-en", "Sydney port expansion", "The Sydney port authority expands."),
    zh("ecb-hans", "欧洲央行维持利率不变", "欧洲央行周四宣布维持利率不变。"),
    Article("ecb-en", "ECB holds rates", "The European Central Bank held rates on Thursday."),
    zh("honhai-hant", "鴻海營收創新高", "鴻海公布上月營收創下新高。", "hant"),
    Article(
        "foxconn-en", "Foxconn revenue at record", "Hon Hai, known as Foxconn, said revenue rose."
    ),
    zh("wu-hant", "吳敦義出席港口啟用", "吳敦義今日出席港口啟用典禮。", "hant"),
    Article(
        "rates-en", "The central bank raises rates", "The central bank of the country raised rates."
    ),
    zh("central-hant", "中環碼頭人潮洶湧", "週末中環碼頭擠滿遊客。", "hant"),
    zh("lee-hant", "李登輝出席座談", "前總統李登輝今日出席座談會。", "hant"),
    zh("abe-hans", "安倍晋三会见来宾", "日本首相安倍晋三今天会见来宾。"),
    zh("gates-hans", "比尔盖茨谈慈善", "微软创始人比尔盖茨今天谈到慈善。"),
    Article("federer-en", "Federer wins in Dubai", "Federer beat Nadal in the final."),
    zh("modi-title-hans", "莫迪会见来宾", "印度总理今天会见来宾。"),
    zh("modi-body-hans", "印度议会开幕", "莫迪说，莫迪政府将继续改革，莫迪还谈到经济。"),
    Article(
        "leaders-en",
        "Leaders meet in Berlin",
        "Angela Merkel and Donald Trump met in Berlin. " + "They spoke about trade and jobs. " * 8,
    ),
    zh("trump-only-hant", "川普談貿易", "川普說，川普政府將加徵關稅，川普還談到貿易。", "hant"),
    zh("modi-cut-title-hans", "李克强同印度总理莫迪互致贺电", "新华社北京电。双方互致贺电。"),
    Article("roger-en", "Roger Federer to play in Basel", "Roger Federer will play at home."),
    Article("federal-en", "Federal budget passed", "The federal government passed a budget."),
    Article("cannes-en", "Cannes festival opens", "The Cannes film festival opened."),
    Article("canon-en", "Canon Inc (Cann.T) year", "Canon Inc (Cann.T) reported its year."),
    zh("duterte-hans", "杜特尔特访问北京", "菲律宾总统杜特尔特今天抵达北京。"),
    Article("duterte-en", "Duterte arrives in Beijing", "President Duterte arrived on Monday."),
    Article("mourinho-en", "José Mourinho signs", "Chelsea manager José Mourinho signed on."),
    Article("runner-en", "Ethiopian runner wins in Boston", "The Ethiopian won by a second."),
    Article(
        "shintaro-en", "Abe visits Washington", "Former foreign minister Shintaro Abe met Reagan."
    ),
    Article(
        "lee-only",
        "Lee scores twice",
        "Lee scored twice as Lee's side won; Lee was man of the match.",
    ),
]


@pytest.fixture(scope="module")
def names_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.mktemp("names"), ARTICLES)


@pytest.fixture
def archive(names_index: Path) -> Iterator[Archive]:
    with opened(names_index) as archive:
        yield archive


def ids(archive: Archive, q: str) -> set[str]:
    return {h.id for h in search(archive, SearchRequest(q=q, limit=50)).hits}


def why(archive: Archive, q: str, id: str) -> list[str]:
    hits = search(archive, SearchRequest(q=q, limit=50)).hits
    return next([str(e) for e in h.explanation] for h in hits if h.id == id)


def test_regional_forms_share_their_english_name() -> None:
    table = name_table(None, None)
    assert "默克尔" in table.regional_forms(han_key("梅克爾"), table.english_for(han_key("梅克爾")))
    assert "川普" in table.chinese_for(english_key("Trump"))
    assert "特朗普" in table.chinese_for(english_key("Trump"))
    assert "吴敦义" in table.chinese_for(english_key("Wu Den-yih"))
    assert "欧洲央行" in table.chinese_for(english_key("ECB"))
    assert "Hon Hai" in table.english_for(han_key("鴻海"))


def test_a_transliteration_with_or_without_its_interpunct_is_one_name() -> None:
    table = name_table(None, None)
    assert han_key("比爾·蓋茲") == han_key("比爾蓋茲") == "比尔盖兹"
    # Every dot the analyzer drops: the middle dot, the katakana one, Taiwan's hyphenation
    # point and the bullet.
    assert {han_key(f"比爾{dot}蓋茲") for dot in "·・‧•"} == {"比尔盖兹"}
    assert table.english_for(han_key("比爾蓋茲")) == ["Bill Gates"]
    assert "比尔盖茨" in table.regional_forms("比尔盖兹", ["Bill Gates"])


def test_pairs_mined_from_articles_leave_titles_out() -> None:
    article = Article(
        "x",
        "t",
        "Vice President Wu Den-yih (吳敦義) met Prime Minister Shinzo Abe (安倍晉三); "
        "the President (總統) spoke.",
    )
    assert mine_names(article) == [("Wu Den-yih", "吴敦义"), ("Shinzo Abe", "安倍晋三")]


def test_opencc_hong_kong_phrases_are_regional_variants_too() -> None:
    assert "滑鼠" in dict(regional_variants("鼠标")).values()


@pytest.mark.parametrize(
    ("q", "wanted"),
    [
        ("梅克爾", {"merkel-hans", "merkel-hant", "merkel-en"}),
        ("默克尔", {"merkel-hans", "merkel-hant", "merkel-en"}),
        ("Merkel", {"merkel-hans", "merkel-hant", "merkel-en"}),
        ("川普", {"trump-hans", "trump-hant"}),
        ("特朗普", {"trump-hans", "trump-hant"}),
        ("Trump", {"trump-hans", "trump-hant"}),
        ("悉尼", {"sydney-hant", "sydney-en"}),
        ("ECB", {"ecb-hans", "ecb-en"}),
        ("欧洲央行", {"ecb-hans", "ecb-en"}),
        ("Hon Hai", {"honhai-hant", "foxconn-en"}),
        ("鸿海", {"honhai-hant", "foxconn-en"}),
        ("Wu Den-yih", {"wu-hant"}),
    ],
)
def test_each_form_reaches_every_region(archive: Archive, q: str, wanted: set[str]) -> None:
    assert wanted <= ids(archive, q)


def test_each_expansion_is_explained_on_the_hit(archive: Archive) -> None:
    assert "matched 默克尔 for 梅克爾" in why(archive, "梅克爾", "merkel-hans")
    assert "matched 川普 for 特朗普" in why(archive, "特朗普", "trump-hant")
    assert "matched 吳敦義 for Wu Den-yih" in why(archive, "Wu Den-yih", "wu-hant")


def test_a_form_written_without_its_interpunct_is_found_as_the_word_it_is(
    archive: Archive,
) -> None:
    # The table writes 比尔·盖茨; this article writes 比尔盖茨, which the segmenter keeps
    # whole. It is found as that word (not only by its characters, weighted far lower)
    # and explained as written.
    hits = search(archive, SearchRequest(q="比爾蓋茲", limit=50)).hits
    assert [h.id for h in hits][:1] == ["gates-hans"]
    assert hits[0].score > 1.0
    assert "matched 比尔盖茨 for 比爾蓋茲" in [str(e) for e in hits[0].explanation]


@pytest.mark.parametrize(
    ("q", "wanted"),
    [
        # Federer's stem is federal's, and Cannes's is the ticker Cann's: the English name is
        # searched as articles write it, capitalised and unstemmed.
        ("費德勒", {"federer-en", "roger-en"}),
        ("坎城", {"cannes-en"}),
        # The same when the reader types the name in English, capitalised.
        ("Federer", {"federer-en", "roger-en"}),
        ("Cannes", {"cannes-en"}),
        # Typed in lower case, a word is searched by its stem, as any word.
        ("federer", {"federer-en", "roger-en", "federal-en"}),
    ],
)
def test_an_english_name_is_not_every_word_sharing_its_stem(
    archive: Archive, q: str, wanted: set[str]
) -> None:
    assert ids(archive, q) == wanted


def test_a_capitalised_word_that_is_no_known_name_is_every_inflection_of_it(tmp_path: Path) -> None:
    index = build_index(
        tmp_path,
        [
            Article("vote-1", "Elections in Taiwan", "Elections were held on Saturday."),
            Article("vote-2", "Taiwan votes", "The election was held on Saturday."),
            Article("jobs-1", "Factory jobs", "Jobs were created; the job market grew."),
            Article("lock-1", "Lockdowns extended", "Lockdowns were extended in cities."),
            Article("lock-2", "Shops reopen", "The lockdown ended on Monday."),
        ],
    )
    with opened(index) as archive:
        # "Elections" and "Jobs" begin sentences: common words, whatever their capital.
        assert ids(archive, "Elections") == {"vote-1", "vote-2"}
        assert ids(archive, "Jobs") == {"jobs-1"}
        # A capitalised word no table knows as a name is searched by its stem too, also
        # beside a name that has other forms (Europe, 欧洲).
        assert {"lock-1", "lock-2"} <= ids(archive, "Lockdowns in Europe")
        hits = search(archive, SearchRequest(q="Elections")).hits
        assert all(h.matched for h in hits)  # each marks the word it holds


def test_a_full_name_the_table_lacks_is_found_by_its_known_family_name(
    archive: Archive,
) -> None:
    # The table knows Modi (莫迪), not "Narendra Modi": typed in full, it is one name that
    # Chinese news writes 莫迪, so a story with 莫迪 in its headline ranks first.
    hits = search(archive, SearchRequest(q="Narendra Modi", limit=50)).hits
    found = [h.id for h in hits]
    assert found[0] == "modi-title-hans"
    assert found.index("modi-cut-title-hans") < found.index("modi-body-hans")
    assert "matched 莫迪 for Narendra Modi" in [str(e) for e in hits[0].explanation]


def test_a_headline_holding_a_word_the_segmenter_cut_apart_still_ranks_first(
    archive: Archive,
) -> None:
    # jieba cuts the second headline 莫/迪/互: it holds 莫迪 by its characters only, and
    # still ranks above an article that repeats 莫迪 in its body under another headline.
    found = [h.id for h in search(archive, SearchRequest(q="莫迪", limit=50)).hits]
    assert found.index("modi-cut-title-hans") < found.index("modi-body-hans")


def test_an_article_holding_every_word_in_another_language_ranks_above_one_repeating_one(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The English article holds both names, as Merkel and Trump; the Chinese one repeats
    # 川普 alone. Holding every word counts the same in any language's form.
    def order() -> list[str]:
        return [h.id for h in search(archive, SearchRequest(q="梅克爾 川普", limit=50)).hits]

    assert order().index("leaders-en") < order().index("trump-only-hant")
    monkeypatch.setattr(rank, "_full_weight", lambda q: q)  # forms weighed as they match
    assert order().index("leaders-en") > order().index("trump-only-hant")


def test_a_name_of_several_words_is_one_thing(archive: Archive) -> None:
    # Not any article that says "Lee", however often.
    found = [h.id for h in search(archive, SearchRequest(q="Lee Teng-hui")).hits]
    assert found == ["lee-hant"]
    assert "lee-only" in ids(archive, "Lee")


def test_a_name_written_given_name_first_finds_its_chinese_form(archive: Archive) -> None:
    # 安倍晋三 is "Abe Shinzo" in the dictionary: "Shinzo Abe" is the same name, and not
    # every article that says "Abe".
    assert ids(archive, "Shinzo Abe") == {"abe-hans"}
    assert why(archive, "Shinzo Abe", "abe-hans") == ["matched 安倍 for Shinzo Abe"]
    assert "shintaro-en" in ids(archive, "Abe")


def test_a_taiwanese_transliteration_reaches_the_mainland_and_english_forms(
    archive: Archive,
) -> None:
    assert ids(archive, "杜特蒂") == {"duterte-hans", "duterte-en"}
    assert ids(archive, "杜特尔特") == {"duterte-hans", "duterte-en"}


def test_a_name_typed_without_its_accents_finds_it_highlighted_as_written(
    archive: Archive,
) -> None:
    for q in ("Jose Mourinho", "José Mourinho", "摩連奴"):
        hits = search(archive, SearchRequest(q=q)).hits
        assert [h.id for h in hits] == ["mourinho-en"], q
    (hit,) = search(archive, SearchRequest(q="Jose Mourinho")).hits
    assert hit.to_dict()["matched"] == ["José", "Mourinho"]


def test_a_country_in_chinese_finds_its_english_adjective(archive: Archive) -> None:
    # No form of "Ethiopia" matches "Ethiopian" once stemmed.
    assert ids(archive, "衣索比亞") == {"runner-en"}
    assert why(archive, "埃塞俄比亚", "runner-en") == ["matched Ethiopian for 埃塞俄比亚"]
    assert demonyms("Ethiopia") == ("Ethiopian",)
    assert demonyms("China") == () and demonyms("Jack Ma") == ()


def test_a_common_word_in_lower_case_is_not_a_name(archive: Archive) -> None:
    assert "central-hant" not in ids(archive, "central bank")
    assert "central-hant" not in ids(archive, "Central Bank")  # a title-cased phrase
    assert "central-hant" in ids(archive, "Central")  # written as a name


def test_function_words_are_neither_expanded_nor_highlighted(archive: Archive) -> None:
    hit = next(h for h in search(archive, SearchRequest(q="the central bank")).hits)
    assert hit.id == "rates-en"
    marked = {m.lower() for m in hit.title_marked.matched + hit.snippet.matched}
    assert marked == {"central", "bank"}
    phrase = search(archive, SearchRequest(q='"the central bank"')).hits[0]
    assert phrase.title_marked.matched == ["The central bank"]  # inside a phrase it is


def run(runner: CliRunner, index: Path, *args: str) -> object:
    return runner.invoke(cli, ["--config", str(ROOT / "config.toml"), "--index", str(index), *args])


def api_search(index: Path) -> Callable[[str], list[dict[str, Any]]]:
    """The hits the JSON API of a web app on the index gives a query."""
    client = create_app(make_settings(index)).test_client()
    return lambda q: client.get("/api/search", query_string={"q": q}).get_json()["hits"]


def test_cli_regional_name(runner: CliRunner, names_index: Path) -> None:
    result = run(runner, names_index, "search", "梅克爾", "--json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    hits = json.loads(result.output)["hits"]  # type: ignore[attr-defined]
    assert {"merkel-hans", "merkel-hant", "merkel-en"} <= {h["id"] for h in hits}
    why = {h["id"]: h["why"] for h in hits}
    assert "matched 默克尔 for 梅克爾" in [w["text"] for w in why["merkel-hans"]]


def test_api_common_word_and_regional_name(names_index: Path) -> None:
    hits = api_search(names_index)
    assert "central-hant" not in {h["id"] for h in hits("central bank")}
    assert {"trump-hans", "trump-hant"} <= {h["id"] for h in hits("川普")}


# Written for these tests: a surname that is also a common English word.
SURNAMES = [
    Article("jobs-apple", "Apple shows a new Mac", "Steve Jobs showed the Mac; Jobs smiled."),
    Article("jobs-ipod", "Steve Jobs on the iPod", "Apple's Steve Jobs talked about music."),
    zh("jobs-zh", "乔布斯发布新产品", "苹果公司乔布斯今天发布新产品。"),
    *(
        Article(f"jobs-{i}", f"Factory adds {i}00 jobs", f"The plant will create {i}00 new jobs.")
        for i in range(1, 5)
    ),
    Article("bush-full", "George Bush visits Texas", "President George Bush spoke in Texas."),
    Article("bush-w", "George W. Bush in Berlin", "George W. Bush met leaders in Berlin."),
    Article("bush-bare", "Bush signs the budget", "President Bush signed the budget."),
]


@pytest.fixture(scope="module")
def surnames_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.mktemp("surnames"), SURNAMES)


def test_a_surname_the_archive_mostly_holds_as_a_common_word_is_not_searched_alone(
    surnames_index: Path,
) -> None:
    with opened(surnames_index) as archive:
        # 賈伯斯 (Taiwan) is Steve Jobs and 乔布斯 (mainland), not articles about jobs.
        assert ids(archive, "賈伯斯") == {"jobs-apple", "jobs-ipod", "jobs-zh"}
        assert ids(archive, "乔布斯") == {"jobs-apple", "jobs-ipod", "jobs-zh"}
        # Most articles holding "Bush" name George Bush: the surname alone is his too.
        assert ids(archive, "布什") == {"bush-full", "bush-w", "bush-bare"}


# Written for these tests: a story told in English, and a Chinese brief that names the
# same country once, in a form the segmenter cuts into three pieces (津/巴布/韦).
PIECES = [
    Article(
        "zimbabwe-en",
        "Zimbabwe central bank holds its currency",
        "Zimbabwe's central bank said Zimbabwe would not devalue. Zimbabwe exports tobacco.",
    ),
    zh(
        "africa-zh",
        "非洲多国召开会议",
        "非洲多国代表今天在会上讨论农业合作，与会者来自肯尼亚、津巴布韦和赞比亚，"
        "会议还讨论了道路、港口和电力建设。",
    ),
    *(Article(f"other-en-{i}", f"Market report {i}", "Shares rose in London.") for i in range(4)),
    *(zh(f"other-zh-{i}", f"市场报告{i}", "今天股市上涨，交易活跃。") for i in range(4)),
]


@pytest.fixture(scope="module")
def pieces_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_index(tmp_path_factory.mktemp("pieces"), PIECES)


def test_a_form_cut_into_pieces_counts_as_one_word_not_one_per_piece(pieces_index: Path) -> None:
    with opened(pieces_index) as archive:
        # 辛巴威 (Taiwan) is Zimbabwe and 津巴布韦 (mainland): the story about Zimbabwe
        # comes before the brief that names it once, whatever the segmenter made of the
        # mainland form.
        found = [h.id for h in search(archive, SearchRequest(q="辛巴威")).hits]
        assert found == ["zimbabwe-en", "africa-zh"]


# Written for these tests: an English story naming Tencent with its Chinese name, and
# Chinese briefs each holding one word of the query.
COMPOUNDS = [
    Article(
        "tencent-en",
        "Tech firms head to the mountains",
        "Tencent (騰訊) is building data centers in Guizhou, where power is cheap.",
    ),
    zh("tencent-zh", "腾讯发布新游戏", "腾讯今天发布新游戏。"),
    zh("guizhou-zh", "贵州旅游复苏", "贵州乡村旅游逐步复苏。"),
    *(zh(f"market-zh-{i}", f"市场报告{i}", "今天股市上涨，交易活跃。") for i in range(3)),
]


def test_a_compound_no_table_holds_is_translated_by_its_parts(
    tmp_path: Path, runner: CliRunner
) -> None:
    index = build_index(tmp_path, COMPOUNDS)
    # 数据中心 is in no table, but 数据 (data) and 中心 (center) are: beside a name that
    # crosses languages (腾讯 → Tencent), it is looked for as "data center" too, and the
    # English story holding every word ranks first.
    first = api_search(index)("腾讯 贵州 数据中心")[0]
    assert first["id"] == "tencent-en"
    assert "matched data centers for 数据中心" in [w["text"] for w in first["why"]]
    result = run(runner, index, "search", "腾讯 贵州 数据中心")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "(matched data centers for 数据中心" in result.output  # type: ignore[attr-defined]


# Written for these tests: a company no name table holds, in English only.
SOUNDS = [
    Article("yukos-1", "Yukos shares fall", "Shares in the oil firm Yukos fell on Monday."),
    Article("yukos-2", "Court rules on Yukos", "A court ruled that Yukos must pay its taxes."),
    Article("oil-en", "Oil prices rise", "Oil prices rose as the company said output fell."),
    zh("oil-zh", "油价上涨", "国际油价周一上涨。"),
]


def test_a_foreign_name_no_table_holds_is_found_by_its_sound(
    tmp_path: Path, runner: CliRunner
) -> None:
    index = build_index(tmp_path, SOUNDS)
    hits = api_search(index)
    found = hits("尤科斯")
    assert {h["id"] for h in found} == {"yukos-1", "yukos-2"}
    assert "matched Yukos for 尤科斯" in [w["text"] for w in found[0]["why"]]
    result = run(runner, index, "search", "尤科斯")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "(matched Yukos for 尤科斯)" in result.output  # type: ignore[attr-defined]
    # A common word, and a Chinese name, are no transliteration: nothing is guessed.
    for q in ("油价", "王小明"):
        assert not any(h["why"] for h in hits(q)), q


# Written for these tests: the same company in Chinese only, and a story about oil.
SOUNDS_ZH = [
    zh("yukos-zh-1", "尤科斯股价下跌", "石油公司尤科斯股价周一下跌。"),
    zh("yukos-zh-2", "法院裁定尤科斯补税", "法院裁定尤科斯须补缴税款。"),
    zh("oil-zh", "油价上涨", "国际油价周一上涨。"),
    Article("oil-en", "Oil prices rise", "Oil prices rose on Monday."),
]


def test_an_english_name_no_table_holds_finds_its_chinese_form_by_sound(tmp_path: Path) -> None:
    index = build_index(tmp_path, SOUNDS_ZH)
    hits = api_search(index)
    found = hits("Yukos")
    assert {h["id"] for h in found} == {"yukos-zh-1", "yukos-zh-2"}
    assert "matched 尤科斯 for Yukos" in [w["text"] for w in found[0]["why"]]
    # Typed in lower case, a word is a name only when a table says so.
    assert hits("yukos") == []


def test_cli_and_api_search_a_typed_name_as_written(runner: CliRunner, names_index: Path) -> None:
    result = run(runner, names_index, "search", "Federer", "--json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    found = {h["id"] for h in json.loads(result.output)["hits"]}  # type: ignore[attr-defined]
    assert found == {"federer-en", "roger-en"}  # not "Federal budget passed"
    found = {h["id"] for h in api_search(names_index)("Cannes film")}
    assert "canon-en" not in found  # not Canon's ticker Cann.T
