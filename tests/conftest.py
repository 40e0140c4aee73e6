"""Shared fixtures: settings on a temporary index, the sample corpus indexed once, clients."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.config import Settings, load_settings
from indexer.parse import read_inputs
from indexer.store import Archive

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "corpus"
SHARED_CORPUS = (ROOT.parent / "shared" / "corpus").resolve()
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _scrub_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see a developer's NEWSARCHIVE_* variables."""
    import os

    for name in list(os.environ):
        if name.startswith("NEWSARCHIVE_"):
            monkeypatch.delenv(name)


def make_settings(index: Path, **overrides: object) -> Settings:
    settings = load_settings(ROOT / "config.toml", **overrides)
    return settings.with_index(index)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings of the project's config.toml, with an empty index in a temporary folder."""
    return make_settings(tmp_path / "index")


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's sample corpus, indexed once per test session (treat as read-only)."""
    index = tmp_path_factory.mktemp("sample") / "index"
    summary = Archive(make_settings(index)).add(read_inputs([SAMPLE_CORPUS]))
    assert summary.failed == 0, summary.problems
    return index


@pytest.fixture
def sample_archive(sample_index: Path) -> Iterator[Archive]:
    archive = Archive(make_settings(sample_index))
    yield archive
    archive.close()


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_listening(port: int, proc: subprocess.Popen[bytes], seconds: float = 30) -> bool:
    """Whether a server process accepts connections on port within `seconds` (False as soon
    as it exits)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.1)
