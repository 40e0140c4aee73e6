"""`reindex` never loses an article: it rebuilds from every source the index home was
fed, carries over what no file gives back, and refuses to switch rather than lose one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from indexer.admin import reindex
from indexer.cli import EXIT_ERROR, cli
from indexer.errors import ReindexRefusedError
from indexer.store.archive import SOURCES, Archive
from tests.helpers import make_settings, write_config


def run(runner: CliRunner, config: Path, *args: str) -> Result:
    return runner.invoke(cli, ["--config", str(config), *args])


def write_articles(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / f"{name}.txt").write_text(
            f"Report on {name}\n\nThe harbour council met about {name} on Monday.\n",
            encoding="utf-8",
        )


def ids(runner: CliRunner, config: Path) -> set[str]:
    home = config.parent / "index"
    archive = Archive(make_settings(home))
    try:
        return {fields["id"] for _, fields in archive.searcher().reader().iter_docs()}
    finally:
        archive.close()


@pytest.fixture
def fed(runner: CliRunner, tmp_path: Path) -> Path:
    """An index fed sources.paths, a folder given to `index` and an import file."""
    write_articles(tmp_path / "configured", ["ferry", "tariff"])
    write_articles(tmp_path / "scans" / "2019", ["flood", "bridge", "school"])
    config = write_config(tmp_path, [tmp_path / "configured"], writer_timeout=1.0, workers=0)
    assert run(runner, config, "index", "--quiet").exit_code == 0
    result = run(runner, config, "index", str(tmp_path / "scans" / "2019"), "--quiet")
    assert result.exit_code == 0, result.output
    backup = tmp_path / "backup.jsonl"
    backup.write_text(
        json.dumps({"id": "imported-1", "title": "Imported", "body": "Copper smelter news."})
        + "\n",
        encoding="utf-8",
    )
    assert run(runner, config, "import", str(backup)).exit_code == 0
    return config


EVERY_ID = {"ferry.txt", "tariff.txt", "flood.txt", "bridge.txt", "school.txt", "imported-1"}


def test_the_home_records_every_source_and_stats_lists_them(
    runner: CliRunner, fed: Path, tmp_path: Path
) -> None:
    recorded = json.loads((tmp_path / "index" / SOURCES).read_text(encoding="utf-8"))
    assert [(s["kind"], s["path"]) for s in recorded["sources"]] == [
        ("path", str(tmp_path / "configured")),
        ("path", str(tmp_path / "scans" / "2019")),
        ("import", str(tmp_path / "backup.jsonl")),
    ]
    stats = json.loads(run(runner, fed, "stats", "--json").output)
    assert [s["path"] for s in stats["sources"]] == [
        str(tmp_path / "configured"),
        str(tmp_path / "scans" / "2019"),
        str(tmp_path / "backup.jsonl"),
    ]
    human = run(runner, fed, "stats").output
    assert f"source: {tmp_path / 'scans' / '2019'} (folder, first fed " in human
    assert f"source: {tmp_path / 'backup.jsonl'} (import, first fed " in human


def test_reindex_keeps_every_article(runner: CliRunner, fed: Path, tmp_path: Path) -> None:
    assert ids(runner, fed) == EVERY_ID
    (tmp_path / "scans" / "2019" / "flood.txt").unlink()
    (tmp_path / "backup.jsonl").unlink()
    result = run(runner, fed, "reindex", "--quiet", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["carried"] == {
        "flood.txt": f"its file {tmp_path / 'scans' / '2019' / 'flood.txt'} is gone",
        "imported-1": "imported, or added without a file",
    }
    assert data["pruned"] == [] and data["check"]["ok"]
    assert ids(runner, fed) == EVERY_ID
    # The carried-over copy is the stored one, searchable as before.
    hits = json.loads(run(runner, fed, "search", "flood", "--json").output)["hits"]
    assert [h["id"] for h in hits] == ["flood.txt"]
    # And a second rebuild carries it over again.
    assert run(runner, fed, "reindex", "--quiet").exit_code == 0
    assert ids(runner, fed) == EVERY_ID


def test_reindex_prune_drops_the_articles_of_deleted_files(
    runner: CliRunner, fed: Path, tmp_path: Path
) -> None:
    (tmp_path / "scans" / "2019" / "flood.txt").unlink()
    result = run(runner, fed, "reindex", "--quiet", "--prune")
    assert result.exit_code == 0, result.output
    assert "pruned 1 article: flood.txt" in result.output
    assert "switched to gen-" in result.output and "(5 articles, checked)" in result.output
    assert ids(runner, fed) == EVERY_ID - {"flood.txt"}  # the import stays


def test_reindex_from_a_source_folder_that_is_gone(
    runner: CliRunner, fed: Path, tmp_path: Path
) -> None:
    (tmp_path / "scans" / "2019").rename(tmp_path / "moved")
    result = run(runner, fed, "reindex", "--quiet")
    assert result.exit_code == 0, result.output
    assert f"source gone: {tmp_path / 'scans' / '2019'}" in result.output
    assert "carried over 4 articles from the stored copy" in result.output
    assert ids(runner, fed) == EVERY_ID


def test_refused_when_a_file_no_longer_holds_an_article(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    lines = [{"id": f"line-{i}", "title": f"T{i}", "body": f"harbour {i}"} for i in range(3)]
    export = folder / "feed.jsonl"
    export.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    archive = Archive(make_settings(tmp_path / "index", workers=0, source_paths=()))
    archive.index_paths([folder])
    live = (tmp_path / "index" / "CURRENT").read_text()
    export.write_text("\n".join(json.dumps(x) for x in lines[:1]) + "\n", encoding="utf-8")
    with pytest.raises(ReindexRefusedError) as refused:
        reindex(archive)
    assert refused.value.missing == {
        "line-1": f"its file {export} no longer holds it",
        "line-2": f"its file {export} no longer holds it",
    }
    assert "would lose 2 articles" in str(refused.value)
    assert (tmp_path / "index" / "CURRENT").read_text() == live  # untouched
    assert sorted((tmp_path / "index").glob("gen-*")) == [tmp_path / "index" / live.strip()]
    assert archive.searcher().doc_count() == 3
    result = reindex(archive, prune=True)
    assert result.pruned == ["line-1", "line-2"] and archive.searcher().doc_count() == 1
    archive.close()


def test_the_cli_reports_a_refused_reindex(runner: CliRunner, fed: Path, tmp_path: Path) -> None:
    feed = tmp_path / "scans" / "2019" / "feed.jsonl"
    feed.write_text(json.dumps({"id": "kept", "body": "harbour"}) + "\n", encoding="utf-8")
    assert run(runner, fed, "index", str(tmp_path / "scans" / "2019"), "-q").exit_code == 0
    feed.write_text(json.dumps({"id": "other", "body": "harbour"}) + "\n", encoding="utf-8")
    live = (tmp_path / "index" / "CURRENT").read_text()
    result = run(runner, fed, "reindex", "--quiet")
    assert result.exit_code == EXIT_ERROR
    assert result.output.startswith(
        "Error: the rebuild would lose 1 article the archivist did not ask to remove: "
        f"kept (its file {feed} no longer holds it). The live index is unchanged;"
    )
    assert "Traceback" not in result.output
    assert (tmp_path / "index" / "CURRENT").read_text() == live
    assert ids(runner, fed) == EVERY_ID | {"kept"}
