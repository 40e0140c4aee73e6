"""Every encoding archives hold decodes to the right text; what cannot be decoded is reported."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from indexer.ingest.article import Article, ItemError
from indexer.ingest.encoding import declared_charset, decode, normalise
from indexer.ingest.parse import read_inputs

SIMPLIFIED = "朱镕基在记者会上回答提问，强调经济改革必须继续推进。"
TRADITIONAL = "臺北市宣布停班停課，颱風預計今晚登陸，請民眾注意安全。"
# 𠀀 (U+20000) and 䶮 (U+4DAE) exist in GB18030 but not in GBK.
BEYOND_GBK = "粤语人名用字䶮与扩展字𠀀都要保留，其余文字照常显示。"


def page(text: str, head: str = "") -> str:
    return (
        f"<html><head>{head}<title>Test page</title></head>"
        f"<body><div class='content'><p>{text}</p><p>{text}</p></div></body></html>"
    )


def read_one(path: Path) -> Article | ItemError:
    (item,) = list(read_inputs([path]))
    return item


@pytest.mark.parametrize(
    ("description", "text", "head", "codec", "bom"),
    [
        ("UTF-8, declared", SIMPLIFIED, '<meta charset="utf-8">', "utf-8", b""),
        ("UTF-8, undeclared", SIMPLIFIED, "", "utf-8", b""),
        (
            "UTF-8 with BOM, declared wrongly",
            SIMPLIFIED,
            '<meta charset="gbk">',
            "utf-8",
            codecs.BOM_UTF8,
        ),
        ("UTF-16 with BOM", TRADITIONAL, "", "utf-16-le", codecs.BOM_UTF16_LE),
        ("GBK, declared", SIMPLIFIED, '<meta charset="gbk">', "gbk", b""),
        ("GBK declared as GB2312", SIMPLIFIED + "镕", '<meta charset="gb2312">', "gbk", b""),
        ("GB18030 beyond GBK, declared GBK", BEYOND_GBK, '<meta charset="GBK">', "gb18030", b""),
        ("GB18030, undeclared", BEYOND_GBK * 3, "", "gb18030", b""),
        ("Big5, declared", TRADITIONAL, '<meta charset="big5">', "big5", b""),
        (
            "Big5 via http-equiv",
            TRADITIONAL,
            '<meta http-equiv="Content-Type" content="text/html; charset=big5">',
            "big5",
            b"",
        ),
        (
            "GBK via http-equiv",
            SIMPLIFIED,
            "<meta http-equiv='content-type' content='text/html;charset=GBK'>",
            "gbk",
            b"",
        ),
        ("GBK, undeclared", SIMPLIFIED * 4, "", "gbk", b""),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else "",
)
def test_pages_decode_to_their_text(
    tmp_path: Path, description: str, text: str, head: str, codec: str, bom: bytes
) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(bom + page(text, head).encode(codec))
    item = read_one(path)
    assert isinstance(item, Article), item
    assert text[:20] in item.body, description


def test_plain_text_in_big5_and_gbk(tmp_path: Path) -> None:
    (tmp_path / "big5.txt").write_bytes(("颱風消息\n\n" + TRADITIONAL * 3).encode("big5"))
    (tmp_path / "gbk.txt").write_bytes(("改革消息\n\n" + SIMPLIFIED * 3).encode("gbk"))
    items = {Path(i.location).name: i for i in read_inputs([tmp_path])}
    assert isinstance(items["big5.txt"], Article) and TRADITIONAL in items["big5.txt"].body
    assert isinstance(items["gbk.txt"], Article) and SIMPLIFIED in items["gbk.txt"].body


def test_undecodable_page_is_reported_never_indexed(tmp_path: Path) -> None:
    rng = random.Random(7)
    noise = bytes(rng.randrange(0x80, 0x100) for _ in range(4000))
    path = tmp_path / "noise.html"
    path.write_bytes(
        b"<html><head><title>x</title></head><body><p>" + noise + b"</p></body></html>"
    )
    item = read_one(path)
    assert isinstance(item, ItemError)
    assert item.reason.startswith("cannot decode page")


def test_declared_charsets_are_widened() -> None:
    assert normalise("GB2312") == normalise("gbk") == "gb18030"
    assert normalise("big5") == "big5hkscs"
    assert normalise("no-such-charset") is None
    assert (
        declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
        == "gb2312"
    )
    assert declared_charset(b"<meta charset='Big5'>") == "big5"


def test_decode_refuses_rather_than_guessing_garbage() -> None:
    rng = random.Random(3)
    with pytest.raises(UnicodeError):
        decode(bytes(rng.randrange(0x80, 0x100) for _ in range(4000)))
