"""Duplicates: exact copies and near-copies of a story form one group; search shows it once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer import admin
from indexer.analysis.dedupe import fingerprint, folded_text, similarity, versions
from indexer.config import load_settings
from indexer.errors import ConfigError
from indexer.ingest.article import Article
from indexer.search.core import SearchRequest, search
from indexer.search.related import more_like_this
from indexer.store.archive import Archive
from tests.helpers import ROOT, make_settings

FERRY_HANS = (
    "南河市轮渡公司今天宣布，从下个月起，往返老城码头和新区的夜班渡轮将增加到每半小时一班。"
    "公司负责人说，过去一年夜间乘客人数增长了三成，许多在新区工作的年轻人下班后需要回到老城。"
    "市民对这一消息表示欢迎，但也有人担心码头附近的交通会更加拥挤。"
)
FERRY_HANT = (
    "南河市輪渡公司今天宣佈，從下個月起，往返老城碼頭和新區的夜班渡輪將增加到每半小時一班。"
    "公司負責人說，過去一年夜間乘客人數增長了三成，許多在新區工作的年輕人下班後需要回到老城。"
    "市民對這一消息表示歡迎，但也有人擔心碼頭附近的交通會更加擁擠。"
)
TEA = (
    "西峰县的春茶今年提前一周开采，茶农说三月气温偏高，新芽长得比往年快。"
    "县农业部门预计今年春茶产量将比去年增加一成，价格与去年基本持平。"
)
MUSEUM = (
    "The harbour museum in Northport reopened on Saturday after a two-year renovation that "
    "added a gallery for the town's fishing fleet, a reading room for the maritime archive "
    "and a lift to the upper floors. The director said more than four thousand people came "
    "through the doors on the first day, twice the number the staff had planned for, and "
    "that the archive would open to researchers in the spring once its catalogue is online."
)
# The same story as reprinted elsewhere: a sentence reworded, a credit line added.
MUSEUM_REPRINT = (
    MUSEUM.replace(
        "twice the number the staff had planned for", "about twice what the staff expected"
    )
    + " Reporting by the Northport Courier."
)
RAIL = (
    "Engineers began replacing the rail bridge over the Kell river on Monday, closing the "
    "line between Ashby and Milton for three weeks. Buses will replace trains on the route, "
    "and the operator said journeys would take around twenty minutes longer than usual."
)


def article(ident: str, body: str, title: str = "", **kw: object) -> Article:
    return Article(id=ident, title=title, body=body, **kw)  # type: ignore[arg-type]


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def hits(archive: Archive, q: str, **kw: object) -> list[tuple[str, int]]:
    page = search(archive, SearchRequest(q=q, limit=50, **kw))  # type: ignore[arg-type]
    return [(h.id, h.versions) for h in page.hits]


# --- fingerprints ---------------------------------------------------------------------


def test_traditional_and_simplified_copies_fold_to_the_same_text() -> None:
    assert folded_text("渡轮", FERRY_HANT) == folded_text("渡輪", FERRY_HANS)
    a, b = (
        fingerprint(article("a", FERRY_HANS, "渡轮")),
        fingerprint(article("b", FERRY_HANT, "渡輪")),
    )
    assert a.exact == b.exact and similarity(a.minhash, b.minhash) == 1.0


def test_exact_key_ignores_width_and_whitespace_only() -> None:
    base = fingerprint(article("a", "Ferry  fares rise\nin ２０２４", "Fares"))
    assert fingerprint(article("b", "Ferry fares rise in 2024", "Fares")).exact == base.exact
    assert fingerprint(article("c", "Ferry fares fall in 2024", "Fares")).exact != base.exact


def test_similarity_separates_reprints_from_other_stories() -> None:
    museum = fingerprint(article("m", MUSEUM))
    assert similarity(museum.minhash, fingerprint(article("r", MUSEUM_REPRINT)).minhash) >= 0.7
    assert similarity(museum.minhash, fingerprint(article("x", RAIL)).minhash) < 0.2
    ferry, tea = fingerprint(article("f", FERRY_HANS)), fingerprint(article("t", TEA))
    assert similarity(ferry.minhash, tea.minhash) < 0.2


def test_an_article_without_words_has_no_signature() -> None:
    assert fingerprint(article("a", "…… ——")).minhash == ()


# --- grouping while indexing -----------------------------------------------------------


@pytest.fixture
def stories(tmp_path: Path) -> Path:
    """Two outlets' exports: an exact copy, a Traditional copy, a reprint, unrelated stories."""
    folder = tmp_path / "src"
    write_jsonl(
        folder / "courier.jsonl",
        [
            {
                "id": "courier-ferry",
                "title": "夜班渡轮加密",
                "body": FERRY_HANS,
                "source": "南河日报",
                "url": "https://courier.example.net/ferry",
            },
            {
                "id": "courier-museum",
                "title": "Harbour museum reopens",
                "body": MUSEUM,
                "source": "Northport Courier",
            },
            {
                "id": "courier-rail",
                "title": "Rail bridge works",
                "body": RAIL,
                "source": "Northport Courier",
            },
        ],
    )
    write_jsonl(
        folder / "wire.jsonl",
        [
            {
                "id": "wire-ferry",
                "title": "夜班渡轮加密",
                "body": FERRY_HANS,
                "source": "南河通讯社",
                "url": "https://wire.example.net/ferry",
            },
            {"id": "wire-tea", "title": "春茶提前开采", "body": TEA, "source": "南河通讯社"},
        ],
    )
    write_jsonl(
        folder / "taipei.jsonl",
        [
            {"id": "taipei-ferry", "title": "夜班渡輪加密", "body": FERRY_HANT, "source": "北城報"},
        ],
    )
    write_jsonl(
        folder / "gazette.jsonl",
        [
            {
                "id": "gazette-museum",
                "title": "Harbour museum reopens",
                "body": MUSEUM_REPRINT,
                "source": "Milton Gazette",
            },
        ],
    )
    return folder


