"""The analyzer, token by token: folding, offsets into the original text, positions."""

from __future__ import annotations

import pickle

import pytest

from indexer.analysis.fold import detect_language, fold, to_simplified
from indexer.analysis.tokens import (
    BilingualTokenizer,
    bilingual_analyzer,
    index_tokens,
    name_terms,
    segment,
    terms,
    word_parts,
)


def tokens(text: str) -> list[tuple[str, int, int, int]]:
    """(term, position, start, end) as the index stores them."""
    analyzer = bilingual_analyzer()
    return [
        (t.text, t.pos, t.startchar, t.endchar) for t in analyzer(text, positions=True, chars=True)
    ]


def test_traditional_name_is_folded_before_segmenting() -> None:
    # jieba alone cuts 馬雲 into 馬/雲; folded first it is one word, the same as 马云.
    assert terms("馬雲") == ["马云"] == terms("马云")
    assert terms("騰訊") == ["腾讯"] == terms("腾讯")


def test_offsets_point_into_the_original_script() -> None:
    text = "Alibaba chairman Jack Ma (馬雲) said"
    toks = tokens(text)
    assert [(t[0], t[1]) for t in toks] == [
        ("alibaba", 0),
        ("chairman", 1),
        ("jack", 2),
        ("ma", 3),
        ("马云", 4),
        ("said", 5),
    ]
    term, _, start, end = toks[4]
    assert text[start:end] == "馬雲"


def test_positions_count_tokens_not_characters() -> None:
    positions = [t[1] for t in tokens("臺灣颱風警報發布，氣象局提醒民眾")]
    assert positions == list(range(len(positions)))


def test_width_folding_keeps_offsets() -> None:
    text = "型號ＡＢＣ１２３上市"
    toks = tokens(text)
    abc = next(t for t in toks if t[0] == "abc123")
    assert text[abc[2] : abc[3]] == "ＡＢＣ１２３"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Investors were running", ["investor", "were", "run"]),
        ("Article 5 of the U.S. law", ["articl", "5", "of", "the", "u", "s", "law"]),
        ("2019年9月", ["2019", "年", "9", "月"]),
        ("iPhone手机", ["iphon", "手机"]),
    ],
    ids=["english stemmed", "single letters and numbers kept", "digits in Chinese", "mixed run"],
)
def test_terms(text: str, expected: list[str]) -> None:
    assert terms(text) == expected


def test_chinese_words_are_never_stemmed() -> None:
    assert terms("蘋果公司 apples 1987") == ["苹果", "公司", "appl", "1987"]


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("数据中心", ("数据", "中心")),
        ("大数据", ("大", "数据")),
        ("中华人民共和国", ("中华", "人民", "共和", "国")),
        ("马云", ("马云",)),
        ("马化腾", ("马化腾",)),  # a name in the dictionary is never split
    ],
)
def test_words_are_indexed_at_their_finest_grain(word: str, parts: tuple[str, ...]) -> None:
    assert word_parts(word) == parts


def test_context_cuts_converge_on_the_same_parts() -> None:
    # jieba cuts the same characters differently by context; the parts line up.
    assert terms("建设大数据中心") == ["建设", "大", "数据", "中心"]
    assert terms("大数据") + terms("中心") == ["大", "数据", "中心"]


def test_combining_marks_fold_with_their_base() -> None:
    text = "e\u0301tude"  # é written as e + combining acute
    ((term, _, start, end),) = tokens(text)
    assert term == "etud" and (start, end) == (0, len(text))  # as "étude" and "etude"


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("José Mourinho", "Jose Mourinho"),
        ("Schröder", "Schroder"),
        ("Lech Wałęsa", "Lech Walesa"),
        ("Zinédine Zidane", "Zinedine Zidane"),
        ("Straße", "Strasse"),
        ("Ærø", "Aero"),
    ],
)
def test_latin_letters_are_terms_without_their_accents(written: str, plain: str) -> None:
    assert terms(written) == terms(plain)
    assert [t[0] for t in index_tokens(written)] == [t[0] for t in index_tokens(plain)]


def test_a_capitalised_word_is_also_indexed_unstemmed_in_the_same_place() -> None:
    # Federer's stem is federal's, Cannes's a ticker's (Cann.T): a name is found by the
    # word as written, and not in every article that holds the stem.
    found = index_tokens("Federer beat the federal champion in Cannes")
    assert ("feder", 0, 0, 7) in found and ("federer", 0, 0, 7) in found
    assert [t for t in found if t[1] == 3] == [("feder", 3, 17, 24)]  # lower case: stem only
    assert ("cann", 6, 37, 43) in found and ("cannes", 6, 37, 43) in found
    assert [t for t in found if t[1] == 1] == [("beat", 1, 8, 12)]  # stem is the word
    # Searching is unchanged: a query word is its stem, whatever its case.
    assert terms("Federer Cannes") == ["feder", "cann"]
    assert name_terms("Roger Federer") == ("roger", "federer")
    assert name_terms("Angela Merkel") == ("angela", "merkel")
    assert name_terms("José Mourinho") == ("jose", "mourinho")


