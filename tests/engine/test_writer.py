"""The lean writer builds what Whoosh's own writer builds: same terms, postings, term
statistics, stored fields and field lengths, and the same search results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from whoosh import index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import NO_MERGE

from indexer.engine.codec import ArchiveCodec
from indexer.engine.writer import LeanWriter, merge_all, postings
from indexer.errors import IndexWriteError
from indexer.ingest.parse import read_inputs
from indexer.store.schema import build_schema, to_document
from tests.helpers import SAMPLE_CORPUS

TEXT = ("title", "body", "author", "source")


def _documents(lean: bool, schema: Any) -> list[dict[str, Any]]:
    articles = [a for a in read_inputs([SAMPLE_CORPUS]) if not hasattr(a, "reason")]
    docs = []
    for article in articles:
        docs.append(to_document(article))
    # Enough articles sharing words to fill several posting blocks (128 postings each).
    for i in range(300):
        docs.append(
            {
                "id": f"synthetic-{i}",
                "title": f"Harbour report {i}",
                "body": f"港口 archive harbour 第{i}号 report " * (1 + i % 3),
                "lang": "en",
            }
        )
    if lean:
        for doc in docs:
            for name in TEXT:
                if name in doc:
                    doc[f"_stored_{name}"] = doc[name]
                    doc[name] = postings(schema[name], doc[name])
    return docs


def _build(folder: Path, lean: bool, compression: int | None = None) -> Any:
    schema = build_schema("jieba")
    folder.mkdir()
    ix = index.create_in(str(folder), schema)
    docs = _documents(lean, schema)
    kwargs = {}
    if compression is not None:  # Whoosh's own writer writes its own codec's blocks
        kwargs["codec"] = (ArchiveCodec if lean else W3Codec)(compression=compression)

    def writer() -> Any:
        return LeanWriter(ix, **kwargs) if lean else ix.writer(**kwargs)

    w = writer()
    for i, doc in enumerate(docs, start=1):
        w.add_document(**doc)
        if i % 150 == 0:  # several segments, as batch commits make them
            w.commit(mergetype=NO_MERGE)
            w = writer()
    w.commit(mergetype=NO_MERGE)
    return ix


def _content(ix: Any) -> tuple[list[Any], dict[Any, Any]]:
    reader = ix.reader()
    stored = []
    for docnum in range(reader.doc_count_all()):
        lengths = [reader.doc_field_length(docnum, name) for name in TEXT]
        stored.append((reader.stored_fields(docnum), lengths))
    terms: dict[Any, Any] = {}
    for fieldname, text in reader.all_terms():
        info = reader.term_info(fieldname, text)
        matcher = reader.postings(fieldname, text)
        listed = []
        while matcher.is_active():
            listed.append((matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        terms[(fieldname, text)] = (
            listed,
            info.weight(),
            info.doc_frequency(),
            info.min_length(),
            info.max_length(),
            info.max_weight(),
            info.min_id(),
            info.max_id(),
        )
    reader.close()
    return stored, terms


@pytest.mark.parametrize("compression", [None, 0], ids=["compressed", "plain"])
def test_lean_writer_builds_what_whoosh_builds(tmp_path: Path, compression: int | None) -> None:
    reference = _build(tmp_path / "whoosh", lean=False, compression=compression)
    lean = _build(tmp_path / "lean", lean=True, compression=compression)
    ref_stored, ref_terms = _content(reference)
    stored, terms = _content(lean)
    assert stored == ref_stored
    assert terms.keys() == ref_terms.keys()
    assert terms == ref_terms
    # Several blocks for the shared words, and terms of one posting (kept in the term table).
    assert len(terms[("body", b"harbour")][0]) > 256
    assert any(len(v[0]) == 1 for k, v in terms.items() if k[0] == "body")


@pytest.mark.parametrize(
    "q", ['"archive harbour"', "港口", 'title:"harbour report"', "腾讯", '"Jack Ma"']
)
def test_lean_index_answers_like_whoosh(tmp_path: Path, q: str) -> None:
    from whoosh.highlight import Highlighter
    from whoosh.qparser import QueryParser

    answers = []
    for name, lean in (("whoosh", False), ("lean", True)):
        ix = _build(tmp_path / name, lean=lean)
        with ix.searcher() as searcher:
            query = QueryParser("body", ix.schema).parse(q)
            results = searcher.search(query, limit=20, terms=True)
            highlighter = Highlighter()
            answers.append(
                [
                    (
                        hit["id"],
                        round(hit.score, 6),
                        sorted(hit.matched_terms()),
                        highlighter.highlight_hit(hit, "body"),
                    )
                    for hit in results
                ]
            )
    assert answers[0] == answers[1] and answers[0]


@pytest.mark.parametrize("processes", [1, 3], ids=["one process", "with helpers"])
@pytest.mark.parametrize("deletions", [False, True], ids=["whole", "with deletions"])
def test_lean_merge_builds_what_whoosh_optimize_builds(
    tmp_path: Path, deletions: bool, processes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.engine import writer

    # A merge this small is shared out only when told to: the writer and two helpers.
    monkeypatch.setattr(writer, "PARALLEL_MERGE_MIN_DOCS", 0 if processes > 1 else 10**9)
    monkeypatch.setattr(writer, "cores", lambda: processes)
    parts: list[Any] = []
    split = writer._split
    monkeypatch.setattr(writer, "_split", lambda *args: parts.append(split(*args)) or parts[-1])
    merged = []
    for name, lean in (("whoosh", False), ("lean", True)):
        ix = _build(tmp_path / name, lean=True)  # the same segments, written by the lean writer
        if deletions:
            with ix.writer() as w:
                for i in range(0, 300, 7):
                    w.delete_by_term("id", f"synthetic-{i}")
                w.delete_by_term("id", "alibaba-tencent-guizhou")
                w.mergetype = NO_MERGE
        assert len(ix.reader().leaf_readers()) > 1
        if lean:
            merge_all(ix)
        else:
            ix.writer().commit(optimize=True)
        assert len(ix.reader().leaf_readers()) == 1
        merged.append(_content(ix))
    assert merged[1][0] == merged[0][0]  # stored fields and lengths, in the same order
    assert merged[1][1].keys() == merged[0][1].keys()
    assert merged[1][1] == merged[0][1]
    assert len(parts) == 1 and len(parts[0]) == processes  # term ranges, one per process
    assert not [p for p in (tmp_path / "lean").iterdir() if p.name.startswith(".merge-")]


def test_a_merge_removes_what_a_killed_merge_left(tmp_path: Path) -> None:
    ix = _build(tmp_path / "lean", lean=True)
    left = [tmp_path / "lean" / f".merge-MAIN_killed-0{suffix}" for suffix in (".pst", ".terms")]
    for path in left:
        path.write_bytes(b"half written")
    merge_all(ix)
    assert not any(path.exists() for path in left)
    assert len(ix.reader().leaf_readers()) == 1


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_term_tables_read_in_pieces_are_whooshs_items(tmp_path: Path, chunk: int) -> None:
    """Term tables read in pieces of any size (even smaller than a record) give every
    (key, value) record Whoosh's own reader gives, in order."""
    from indexer.engine.writer import _raw_items

    ix = _build(tmp_path / "lean", lean=True)
    for leaf, _ in ix.reader().leaf_readers():
        tindex = leaf._terms._tindex
        expected = list(tindex.items())
        assert len(expected) > 100
        found = _raw_items(tindex.dbfile, tindex.startofdata, tindex.endofdata, chunk)
        assert list(found) == expected