def test_copies_are_one_story_in_search(stories: Path, tmp_path: Path) -> None:
    archive = Archive(make_settings(tmp_path / "index"))
    summary = archive.index_paths([stories], workers=0)
    assert summary.indexed == 7
    assert (summary.exact_duplicates, summary.near_duplicates) == (2, 1)
    # One hit for the ferry story (three copies), whichever script the query uses.
    for q in ("夜班渡轮", "夜班渡輪"):
        assert hits(archive, q) == [("courier-ferry", 3)]
    assert hits(archive, "museum") == [("courier-museum", 2)]
    assert sorted(hits(archive, "春茶 OR bridge")) == [("courier-rail", 1), ("wire-tea", 1)]
    # A filter shows the version it allows, still counted with the others.
    assert hits(archive, "渡轮", lang="zh-hant") == [("taipei-ferry", 3)]
    assert hits(archive, "渡轮", source="南河通讯社") == [("wire-ferry", 3)]
    page = search(archive, SearchRequest(q="渡轮 OR museum OR bridge"))
    assert page.total == 3
    assert sorted(h["versions"] for h in page.to_dict()["hits"]) == [1, 2, 3]
    # A deleted copy is no longer counted, though its segment still lists it.
    assert admin.delete(archive, ["wire-ferry"]) == 1
    assert hits(archive, "夜班渡轮") == [("courier-ferry", 2)]
    archive.close()


def test_every_copy_keeps_its_id_source_and_location(stories: Path, tmp_path: Path) -> None:
    archive = Archive(make_settings(tmp_path / "index"))
    archive.index_paths([stories], workers=0)
    # The later copy is found by its own id, with its own source and URL.
    wire = archive.stored("wire-ferry")
    assert wire["source"] == "南河通讯社" and wire["url"] == "https://wire.example.net/ferry"
    assert (
        wire["group"]
        == archive.stored("courier-ferry")["group"]
        == archive.stored("taipei-ferry")["group"]
    )
    found = versions(archive.searcher(), "courier-ferry")
    assert [v["id"] for v in found] == ["courier-ferry", "taipei-ferry", "wire-ferry"]  # read order
    assert [v["exact"] for v in found] == [True, True, True]
    assert {Path(v["location"].rsplit(":", 1)[0]).name for v in found} == {
        "courier.jsonl",
        "wire.jsonl",
        "taipei.jsonl",
    }
    museum = versions(archive.searcher(), "gazette-museum")
    assert [(v["id"], v["exact"]) for v in museum] == [
        ("gazette-museum", True),
        ("courier-museum", False),
    ]
    assert versions(archive.searcher(), "no-such-id") == []
    archive.close()


