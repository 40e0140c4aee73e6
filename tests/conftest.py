"""Shared fixtures: settings on a temporary index, the sample corpus indexed once, clients."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.config import Settings
from indexer.ingest.parse import read_inputs
from indexer.store.archive import Archive
from tests.helpers import SAMPLE_CORPUS, SHARED_CORPUS, build_index, make_settings, opened


@pytest.fixture(autouse=True)
def _scrub_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see a developer's NEWSARCHIVE_* variables."""
    import os

    for name in list(os.environ):
        if name.startswith("NEWSARCHIVE_"):
            monkeypatch.delenv(name)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings of the project's config.toml, with an empty index in a temporary folder."""
    return make_settings(tmp_path / "index")


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's sample corpus, indexed once per test session (treat as read-only)."""
    return build_index(tmp_path_factory.mktemp("sample"), read_inputs([SAMPLE_CORPUS]))


@pytest.fixture
def sample_archive(sample_index: Path) -> Iterator[Archive]:
    with opened(sample_index) as archive:
        yield archive


@pytest.fixture
def copied_sample_index(sample_index: Path, tmp_path: Path) -> Path:
    """A private copy of the sample index, for tests that write to it."""
    target = tmp_path / "index"
    shutil.copytree(sample_index, target)
    return target


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def shared_corpus() -> Path:
    """../shared/corpus, the real news; tests using it skip cleanly when it is absent."""
    if not (SHARED_CORPUS / "jsonl").is_dir():
        pytest.skip(f"real corpus not found at {SHARED_CORPUS}")
    return SHARED_CORPUS
