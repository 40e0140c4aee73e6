"""One default for every setting: the code's defaults are the shipped config.toml's values."""

from __future__ import annotations

import json
import shutil
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.config import _KEYS, Settings, load_settings
from indexer.ingest.article import Article
from indexer.store.archive import Archive
from tests.helpers import ROOT
from webapp import create_app


def test_every_setting_has_a_key_in_the_shipped_config() -> None:
    shipped = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    keys = {(table, key) for table, entries in shipped.items() for key in entries}
    assert keys == set(_KEYS)
    settable = {f.name for f in fields(Settings)} - {"config_file"}
    assert set(_KEYS.values()) == settable


def test_defaults_equal_the_shipped_config(tmp_path: Path) -> None:
    # Both files in one folder, so that relative paths resolve against the same place.
    shutil.copy(ROOT / "config.toml", tmp_path / "config.toml")
    (tmp_path / "empty.toml").write_text("# nothing set\n", encoding="utf-8")
    shipped = load_settings(tmp_path / "config.toml")
    defaults = load_settings(tmp_path / "empty.toml")
    differing = {
        name: (getattr(defaults, name), getattr(shipped, name))
        for name in set(_KEYS.values())
        if getattr(defaults, name) != getattr(shipped, name)
    }
    assert differing == {}
    assert defaults == shipped


def test_without_any_config_file_the_search_reads_words_with_or() -> None:
    # A pip install used from another folder: no config.toml at all.
    assert load_settings().default_operator == "or"
    assert Settings().default_operator == "or"


def test_a_search_without_any_config_file_ranks_with_or(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the CLI and the JSON API, from a folder without config.toml: an article
    holding one of the words is found too, below the one holding both."""
    monkeypatch.chdir(tmp_path)  # no config.toml here
    index = tmp_path / "elsewhere"
    archive = Archive(load_settings().with_index(index))
    archive.add(
        [
            Article("both", "Copper smelter reopens", "The copper smelter reopened."),
            Article("one", "Copper prices", "Copper rose on the exchange."),
        ]
    )
    archive.close()
    result = CliRunner().invoke(cli, ["--index", str(index), "search", "copper smelter", "--json"])
    assert result.exit_code == 0, result.output
    assert [h["id"] for h in json.loads(result.output)["hits"]] == ["both", "one"]
    client = create_app(load_settings().with_index(index)).test_client()
    data = client.get("/api/search", query_string={"q": "copper smelter"}).get_json()
    assert [h["id"] for h in data["hits"]] == ["both", "one"]