def test_unrelated_articles_are_never_grouped(stories: Path, tmp_path: Path) -> None:
    archive = Archive(make_settings(tmp_path / "index"))
    archive.index_paths([stories], workers=0)
    groups = {f["id"]: f["group"] for _, f in archive.searcher().reader().iter_docs()}
    assert (
        len(
            {
                groups["courier-ferry"],
                groups["courier-museum"],
                groups["courier-rail"],
                groups["wire-tea"],
            }
        )
        == 4
    )
    archive.close()


def test_sample_corpus_has_no_duplicates(sample_archive: Archive) -> None:
    groups = [f["group"] for _, f in sample_archive.searcher().reader().iter_docs()]
    assert len(groups) == len(set(groups)) >= 30


def test_groups_hold_across_batches_and_runs(stories: Path, tmp_path: Path) -> None:
    archive = Archive(make_settings(tmp_path / "index", batch_size=1))
    archive.index_paths([stories / "courier.jsonl"], workers=0)
    archive.index_paths([stories / "taipei.jsonl", stories / "gazette.jsonl"], workers=2)
    summary = archive.add([article("added-ferry", FERRY_HANS, "夜班渡轮加密")])
    assert summary.exact_duplicates == 1
    assert hits(archive, "渡轮") == [("courier-ferry", 3)]
    assert hits(archive, "museum") == [("courier-museum", 2)]
    archive.close()


def test_a_changed_copy_leaves_its_group(stories: Path, tmp_path: Path) -> None:
    archive = Archive(make_settings(tmp_path / "index"))
    archive.index_paths([stories], workers=0)
    archive.add([article("wire-ferry", TEA + "另据报道，茶叶出口也在增长。", "春茶")])
    assert hits(archive, "夜班渡轮") == [("courier-ferry", 2)]
    assert archive.stored("wire-ferry")["group"] == archive.stored("wire-tea")["group"]
    archive.close()


def test_more_like_this_leaves_out_the_storys_other_versions(stories: Path, tmp_path: Path) -> None:
    archive = Archive(make_settings(tmp_path / "index"))
    archive.index_paths([stories], workers=0)
    related = [h.id for h in more_like_this(archive, "courier-ferry", limit=10).hits]
    assert "wire-ferry" not in related and "taipei-ferry" not in related
    archive.close()


def test_the_article_pages_more_like_this_leaves_out_the_storys_other_versions(
    stories: Path, tmp_path: Path
) -> None:
    from webapp import create_app

    settings = make_settings(tmp_path / "index")
    archive = Archive(settings)
    archive.index_paths([stories], workers=0)
    assert archive.stored("wire-ferry")["group"] == archive.stored("courier-ferry")["group"]
    archive.close()
    client = create_app(settings).test_client()
    data = client.get("/api/articles/courier-ferry", query_string={"related": 10}).get_json()
    related = [r["id"] for r in data["related"]]
    assert "courier-ferry" not in related
    assert "wire-ferry" not in related and "taipei-ferry" not in related
    html = client.get("/articles/courier-ferry").get_data(as_text=True)
    assert "/articles/wire-ferry" not in html and "/articles/taipei-ferry" not in html


# --- thresholds -------------------------------------------------------------------------


def test_threshold_one_groups_exact_copies_only(stories: Path, tmp_path: Path) -> None:
    archive = Archive(make_settings(tmp_path / "index", near_threshold=1.0))
    summary = archive.index_paths([stories], workers=0)
    assert (summary.exact_duplicates, summary.near_duplicates) == (2, 0)
    assert sorted(hits(archive, "museum")) == [("courier-museum", 1), ("gazette-museum", 1)]
    assert hits(archive, "夜班渡轮") == [("courier-ferry", 3)]
    archive.close()


def test_shingle_size_is_read_from_the_config(stories: Path, tmp_path: Path) -> None:
    # Single-word shingles make the reprint almost identical to the original.
    fine = fingerprint(article("m", MUSEUM), english_shingle=1)
    loose = fingerprint(article("r", MUSEUM_REPRINT), english_shingle=1)
    strict = [
        fingerprint(article(i, t), english_shingle=8)
        for i, t in (("m", MUSEUM), ("r", MUSEUM_REPRINT))
    ]
    assert similarity(fine.minhash, loose.minhash) > similarity(
        strict[0].minhash, strict[1].minhash
    )
    archive = Archive(make_settings(tmp_path / "index", english_shingle=8, near_threshold=0.8))
    assert archive.index_paths([stories], workers=0).near_duplicates == 0
    archive.close()


