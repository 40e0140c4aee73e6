"""The name table: CC-CEDICT names, names mined from articles, the archivist's aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.analysis.cedict_build import gloss_names, gloss_term
from indexer.analysis.names import (
    CEDICT_KEYS,
    CEDICT_TABLE,
    TERMS_KEYS,
    TERMS_TABLE,
    NameMiner,
    NameTable,
    Terms,
    cedict_layer,
    cedict_terms,
    english_key,
    mine_names,
    name_table,
    read_aliases,
    read_mined,
    regional_variants,
)
from indexer.errors import ConfigError
from indexer.ingest.article import Article
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def cedict() -> NameTable:
    return NameTable([cedict_layer()])


@pytest.mark.parametrize("table", [CEDICT_TABLE, TERMS_TABLE])
def test_shipped_table_keeps_cc_cedict_attribution_and_licence(table: Path) -> None:
    head = table.read_text(encoding="utf-8")[:1500]
    assert "CC-CEDICT" in head and "MDBG" in head
    assert "Creative Commons Attribution-ShareAlike 4.0" in head


@pytest.mark.parametrize(
    ("glosses", "term"),
    [
        (["big data (computing)"], "big data"),
        (["coal mine", "coal seam"], "coal mine"),
        (["to delay", "to extend", "to postpone"], "delay"),
        (["CL:個|个[ge4]", "an exit"], "exit"),
        (["to suffer a paralyzing stroke"], None),  # not a term: no translation
        (["variant of 煤礦|煤矿[mei2 kuang4]"], None),
    ],
)
def test_a_common_word_is_translated_by_its_first_sense(
    glosses: list[str], term: str | None
) -> None:
    assert gloss_term(glosses) == term


@pytest.mark.parametrize(
    "glosses",
    [
        ["UK (slang term reflecting a perception of UK as decadent)"],
        ["(derog.) Korean"],
    ],
)
def test_slang_and_slurs_are_not_names(glosses: list[str]) -> None:
    assert gloss_names(glosses) == []
    assert gloss_term(glosses) is None


@pytest.mark.parametrize(
    ("english", "chinese"), [("UK", "英国"), ("Britain", "英国"), ("WHO", "世界卫生组织")]
)
def test_shipped_aliases_give_the_names_news_uses(english: str, chinese: str) -> None:
    aliases = read_aliases(ROOT / "aliases.toml")
    table = NameTable([cedict_layer()], aliases)
    assert chinese in table.chinese_for(english_key(english))


def test_terms_translate_both_ways_only_when_unambiguous() -> None:
    terms = Terms()
    terms.add_rows(
        [("大数据", "大數據", "big data"), ("口罩", "口罩", "mask"), ("面具", "面具", "mask")]
    )
    table = NameTable([], terms=terms)
    assert table.term_english("大数据") == ["big data"]
    assert table.term_chinese(english_key("big data")) == ["大数据"]
    assert table.term_english("口罩") == ["mask"]
    assert table.term_chinese(english_key("mask")) == []  # 口罩 or 面具: left alone


def test_a_compound_the_terms_lack_is_translated_by_its_parts() -> None:
    terms = Terms()
    terms.add_rows(
        [("数据", "數據", "data"), ("中心", "中心", "center"), ("说明", "說明", "explain it to me")]
    )
    table = NameTable([], terms=terms)
    assert table.term_english("数据中心", ("数据", "中心")) == ["data center"]
    assert table.term_english("数据中心") == []  # no cut given: nothing to go by
    assert table.term_english("数据中心站", ("数据", "中心", "站")) == []  # 站: one character
    assert table.term_english("数据说明", ("数据", "说明")) == []  # a part's gloss is a sentence
    assert table.term_english("数据港", ("数据", "港")) == []
    assert table.term_english("数据中心", ("数据", "中")) == []  # parts that are not the word


def test_shipped_terms_table() -> None:
    terms = cedict_terms()
    assert terms.to_english["大数据"] == "big data"
    assert terms.to_english["煤矿"] == "coal mine"


def test_aliases_win_over_term_translation(tmp_path: Path) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text('[names]\n"Big Data" = ["大数据"]\n', encoding="utf-8")
    table = NameTable([], read_aliases(path), cedict_terms())
    assert table.term_english("大数据") == []  # a name now: the aliases say what it means
    assert table.term_chinese(english_key("big data")) == []


@pytest.mark.parametrize(
    ("glosses", "names"),
    [
        (["Ma Yun (1964-), aka Jack Ma, Chinese billionaire businessman"], ["Ma Yun", "Jack Ma"]),
        (
            ["Tencent Holdings Limited (developers of the QQ platform)"],
            ["Tencent Holdings Limited", "Tencent"],
        ),
        (["Weixin or WeChat (mobile messaging service)"], ["Weixin", "WeChat"]),
        (["Shanghai municipality, central east China"], ["Shanghai"]),
        (["China, Japan and Korea"], []),  # a list of names is not a name
        (["surname Ma"], []),
        (["Christian denomination"], []),
    ],
)
def test_english_names_come_from_glosses(glosses: list[str], names: list[str]) -> None:
    assert [n for n, _ in gloss_names(glosses)] == names


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Jack Ma", "马云"),
        ("Tencent", "腾讯"),
        ("Huawei", "华为"),
        ("Shanghai", "上海"),
        ("Japan", "日本"),
    ],
)
def test_english_name_to_chinese(cedict: NameTable, english: str, chinese: str) -> None:
    assert chinese in cedict.chinese_for(english_key(english))


def test_an_east_asian_name_is_found_in_either_order(cedict: NameTable) -> None:
    # CC-CEDICT glosses 安倍晋三 "Abe Shinzo", family name first; English news writes
    # "Shinzo Abe". Chinese news often says 安倍 alone, which the family name stands for.
    assert cedict.chinese_for(english_key("Abe Shinzo")) == ["安倍晋三"]
    assert cedict.chinese_for(english_key("Shinzo Abe")) == ["安倍"]
    # A one-character family name would match anything: 毛 is not 毛泽东.
    assert cedict.chinese_for(english_key("Zedong Mao")) == ["毛泽东"]
    # A Western name's Chinese form has an interpunct: not read the other way round.
    assert cedict.chinese_for(english_key("Gates Bill")) == []


def test_see_cross_references_are_followed(cedict: NameTable) -> None:
    # 騰訊's entry says only "see 騰訊控股有限公司"; the name comes from that entry.
    assert cedict.english_for("腾讯") == ["Tencent"]
    assert set(cedict.english_for("马云")) == {"Ma Yun", "Jack Ma"}


def test_a_common_english_word_has_one_best_chinese_form(cedict: NameTable) -> None:
    assert cedict.chinese_for(english_key("China"))[0] == "中国"
    assert cedict.chinese_for(english_key("Beijing")) == ["北京"]  # 北京市 is found by 北京


@pytest.mark.parametrize(("pinyin", "chinese"), [("mayun", "马云"), ("tengxun", "腾讯")])
def test_pinyin_reaches_the_names_it_spells(cedict: NameTable, pinyin: str, chinese: str) -> None:
    assert chinese in cedict.chinese_for_pinyin(pinyin)


def test_regional_words_both_ways() -> None:
    assert ("软体", "軟體") in regional_variants("软件")
    assert ("软件", "软件") in regional_variants("软体")
    assert regional_variants("马云") == ()


def _article(title: str, body: str, lang: str = "en") -> Article:
    return Article(id="x", title=title, body=body, lang=lang)


def test_mining_english_text_with_chinese_names() -> None:
    pairs = mine_names(
        _article(
            "Tech giants bet on Guizhou",
            "Alibaba chairman Jack Ma (馬雲) spoke; Tencent Holdings Ltd (騰訊) will build there.",
        )
    )
    assert ("Jack Ma", "马云") in pairs  # folded to Simplified
    assert ("Tencent Holdings Ltd", "腾讯") in pairs and ("Tencent", "腾讯") in pairs
    assert not any(e.startswith("Alibaba chairman") for e, _ in pairs)


def test_mining_chinese_text_with_english_names() -> None:
    text = "阿里巴巴（Alibaba）与苹果公司（Apple）合作，上海银行间同业拆放利率（Shibor）走低。"
    pairs = mine_names(_article("电商", text, "zh"))
    assert ("Alibaba", "阿里巴巴") in pairs
    assert ("Apple", "苹果公司") in pairs
    assert not any(e == "Shibor" for e, _ in pairs)  # its last word, 利率, is not its name


def test_miner_appends_to_the_generation_folder(tmp_path: Path) -> None:
    miner = NameMiner(tmp_path)
    miner.add(_article("A", "Jack Ma (馬雲) said."))
    miner.flush()
    miner.add(_article("B", "Jack Ma (马云) said again."))
    miner.flush()
    assert read_mined(tmp_path)[("Jack Ma", "马云")] == 2


def test_aliases_win_over_the_dictionary_and_the_archive(tmp_path: Path) -> None:
    aliases = tmp_path / "aliases.toml"
    aliases.write_text(
        '[names]\n"Jack Ma" = ["馬老師"]\nChina = []\n"罕病" = ["罕见病"]\n', encoding="utf-8"
    )
    table = name_table(None, aliases)
    assert table.chinese_for(english_key("Jack Ma")) == ["马老师"]
    assert table.chinese_for(english_key("China")) == []  # expansion switched off
    assert "罕见病" in table.synonyms("罕病") and "罕病" in table.synonyms("罕见病")
    assert "腾讯" in table.chinese_for(english_key("Tencent"))  # the rest is untouched


def test_a_broken_aliases_file_is_a_clear_error(tmp_path: Path) -> None:
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[names]\n"Jack Ma" = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a list"):
        read_aliases(aliases)


def test_shipped_tables_are_what_the_build_makes_now(tmp_path: Path) -> None:
    """The analysed name table (and the tables it comes from, and the sound model learnt
    from it) must be regenerated when CC-CEDICT, the name rules or the analyzer change:
    `python -m indexer.analysis.cedict_build`."""
    from indexer.analysis.cedict_build import main
    from indexer.analysis.sounds import READINGS_TABLE, SPELLINGS_TABLE

    main(["cedict_build", str(tmp_path)])
    for table in (
        CEDICT_TABLE, CEDICT_KEYS, TERMS_TABLE, TERMS_KEYS, READINGS_TABLE, SPELLINGS_TABLE
    ):  # fmt: skip
        assert (tmp_path / table.name).read_bytes() == table.read_bytes(), table.name


def test_the_analysed_table_gives_the_layer_analysis_gives() -> None:
    from indexer.analysis.names import _Layer, read_table

    analysed = cedict_layer()
    layer = _Layer()
    for simp, trad, pinyin, names in read_table(CEDICT_TABLE):
        layer.add(names, [simp, trad], pinyin)
    assert analysed == layer
    assert analysed.to_chinese[english_key("Jack Ma")] == ["马云"]


def test_the_analysed_term_table_gives_the_words_analysis_gives() -> None:
    analysed = cedict_terms()
    words = Terms()
    with TERMS_TABLE.open(encoding="utf-8") as fh:
        words.add_rows(
            tuple(line.rstrip("\n").split("\t"))  # type: ignore[misc]
            for line in fh
            if not line.startswith("#")
        )
    assert analysed.to_english == words.to_english and analysed.written == words.written
    assert analysed.to_chinese == words.to_chinese
    assert analysed.to_chinese[english_key("big data")] == "大数据"
