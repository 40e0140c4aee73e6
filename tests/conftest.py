"""Shared fixtures: settings on a temporary index, the sample corpus indexed once, clients."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from indexer.config import Settings
from indexer.ingest.parse import read_inputs
from indexer.store.archive import Archive
from tests.helpers import (
    DATA,
    ROOT,
    SAMPLE_CORPUS,
    SHARED_CORPUS,
    build_index,
    make_settings,
    opened,
)
from tests.serving import serving
from webapp import create_app


@pytest.fixture(autouse=True)
def _scrub_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see a developer's NEWSARCHIVE_* variables."""

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


@pytest.fixture
def client(sample_index: Path) -> FlaskClient:
    """The web app over the sample corpus, through Flask's test client."""
    return create_app(make_settings(sample_index)).test_client()


@pytest.fixture(scope="module")
def server(sample_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`newsarchive serve` (waitress) on the sample corpus plus an article carrying payloads."""
    index = tmp_path_factory.mktemp("browser") / "index"
    shutil.copytree(sample_index, index)
    Archive(make_settings(index)).add(read_inputs([DATA / "hostile" / "script-injection.html"]))
    with serving(ROOT / "config.toml", index, log=index.parent / "server.log") as port:
        yield f"http://127.0.0.1:{port}"