def test_dedupe_can_be_switched_off(stories: Path, tmp_path: Path) -> None:
    archive = Archive(make_settings(tmp_path / "index", dedupe=False))
    summary = archive.index_paths([stories], workers=0)
    assert summary.exact_duplicates == summary.near_duplicates == 0
    assert sorted(hits(archive, "夜班渡轮")) == [
        ("courier-ferry", 1),
        ("taipei-ferry", 1),
        ("wire-ferry", 1),
    ]
    archive.close()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[dedupe]\nnear_threshold = 0.3\n", "dedupe.near_threshold must be between 0.5 and 1.0"),
        ('[dedupe]\nenabled = "yes"\n', "dedupe.enabled must be true or false"),
        ("[dedupe]\nchinese_shingle = 0\n", "dedupe.chinese_shingle must be at least 1"),
    ],
    ids=["threshold too low", "enabled not a boolean", "empty shingle"],
)
def test_bad_dedupe_settings_are_refused(tmp_path: Path, table: str, message: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(table, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(config)


def test_project_config_documents_the_defaults() -> None:
    settings = load_settings(ROOT / "config.toml")
    assert settings.dedupe and settings.near_threshold == 0.7
    assert (settings.chinese_shingle, settings.english_shingle) == (4, 3)


def _reference_minhash(
    text: str, chinese_shingle: int = 4, english_shingle: int = 3
) -> tuple[int, ...]:
    """The MinHash as first written: a CRC-32 per shingle string, one at a time."""
    import zlib

    from indexer.analysis.dedupe import _BIN_BITS, _EMPTY, _HAN_CHAR, _UNITS, SIGNATURE_SIZE

    lowered = text.lower()
    han, units = _HAN_CHAR.findall(lowered), _UNITS.findall(lowered)
    if not units:
        return ()
    if han and len(han) * 2 >= len(units):
        chars, size = "".join(han), chinese_shingle
        shingles = [chars[i : i + size] for i in range(max(1, len(chars) - size + 1))]
    else:
        size = english_shingle
        shingles = [" ".join(units[i : i + size]) for i in range(max(1, len(units) - size + 1))]
    bins = [_EMPTY] * SIGNATURE_SIZE
    for shingle in shingles:
        h = (zlib.crc32(shingle.encode("utf-8")) * 0x9E3779B1) & 0xFFFFFFFF
        slot, value = h >> _BIN_BITS, h & ((1 << _BIN_BITS) - 1)
        bins[slot] = min(bins[slot], value)
    if _EMPTY in bins and any(v != _EMPTY for v in bins):
        filled = [i for i, v in enumerate(bins) if v != _EMPTY]
        bins = [
            v if v != _EMPTY else bins[j] | (((j - i) % SIGNATURE_SIZE) << _BIN_BITS)
            for i, v in enumerate(bins)
            for j in [next((k for k in filled if k > i), filled[0])]
        ]
    return tuple(bins)


@pytest.mark.parametrize(
    "text",
    [
        MUSEUM,
        MUSEUM_REPRINT,
        FERRY_HANS,
        FERRY_HANT,
        "",
        "!!",
        "ok",
        "two words",
        "渡",
        "渡轮",
        "Café naïve résumé — Zürich 𠀀𠀁𠀂𠀃 emoji 😀 text here",
        "𠀀𠀁𠀂𠀃𠀄 渡轮夜班 mixed 文字 and words",
        "x " * 500,
    ],
)
def test_minhash_is_the_per_shingle_one(text: str) -> None:
    assert fingerprint(article("t", text)).minhash == _reference_minhash(folded_text("", text))


def test_minhash_of_the_sample_corpus_is_the_per_shingle_one() -> None:
    from indexer.ingest.parse import read_inputs
    from tests.helpers import SAMPLE_CORPUS

    articles = [a for a in read_inputs([SAMPLE_CORPUS]) if not hasattr(a, "reason")]
    assert len(articles) > 20
    for a in articles:
        assert fingerprint(a).minhash == _reference_minhash(folded_text(a.title, a.body)), a.id