def test_other_scripts_keep_their_letters() -> None:
    assert terms("Москва Αθήνα") == ["москва", "αθήνα"]


def test_fold_map_is_none_when_nothing_moves() -> None:
    assert fold("plain text 中文") == ("plain text 中文", None)
    folded, origin = fold("ＡＢ")
    assert folded == "AB" and origin is None  # same length, same places


def test_to_simplified_keeps_length() -> None:
    for text in ("臺灣颱風警報", "乾淨的電動車", "後來著名"):
        assert len(to_simplified(text)) == len(text)


def test_segment_reports_han_runs() -> None:
    assert [(w, han) for w, _, _, han in segment("Tencent 腾讯")] == [
        ("Tencent", False),
        ("腾讯", True),
    ]


def test_analyzer_survives_pickling() -> None:
    # Whoosh pickles the schema, analyzer included, into the index.
    analyzer = bilingual_analyzer()
    clone = pickle.loads(pickle.dumps(analyzer))
    assert [t.text for t in clone("馬雲")] == ["马云"]
    assert clone == analyzer


def test_unknown_segmenter_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown segmenter"):
        BilingualTokenizer("nonesuch")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The central bank held rates.", ("en", None)),
        ("Jack Ma (馬雲) spoke to investors in Guiyang on Monday.", ("en", None)),
        ("臺灣颱風警報，氣象局提醒民眾注意", ("zh", "hant")),
        ("台湾台风警报，气象局提醒民众注意", ("zh", "hans")),
    ],
)
def test_detect_language(text: str, expected: tuple[str, str | None]) -> None:
    assert detect_language(text) == expected


def _sample_texts() -> list[str]:
    from indexer.ingest.parse import read_inputs
    from tests.helpers import SAMPLE_CORPUS

    return [a.title + "\n" + a.body for a in read_inputs([SAMPLE_CORPUS]) if hasattr(a, "body")]


def test_rjieba_gives_jiebas_tokens_on_the_sample_corpus() -> None:
    # jieba is the reference; rjieba (jieba-rs) may stand in only if it cuts identically.
    for text in _sample_texts():
        assert list(segment(text, "rjieba")) == list(segment(text, "jieba"))


def test_analyzer_records_its_segmenter() -> None:
    assert bilingual_analyzer("rjieba") != bilingual_analyzer("jieba")
    assert terms("馬雲在騰訊", "rjieba") == terms("馬雲在騰訊", "jieba") == ["马云", "在", "腾讯"]


@pytest.mark.corpus
def test_rjieba_gives_jiebas_tokens_on_real_news(shared_corpus: object) -> None:
    import itertools
    import json
    from pathlib import Path

    folder = Path(str(shared_corpus)) / "jsonl"
    checked = 0
    for name in ("chinanews_2020", "sohu_2016", "inews_bdci2019", "appledaily_tw"):
        with (folder / f"{name}.jsonl").open(encoding="utf-8") as fh:
            for line in itertools.islice(fh, 300):
                body = json.loads(line)["body"] or ""
                assert list(segment(body, "rjieba")) == list(segment(body, "jieba"))
                checked += 1
    assert checked == 1200


@pytest.mark.parametrize(
    "text",
    [
        "Alibaba chairman Jack Ma (馬雲) 在貴陽建設大數據中心 ＡＢＣ１２３",
        "Running runners ran; the U.S. economy's 3.5% growth — iPhone手机 HDR-XR520E",
        "騰訊控股有限公司 Tencent Holdings Ltd 騰訊 騰訊",
        "",
        "   ",
    ],
)
def test_index_tokens_are_the_analyzers_tokens(text: str) -> None:
    from indexer.analysis.tokens import index_tokens
    from indexer.engine.writer import postings
    from indexer.store.schema import build_schema

    expected = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in bilingual_analyzer()(text, positions=True, chars=True, mode="index")
    ]
    assert index_tokens(text) == expected
    schema = build_schema("jieba")
    for name in ("title", "body", "author", "source"):  # characters, and positions only
        assert postings(schema[name], text, index_tokens(text)) == postings(schema[name], text)