def test_a_failed_merge_helper_leaves_the_index_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.engine import writer

    ix = _build(tmp_path / "lean", lean=True)
    before = _content(ix)
    segments = len(ix.reader().leaf_readers())
    monkeypatch.setattr(writer, "PARALLEL_MERGE_MIN_DOCS", 0)
    monkeypatch.setattr(writer, "cores", lambda: 2)
    monkeypatch.setattr(writer, "HELPER_MAIN", "import sys; sys.exit('helper went away')")
    with pytest.raises(IndexWriteError, match="a merge helper process failed: helper went away"):
        merge_all(ix)
    assert len(ix.reader().leaf_readers()) == segments
    assert _content(ix) == before
    assert not [p for p in (tmp_path / "lean").iterdir() if p.name.startswith(".merge-")]
    monkeypatch.undo()
    merge_all(ix)  # the lock is free again
    assert len(ix.reader().leaf_readers()) == 1


def test_the_lean_writer_refuses_another_codec_with_a_typed_error(tmp_path: Path) -> None:
    ix = index.create_in(str(tmp_path), build_schema("jieba"))
    with pytest.raises(IndexWriteError, match="the lean writer writes the archive codec"):
        LeanWriter(ix, codec=W3Codec())
    ix.writer().cancel()  # the refused writer let go of the lock
