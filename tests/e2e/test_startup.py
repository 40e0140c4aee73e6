"""The command line answers at once: commands load only what they use, the name table
loads ready-made, `serve` says what it is doing and answers as soon as it can."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from indexer.analysis import names
from indexer.cache import LRU
from indexer.search.core import ready
from indexer.store.archive import Archive
from tests.helpers import SAMPLE_CORPUS, make_settings, write_config
from tests.serving import clean_env, free_port, newsarchive

HEAVY = ("whoosh", "jieba", "rjieba", "numpy", "bs4", "flask", "opencc")

LOADED = """
import sys
from click.testing import CliRunner
from indexer.cli import cli
result = CliRunner().invoke(cli, sys.argv[1:])
assert result.exit_code == 0, result.output
print(sorted({name.split(".")[0] for name in sys.modules}))
"""


@pytest.mark.parametrize(
    "args", [["--help"], ["search", "--help"], ["reindex", "--help"], ["serve", "--help"]]
)
def test_help_loads_no_engine(args: list[str]) -> None:
    out = subprocess.run(
        [sys.executable, "-c", LOADED, *args],
        capture_output=True,
        text=True,
        check=True,
        env=clean_env(),
    ).stdout
    loaded = set(json.loads(out.replace("'", '"')))
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


def test_the_name_table_loads_without_the_analyzer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped analysed table is read, not analysed: no name goes through english_key."""
    names.cedict_layer.cache_clear()

    def refuse(name: str) -> tuple[str, ...]:
        raise AssertionError(f"analysed {name!r} at load time")

    monkeypatch.setattr(names, "english_key", refuse)
    monkeypatch.setattr(names, "han_key", refuse)
    try:
        layer = names.cedict_layer()
    finally:
        monkeypatch.undo()
        names.cedict_layer.cache_clear()
    assert layer.to_chinese[("jack", "ma")] == ["马云"]


def test_ready_loads_what_a_search_needs(
    sample_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(names, "_tables", LRU(8))  # no table built by an earlier test
    names.cedict_layer.cache_clear()
    ready(sample_archive)
    assert names.cedict_layer.cache_info().currsize == 1


def test_serve_says_loading_then_ready_and_answers(tmp_path: Path) -> None:
    config = write_config(tmp_path, [SAMPLE_CORPUS], workers=0)
    cmd = newsarchive(config)
    subprocess.run([*cmd, "index", "--quiet"], check=True, env=clean_env())
    port = free_port()
    server = subprocess.Popen(
        [*cmd, "serve", "--port", str(port)],
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline().strip() for _ in range(3)]
        assert lines[0] == f"newsarchive: loading {tmp_path / 'index'} …"
        assert lines[1] == f"newsarchive: serving {tmp_path / 'index'} on http://127.0.0.1:{port}/"
        assert lines[2].startswith("newsarchive: ready (") and lines[2].endswith(" s)")
        url = f"http://127.0.0.1:{port}/api/search?q=%E9%A6%AC%E9%9B%B2"
        started = time.monotonic()
        with urllib.request.urlopen(url, timeout=30) as response:
            page = json.loads(response.read())
        assert page["total"] >= 1
        assert time.monotonic() - started < 5  # everything was loaded before "ready"
    finally:
        server.terminate()
        server.wait()
        if server.stdout is not None:
            server.stdout.close()


def test_a_search_prints_its_own_time(tmp_path: Path) -> None:
    """The time printed leaves out loading the index and the name table."""
    settings = make_settings(tmp_path / "index", workers=0)
    Archive(settings).index_paths([SAMPLE_CORPUS / "text"])
    env = clean_env()
    started = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "indexer",
            "--index",
            str(tmp_path / "index"),
            "search",
            "马云",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    wall_ms = (time.perf_counter() - started) * 1000
    printed = float(out.split("(", 1)[1].split(" ms)", 1)[0])
    assert printed < wall_ms / 2, (printed, wall_ms)
