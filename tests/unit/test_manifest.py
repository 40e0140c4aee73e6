"""Incremental indexing: only new and changed files are read; gone files are pruned; a run
that fails part-way leaves a manifest that the next run completes to exactly the right ids."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from indexer.admin import check, delete
from indexer.ingest.article import Article
from indexer.store import manifest
from indexer.store.archive import Archive
from indexer.store.manifest import Manifest, article_count
from tests.helpers import make_settings


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def story(title: str, body: str) -> str:
    return f"date 2021-05-04 By Ana Reyes / Harbour Ledger\n\n{title}\n\n{body}\n"


def jsonl(ids: list[str], tag: str = "") -> str:
    return "".join(
        json.dumps({"id": i, "title": f"Report {i}", "body": f"The council met about {i}. {tag}"})
        + "\n"
        for i in ids
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    write(
        src / "ferry.txt", story("Ferry fares rise", "The ferry company raised fares by a tenth.")
    )
    write(
        src / "tea" / "harvest.txt",
        story("Early tea harvest", "Growers began picking a week early."),
    )
    write(src / "feed.jsonl", jsonl(["feed-1", "feed-2", "feed-3"]))
    return src


def stored_ids(archive: Archive) -> set[str]:
    return {fields["id"] for _, fields in archive.searcher().reader().iter_docs()}


def assert_in_step(archive: Archive, expected: set[str]) -> None:
    """The index holds exactly `expected`, and the manifest lists the same articles."""
    assert stored_ids(archive) == expected
    report = check(archive)
    assert report.ok, report.problems
    assert article_count(archive.current_dir()) == len(expected)


EVERYTHING = {"ferry.txt", "tea/harvest.txt", "feed-1", "feed-2", "feed-3"}


def test_first_run_reads_everything_and_records_it(folder: Path, settings: object) -> None:
    archive = Archive(settings)  # type: ignore[arg-type]
    summary = archive.index_paths([folder], workers=0)
    assert (summary.indexed, summary.unchanged) == (5, 0)
    assert (archive.current_dir() / manifest.FILENAME).is_file()
    assert_in_step(archive, EVERYTHING)


def test_unchanged_run_reads_nothing(
    folder: Path, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = Archive(settings)  # type: ignore[arg-type]
    archive.index_paths([folder], workers=0)
    hashed: list[Path] = []
    monkeypatch.setattr(manifest, "file_digest", lambda p: hashed.append(p) or "")
    summary = archive.index_paths([folder], workers=2)
    assert (summary.indexed, summary.updated, summary.removed, summary.unchanged) == (0, 0, 0, 3)
    assert hashed == []  # size and mtime agree: not even hashed
    assert_in_step(archive, EVERYTHING)


def test_touched_file_is_hashed_once_and_not_read(
    folder: Path, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = Archive(settings)  # type: ignore[arg-type]
    archive.index_paths([folder], workers=0)
    ferry = folder / "ferry.txt"
    os.utime(ferry, ns=(ferry.stat().st_atime_ns, ferry.stat().st_mtime_ns + 5_000_000_000))
    summary = archive.index_paths([folder], workers=0)
    assert (summary.indexed, summary.updated, summary.unchanged) == (0, 0, 3)
    hashed: list[Path] = []
    real = manifest.file_digest
    monkeypatch.setattr(manifest, "file_digest", lambda p: hashed.append(p) or real(p))
    archive.index_paths([folder], workers=0)
    assert hashed == []  # the new mtime was recorded


def test_added_changed_and_shrunk_files(folder: Path, settings: object) -> None:
    archive = Archive(settings)  # type: ignore[arg-type]
    archive.index_paths([folder], workers=0)
    write(folder / "ferry.txt", story("Ferry fares rise again", "A second rise, of a twentieth."))
    write(folder / "museum.txt", story("Museum reopens", "The harbour museum reopened."))
    write(folder / "feed.jsonl", jsonl(["feed-1", "feed-3", "feed-4"], tag="Updated."))
    summary = archive.index_paths([folder], workers=0)
    assert (summary.indexed, summary.updated, summary.removed, summary.unchanged) == (2, 3, 1, 1)
    assert_in_step(archive, EVERYTHING - {"feed-2"} | {"museum.txt", "feed-4"})
    assert archive.stored("ferry.txt")["title"] == "Ferry fares rise again"
    assert "Updated." in archive.stored("feed-1")["body"]


def test_ids_stay_relative_to_the_folder_indexed(folder: Path, settings: object) -> None:
    archive = Archive(settings)  # type: ignore[arg-type]
    archive.index_paths([folder], workers=0)
    write(folder / "tea" / "harvest.txt", story("Early tea harvest", "Picking began in March."))
    archive.index_paths([folder], workers=0)
    assert "March" in archive.stored("tea/harvest.txt")["body"]
    assert_in_step(archive, EVERYTHING)


def test_an_article_moved_to_another_file_stays(folder: Path, settings: object) -> None:
    archive = Archive(settings)  # type: ignore[arg-type]
    archive.index_paths([folder], workers=0)
    write(folder / "feed.jsonl", jsonl(["feed-1", "feed-2"]))
    write(folder / "more.jsonl", jsonl(["feed-3"]))
    summary = archive.index_paths([folder], workers=0)
    assert summary.removed == 0
    assert_in_step(archive, EVERYTHING)
    # Two files with the same id: the article goes only when neither lists it.
    write(folder / "more.jsonl", jsonl(["feed-2", "feed-3"]))
    archive.index_paths([folder], workers=0)
    write(folder / "feed.jsonl", jsonl(["feed-1"]))
    assert archive.index_paths([folder], workers=0).removed == 0
    (folder / "more.jsonl").unlink()
    assert archive.index_paths([folder], workers=0, prune=True).removed == 2
    assert_in_step(archive, EVERYTHING - {"feed-2", "feed-3"})


def test_gone_files_stay_until_pruned(folder: Path, settings: object) -> None:
    archive = Archive(settings)  # type: ignore[arg-type]
    archive.index_paths([folder], workers=0)
    (folder / "feed.jsonl").unlink()
    (folder / "tea" / "harvest.txt").unlink()
    assert archive.index_paths([folder], workers=0).removed == 0
    assert_in_step(archive, EVERYTHING)
    summary = archive.index_paths([folder], workers=0, prune=True)
    assert (summary.removed, summary.unchanged) == (4, 1)
    assert_in_step(archive, {"ferry.txt"})


def test_prune_touches_only_the_paths_indexed(
    tmp_path: Path, folder: Path, settings: object
) -> None:
    other = tmp_path / "other"
    write(other / "rail.txt", story("Rail bridge works", "The line closes for three weeks."))
    archive = Archive(settings)  # type: ignore[arg-type]
    archive.index_paths([folder, other], workers=0)
    (other / "rail.txt").unlink()
    (folder / "ferry.txt").unlink()
    assert archive.index_paths([folder], workers=0, prune=True).removed == 1
    assert "rail.txt" in stored_ids(archive)
    # A folder that is gone altogether: everything under it goes.
    assert archive.index_paths([other], workers=0, prune=True).removed == 1
    assert_in_step(archive, EVERYTHING - {"ferry.txt"})


def test_articles_added_without_files_are_counted(folder: Path, settings: object) -> None:
    archive = Archive(settings)  # type: ignore[arg-type]
    archive.add([Article(id="typed-in", title="Notes", body="Typed in by the archivist.")])
    assert_in_step(archive, {"typed-in"})
    archive.index_paths([folder], workers=0)
    assert_in_step(archive, EVERYTHING | {"typed-in"})
    # The same id from a file and without one: one article.
    archive.add([Article(id="feed-1", title="Report", body="Corrected by hand.")])
    assert_in_step(archive, EVERYTHING | {"typed-in"})


def test_delete_by_id_keeps_the_manifest_in_step(folder: Path, settings: object) -> None:
    archive = Archive(settings)  # type: ignore[arg-type]
    archive.index_paths([folder], workers=0)
    delete(archive, ["feed-2"])
    assert article_count(archive.current_dir()) == len(EVERYTHING) - 1
    assert check(archive).ok
    archive.index_paths([folder], workers=0)  # unchanged files: the deleted article stays gone
    assert_in_step(archive, EVERYTHING - {"feed-2"})


# --- crash safety --------------------------------------------------------------------


class Boom(Exception):
    pass


def explode_after(count: int) -> object:
    seen = []

    def on_item(item: object) -> None:
        seen.append(item)
        if len(seen) > count:
            raise Boom

    return on_item


@pytest.fixture
def big_folder(tmp_path: Path) -> tuple[Path, set[str]]:
    """Three JSON Lines files of seven articles: each spans several batches of two."""
    src = tmp_path / "big"
    ids: set[str] = set()
    for f in range(3):
        names = [f"b{f}-{i}" for i in range(7)]
        write(src / f"part-{f}.jsonl", jsonl(names))
        ids |= set(names)
    return src, ids


@pytest.mark.parametrize("count", [3, 4, 7, 12, 20], ids=lambda n: f"after {n} articles")
def test_a_run_that_fails_part_way_is_completed_by_the_next(
    big_folder: tuple[Path, set[str]], tmp_path: Path, count: int
) -> None:
    src, expected = big_folder
    archive = Archive(make_settings(tmp_path / "index", batch_size=2))
    with pytest.raises(Boom):
        archive.index_paths([src], workers=0, on_item=explode_after(count))
    assert check(archive).ok  # what was committed is consistent
    committed = stored_ids(archive)
    assert committed and committed < expected
    assert article_count(archive.current_dir()) == len(committed)
    archive.index_paths([src], workers=2)
    assert_in_step(archive, expected)


@pytest.mark.parametrize("count", [3, 9], ids=lambda n: f"after {n} articles")
def test_a_failed_run_over_changed_files_is_completed_by_the_next(
    big_folder: tuple[Path, set[str]], tmp_path: Path, count: int
) -> None:
    src, ids = big_folder
    archive = Archive(make_settings(tmp_path / "index", batch_size=2))
    archive.index_paths([src], workers=0)
    # part-0 loses four articles and gains two; part-1 loses one.
    write(src / "part-0.jsonl", jsonl(["b0-0", "b0-1", "b0-2", "new-1", "new-2"], tag="v2"))
    write(src / "part-1.jsonl", jsonl([f"b1-{i}" for i in range(6)], tag="v2"))
    expected = ids - {"b0-3", "b0-4", "b0-5", "b0-6", "b1-6"} | {"new-1", "new-2"}
    with pytest.raises(Boom):
        archive.index_paths([src], workers=0, on_item=explode_after(count))
    assert check(archive).ok
    archive.index_paths([src], workers=0)
    assert_in_step(archive, expected)
    assert "v2" in archive.stored("b1-5")["body"]


def test_failure_between_the_index_commit_and_the_manifest_commit(
    big_folder: tuple[Path, set[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, expected = big_folder
    archive = Archive(make_settings(tmp_path / "index", batch_size=2))
    real = Manifest.commit
    calls = []

    def fail_on_the_fourth(self: Manifest, generation: int) -> None:
        calls.append(generation)
        if len(calls) == 4:
            raise Boom
        real(self, generation)

    monkeypatch.setattr(Manifest, "commit", fail_on_the_fourth)
    with pytest.raises(Boom):
        archive.index_paths([src], workers=0)
    monkeypatch.setattr(Manifest, "commit", real)
    # The index moved on without the manifest: the count is not compared, the index is sound.
    assert article_count(archive.current_dir()) is None
    assert check(archive).ok
    archive.index_paths([src], workers=0)
    assert_in_step(archive, expected)


def test_reindex_starts_a_fresh_manifest(folder: Path, tmp_path: Path) -> None:
    from indexer.admin import reindex

    archive = Archive(make_settings(tmp_path / "index", source_paths=(folder,)))
    archive.index_paths([folder], workers=0)
    result = reindex(archive, workers=0)
    assert result.summary.indexed == 5 and result.summary.unchanged == 0
    assert_in_step(archive, EVERYTHING)
