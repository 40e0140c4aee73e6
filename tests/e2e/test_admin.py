"""Admin operations: stats, check, delete, optimize, export/import, reindex, locks, schema."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.admin import check, export_records
from indexer.cli import EXIT_ERROR, cli
from indexer.errors import OutdatedIndexError
from indexer.store.archive import META, Archive
from indexer.store.lock import LOCK_FILE
from tests.helpers import SAMPLE_CORPUS, hold_lock, make_settings, write_config


def run(runner: CliRunner, config: Path, *args: str) -> object:
    return runner.invoke(cli, ["--config", str(config), *args])


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_config(tmp_path, [SAMPLE_CORPUS], writer_timeout=1.0)


@pytest.fixture
def indexed(runner: CliRunner, config: Path) -> Path:
    result = run(runner, config, "index", "--quiet")
    assert result.exit_code == 0, result.output
    return config


def test_stats(runner: CliRunner, indexed: Path) -> None:
    result = run(runner, indexed, "stats", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    by_language = {c["value"]: c["count"] for c in data["counts"]["lang"]}
    assert data["total"] == sum(by_language.values()) >= 30
    assert set(by_language) == {"en", "zh-Hans", "zh-Hant"}
    years = {c["value"]: c["count"] for c in data["counts"]["year"]}
    assert years["2017"] >= 1 and sum(years.values()) + data["undated"] == data["total"]
    assert data["index"]["schema_version"] >= 1 and data["index"]["size_bytes"] > 0
    assert data["index"]["segments"] >= 1 and data["index"]["last_update"]
    assert data["index"]["path"] == str(indexed.parent / "index" / data["index"]["generation"])
    assert data["sources"] == [
        {"path": str(SAMPLE_CORPUS), "kind": "folder", "added": data["sources"][0]["added"]}
    ]
    human = run(runner, indexed, "stats").output
    assert human.startswith(f"{data['total']} articles in {data['index']['path']}\n")
    assert f"  by language: en {by_language['en']}, " in human
    assert f"  source: {SAMPLE_CORPUS} (folder, first fed " in human


# Whoosh leaves a damaged compound file open when its reader gives up on it.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_check_passes_then_catches_a_damaged_index(runner: CliRunner, indexed: Path) -> None:
    result = run(runner, indexed, "check")
    assert result.exit_code == 0 and result.output.startswith("ok: ")
    generation = next((indexed.parent / "index").glob("gen-*"))
    for segment_file in generation.glob("*.seg"):
        segment_file.write_bytes(b"garbage")
    result = run(runner, indexed, "check")
    assert result.exit_code == EXIT_ERROR
    assert "problem: " in result.output


def test_delete_by_id_and_query_with_dry_run(runner: CliRunner, indexed: Path) -> None:
    guizhou = "text/alibaba-tencent-guizhou.txt"
    dry = json.loads(run(runner, indexed, "delete", guizhou, "nope", "--dry-run", "--json").output)
    assert dry == {"ids": [guizhou], "missing": ["nope"], "deleted": 0, "dry_run": True}
    assert json.loads(run(runner, indexed, "search", "Guizhou", "--json").output)["total"] >= 1
    result = run(runner, indexed, "delete", guizhou)
    assert result.exit_code == 0 and f"deleted: {guizhou}" in result.output
    hits = json.loads(run(runner, indexed, "search", "Guizhou", "--json").output)["hits"]
    assert guizhou not in [h["id"] for h in hits]
    before = json.loads(run(runner, indexed, "stats", "--json").output)["total"]
    result = run(runner, indexed, "delete", "--query", "lang:zh-hant", "--json")
    deleted = json.loads(result.output)["deleted"]
    assert deleted >= 8
    after = json.loads(run(runner, indexed, "stats", "--json").output)
    assert after["total"] == before - deleted
    assert "zh-Hant" not in [c["value"] for c in after["counts"]["lang"]]
    assert run(runner, indexed, "check").exit_code == 0


def test_optimize_merges_segments(runner: CliRunner, tmp_path: Path) -> None:
    config = write_config(tmp_path, [SAMPLE_CORPUS], batch_size=5, max_segments=0)
    run(runner, config, "index", "--quiet")
    result = run(runner, config, "optimize")
    assert result.exit_code == 0
    before, after = (int(x) for x in result.output.split(":")[1].split("->"))
    assert before > 1 and after == 1
    assert run(runner, config, "check").exit_code == 0


def test_export_import_round_trip(runner: CliRunner, indexed: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.jsonl"
    result = run(runner, indexed, "export", "-o", str(backup))
    assert result.exit_code == 0
    (tmp_path / "other").mkdir()
    other = write_config(tmp_path / "other", [])
    result = run(runner, other, "import", str(backup), "--json")
    assert result.exit_code == 0, result.output
    original = {
        r["id"]: r for r in export_records(Archive(make_settings(indexed.parent / "index")))
    }
    restored = {r["id"]: r for r in export_records(Archive(make_settings(other.parent / "index")))}
    assert restored == original
    assert len(backup.read_text(encoding="utf-8").splitlines()) == len(original)


def test_indexing_merges_segments_past_the_limit(runner: CliRunner, tmp_path: Path) -> None:
    config = write_config(tmp_path, [SAMPLE_CORPUS], batch_size=3, max_segments=1)
    assert run(runner, config, "index", "--quiet").exit_code == 0
    assert json.loads(run(runner, config, "stats", "--json").output)["index"]["segments"] == 1
    config = write_config(tmp_path, [SAMPLE_CORPUS], batch_size=3, max_segments=0)
    assert run(runner, config, "reindex", "--quiet").exit_code == 0  # a rebuild always merges
    assert json.loads(run(runner, config, "stats", "--json").output)["index"]["segments"] == 1


def test_reindex_switches_generations(runner: CliRunner, indexed: Path) -> None:
    home = indexed.parent / "index"
    first = (home / "CURRENT").read_text().strip()
    result = run(runner, indexed, "reindex", "--quiet", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["previous"] == first and data["generation"] != first
    assert data["removed"] == [first] and not (home / first).exists()
    assert data["check"]["ok"] and data["check"]["articles"] == data["summary"]["indexed"]
    result = run(runner, indexed, "reindex", "--quiet", "--keep-old")
    assert result.exit_code == 0 and (home / data["generation"]).exists()
    assert json.loads(run(runner, indexed, "search", "馬雲", "--json").output)["total"] >= 1


def test_outdated_schema_names_the_rebuild_command(runner: CliRunner, indexed: Path) -> None:
    home = indexed.parent / "index"
    generation = home / (home / "CURRENT").read_text().strip()
    meta = json.loads((generation / META).read_text())
    (generation / META).write_text(json.dumps(meta | {"schema_version": 0}))
    with pytest.raises(OutdatedIndexError, match="newsarchive reindex"):
        Archive(make_settings(home)).searcher()
    result = run(runner, indexed, "search", "马云")
    assert (
        result.exit_code == EXIT_ERROR and "rebuild it with `newsarchive reindex`" in result.output
    )
    assert run(runner, indexed, "reindex", "--quiet").exit_code == 0
    assert json.loads(run(runner, indexed, "search", "马云", "--json").output)["total"] >= 1


def test_second_writer_waits_then_names_the_holder(runner: CliRunner, indexed: Path) -> None:
    home = indexed.parent / "index"
    holder = hold_lock(home, "30")
    try:
        started = time.monotonic()
        result = run(runner, indexed, "index", str(SAMPLE_CORPUS / "text"), "--quiet")
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    assert result.exit_code == EXIT_ERROR
    assert f"is being written by process {holder.pid}" in result.output
    assert "`newsarchive index big-archive/`" in result.output and "waited 1 s" in result.output
    assert 0.9 <= waited < 10
    # Readers are never blocked by a writer.
    assert json.loads(run(runner, indexed, "search", "腾讯", "--json").output)["total"] >= 1


def test_lock_of_a_killed_writer_is_cleared(
    runner: CliRunner, indexed: Path, caplog: pytest.LogCaptureFixture
) -> None:
    home = indexed.parent / "index"
    holder = hold_lock(home, "die")
    assert holder.wait() == -signal.SIGKILL
    assert holder.stdout is not None
    holder.stdout.close()
    assert json.loads((home / LOCK_FILE).read_text())["pid"] == holder.pid  # left behind
    with caplog.at_level("WARNING", logger="newsarchive"):
        result = run(runner, indexed, "index", str(SAMPLE_CORPUS / "text"), "--quiet")
    assert result.exit_code == 0, result.output
    assert f"cleared a stale lock left by process {holder.pid}" in caplog.text
    assert check(Archive(make_settings(home))).ok


def test_writer_waits_for_a_short_lock(runner: CliRunner, indexed: Path) -> None:
    home = indexed.parent / "index"
    holder = hold_lock(home, "0.5")
    result = run(runner, indexed, "index", str(SAMPLE_CORPUS / "text"), "--quiet")
    holder.wait()
    assert holder.stdout is not None
    holder.stdout.close()
    assert result.exit_code == 0, result.output


def test_every_admin_command_help_has_an_example(runner: CliRunner) -> None:
    for command in ("reindex", "stats", "check", "delete", "optimize", "export", "import"):
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "Example: newsarchive " in result.output, command


def test_no_admin_route_over_http(indexed: Path) -> None:
    from webapp import create_app

    client = create_app(make_settings(indexed.parent / "index")).test_client()
    for path in ("/reindex", "/api/reindex", "/api/delete", "/api/optimize", "/admin"):
        for method in ("get", "post"):
            assert getattr(client, method)(path).status_code in (404, 405)


def test_check_compares_counts_right_after_delete_and_optimize(
    runner: CliRunner, indexed: Path
) -> None:
    from indexer.store.manifest import article_count

    home = indexed.parent / "index"
    generation = home / (home / "CURRENT").read_text().strip()
    before = article_count(generation)
    assert before is not None
    run(runner, indexed, "delete", "text/alibaba-tencent-guizhou.txt")
    assert article_count(generation) == before - 1
    run(runner, indexed, "optimize")
    assert article_count(generation) == before - 1
    assert run(runner, indexed, "check").exit_code == 0


def test_a_searcher_in_use_survives_a_commit_and_a_switch(runner: CliRunner, indexed: Path) -> None:
    from indexer.search.core import SearchRequest, search

    archive = Archive(make_settings(indexed.parent / "index"))
    first = archive.searcher()
    assert run(runner, indexed, "delete", "text/alibaba-tencent-guizhou.txt").exit_code == 0
    second = archive.searcher()  # a newer commit: a new searcher
    assert second is not first
    assert first.doc_count() == second.doc_count() + 1  # the first still reads its commit
    assert run(runner, indexed, "reindex", "--quiet").exit_code == 0
    third = archive.searcher()  # a new generation
    assert third is not second and second.doc_count() >= 1  # a request on it may finish
    assert search(archive, SearchRequest(q="腾讯")).total >= 1
    archive.close()
