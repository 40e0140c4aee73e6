"""The admin and reader CLI through click's runner: exit codes, messages, JSON."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from indexer.cli import EXIT_ERROR, EXIT_ITEMS_FAILED, cli
from indexer.ingest.parse import InputFile, find_inputs
from tests.helpers import DATA, ROOT, SAMPLE_CORPUS


def run(runner: CliRunner, index: Path, *args: str) -> object:
    return runner.invoke(cli, ["--config", str(ROOT / "config.toml"), "--index", str(index), *args])


def test_index_then_search_json(runner: CliRunner, tmp_path: Path) -> None:
    index = tmp_path / "index"
    result = run(runner, index, "index", str(SAMPLE_CORPUS), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["indexed"] >= 30 and summary["failed"] == 0 and summary["updated"] == 0
    assert summary["skipped"] == 1  # corpus/README.md is not an article

    result = run(runner, index, "search", "馬雲", "--json")
    assert result.exit_code == 0
    page = json.loads(result.output)
    assert set(page) >= {"query", "total", "hits"} and page["query"] == "馬雲"
    assert "text/alibaba-tencent-guizhou.txt" in [h["id"] for h in page["hits"]]
    assert set(page["hits"][0]) >= {
        "id",
        "title",
        "url",
        "source",
        "author",
        "published",
        "lang",
        "score",
        "snippet",
    }


def test_indexing_twice_updates_and_never_duplicates(runner: CliRunner, tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = json.loads(run(runner, index, "index", str(SAMPLE_CORPUS), "--json").output)
    second = json.loads(run(runner, index, "index", str(SAMPLE_CORPUS), "--json").output)
    # Nothing changed: no file is read again (see test_manifest.py for changed files).
    files = [f for f in find_inputs([SAMPLE_CORPUS]) if isinstance(f, InputFile)]
    assert first["indexed"] > 0 and second["unchanged"] == len(files)
    assert second["indexed"] == second["updated"] == second["removed"] == 0
    everything = json.loads(
        run(runner, index, "search", "date:1900..2100", "--limit", "100", "--json").output
    )
    dated = [h["id"] for h in everything["hits"]]
    assert len(dated) == len(set(dated))


def test_hostile_folder_counts_failures_and_indexes_the_rest(
    runner: CliRunner, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    report = tmp_path / "report.json"
    result = run(runner, index, "index", str(DATA / "hostile"), "--report", str(report))
    assert result.exit_code == EXIT_ITEMS_FAILED
    assert "failed: " in result.output and "bad-lines.jsonl:2: invalid JSON" in result.output
    assert "indexed 5, updated 0, skipped 1, failed 5" in result.output
    problems = json.loads(report.read_text(encoding="utf-8"))
    assert {Path(p["location"]).name for p in problems} == {
        "empty.txt",
        "binary.html",
        "bad-lines.jsonl:2",
        "bad-lines.jsonl:3",
        "bad-lines.jsonl:5",
        "notes.md",
    }
    found = json.loads(run(runner, index, "search", "ferries OR 渡轮", "--json").output)
    assert {h["id"] for h in found["hits"]} == {"good-1", "good-2"}


def test_parse_is_a_dry_run(runner: CliRunner, tmp_path: Path) -> None:
    index = tmp_path / "index"
    result = run(
        runner,
        index,
        "parse",
        str(SAMPLE_CORPUS / "text" / "alibaba-tencent-guizhou.txt"),
        "--json",
    )
    assert result.exit_code == 0
    record = json.loads(result.output)
    assert record["author"] == "Maya Lindqvist" and record["published"] == "2017-07-20"
    assert not index.exists()


def test_parse_human_output(runner: CliRunner, tmp_path: Path) -> None:
    result = run(
        runner, tmp_path / "i", "parse", str(SAMPLE_CORPUS / "html" / "typhoon-lanying-taiwan.html")
    )
    assert result.exit_code == 0
    assert "title: 颱風" in result.output and "lang: zh-Hant" in result.output


def test_search_without_index_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, tmp_path / "none", "search", "anything")
    assert result.exit_code == EXIT_ERROR
    assert result.output.startswith("Error: no index at ")
    assert "newsarchive index PATH" in result.output


def test_bad_query_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    index = tmp_path / "index"
    run(runner, index, "index", str(SAMPLE_CORPUS / "text"))
    result = run(runner, index, "search", "date:2016-13..2017")
    assert result.exit_code == EXIT_ERROR
    assert result.output == "Error: invalid date '2016-13': no such month or day\n"


def test_bad_config_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[search]\ndefault_operator = "maybe"\n', encoding="utf-8")
    result = runner.invoke(cli, ["--config", str(config), "search", "x"])
    assert result.exit_code == EXIT_ERROR
    assert result.output == (
        f"Error: {config}: search.default_operator must be 'and' or 'or', not 'maybe'\n"
    )


def test_config_paths_are_relative_to_the_config_file(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "conf" / "config.toml"
    config.parent.mkdir()
    config.write_text(
        f'[index]\npath = "idx"\n[sources]\npaths = ["{SAMPLE_CORPUS / "text"}"]\n',
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["--config", str(config), "index", "--quiet"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "conf" / "idx" / "CURRENT").is_file()


def test_every_command_help_has_an_example(runner: CliRunner) -> None:
    for command in ("index", "parse", "search", "serve"):
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "Example: newsarchive " in result.output


def test_search_shows_the_names_forms_and_the_timeline(runner: CliRunner, tmp_path: Path) -> None:
    index = tmp_path / "index"
    run(runner, index, "index", str(SAMPLE_CORPUS))
    result = run(runner, index, "search", "马云")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("2 hits for '马云'")
    assert lines[1] == "马云 appears as 马云 / 馬雲 (en 1, zh-Hans 1) · Jack Ma (en 1)"
    assert lines[2] == "By date: 2015 1 · 2016 0 · 2017 1"
