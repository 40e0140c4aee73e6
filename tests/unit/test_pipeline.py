"""Parallel ingestion builds exactly the index that analysing in the writer builds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.ingest.parse import read_inputs
from indexer.store.archive import Archive
from indexer.store.pipeline import prepared_items
from tests.helpers import DATA, SAMPLE_CORPUS, make_settings


def index_content(
    index: Path,
) -> tuple[list[dict[str, object]], dict[tuple[str, bytes], list[object]]]:
    """Stored documents in order, and every posting with its positions and offsets."""
    archive = Archive(make_settings(index))
    searcher = archive.searcher()
    reader = searcher.reader()
    docs = [fields for _, fields in reader.iter_docs()]
    postings: dict[tuple[str, bytes], list[object]] = {}
    for fieldname, term in reader.all_terms():
        matcher = reader.postings(fieldname, term)
        kind = "characters" if matcher.supports("characters") else "frequency"
        postings[(fieldname, term)] = list(matcher.items_as(kind))
    archive.close()
    return docs, postings


@pytest.mark.parametrize("workers", [0, 2], ids=["in one process", "two workers"])
def test_pipeline_builds_the_same_index(tmp_path: Path, workers: int) -> None:
    sources = [SAMPLE_CORPUS, DATA / "hostile"]
    reference = tmp_path / "reference"
    ref_summary = Archive(make_settings(reference)).add(read_inputs(sources))
    piped = tmp_path / "piped"
    summary = Archive(make_settings(piped)).index_paths(sources, workers=workers)
    assert summary.to_dict() | {"seconds": 0} == ref_summary.to_dict() | {"seconds": 0}
    ref_docs, ref_postings = index_content(reference)
    docs, postings = index_content(piped)
    assert docs == ref_docs
    assert postings == ref_postings


def test_pipeline_reports_errors_in_input_order(tmp_path: Path) -> None:
    jsonl = tmp_path / "many.jsonl"
    lines = [json.dumps({"id": f"a{i}", "title": f"t{i}", "body": f"body {i}"}) for i in range(450)]
    lines[10] = "{broken"
    lines[400] = "[]"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = list(prepared_items([jsonl], "jieba", workers=2))
    assert len(results) == 450
    assert [getattr(r, "location", "") for r in results if not hasattr(r, "article")] == [
        f"{jsonl}:11",
        f"{jsonl}:401",
    ]
    ids = [r.article.id for r in results if hasattr(r, "article")]
    assert ids == [f"a{i}" for i in range(450) if i not in (10, 400)]
