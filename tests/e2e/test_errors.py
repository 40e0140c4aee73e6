"""Clear, early errors: bad settings and options named as the user wrote them, a waiting
writer that says so, every unreadable item reported, and never a traceback."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import EXIT_ERROR, EXIT_ITEMS_FAILED, cli
from indexer.config import load_settings
from indexer.errors import ConfigError, IndexLockedError
from indexer.store import lock
from tests.helpers import SAMPLE_CORPUS, hold_lock, write_config
from tests.serving import clean_env

USAGE = 2


# --- settings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[server]\nport = 99999\n", "server.port must be between 1 and 65535, not 99999"),
        ("[server]\nport = 0\n", "server.port must be between 1 and 65535, not 0"),
        ('[server]\nport = "8080"\n', "server.port must be a whole number, not '8080'"),
        ('[server]\nhost = "local host"\n', "server.host must be an IP address or a host name"),
        ('[server]\nhost = ""\n', "server.host must be an IP address or a host name"),
        ("[server]\nthreads = 0\n", "server.threads must be at least 1, not 0"),
        ("[ingest]\nmax_file_mb = -5\n", "ingest.max_file_mb must be more than 0, not -5"),
        ("[index]\nwriter_timeout = -1\n", "index.writer_timeout must be 0 seconds or more"),
        ("[index]\nbatch_size = 0\n", "index.batch_size must be at least 1, not 0"),
        ("[index]\nworkers = -3\n", "index.workers must be -1 (one per core), 0 or more"),
        ('[index]\nsegmenter = "pkuseg"\n', "index.segmenter must be one of jieba, rjieba"),
        ("[search]\ndefault_limit = 500\n", "search.default_limit (500) must not exceed"),
        ("[search]\nsnippet_chars = -1\n", "search.snippet_chars must be at least 1, not -1"),
        ("[sources]\npaths = [1, 2]\n", "sources.paths must be a list of paths"),
        ("[server]\nport = 80\nbogus = 1\n", "unknown key server.bogus"),
    ],
    ids=[
        "port too high",
        "port zero",
        "port not a number",
        "host with a space",
        "empty host",
        "no threads",
        "negative file size",
        "negative lock timeout",
        "empty batch",
        "workers below -1",
        "unknown segmenter",
        "default limit above the maximum",
        "negative snippet",
        "sources not paths",
        "unknown key",
    ],
)
def test_bad_settings_are_named_as_section_key(tmp_path: Path, toml: str, message: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_settings(config)
    assert str(refused.value).startswith(f"{config}: ")
    assert message in str(refused.value)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "[::1]", "0.0.0.0", "localhost", "a.b-c.org"])
def test_good_hosts_are_accepted(host: str) -> None:
    assert load_settings(None, host=host).host == host


def test_a_bad_port_in_the_config_stops_serve_before_it_listens(
    runner: CliRunner, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[server]\nport = 99999\n", encoding="utf-8")
    result = runner.invoke(cli, ["--config", str(config), "serve"])
    assert result.exit_code == EXIT_ERROR
    assert result.output == (
        f"Error: {config}: server.port must be between 1 and 65535, not 99999\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "--port", "70000"], "Invalid value for '--port': 70000 is not in the range"),
        (["serve", "--port", "0"], "Invalid value for '--port': 0 is not in the range"),
        (["serve", "--host", "no such host"], "Invalid value for '--host': must be an IP"),
        (["search", "x", "--limit", "0"], "Invalid value for '--limit' / '-n': 0 is not in"),
        (["search", "x", "--limit", "1000"], "'--limit': 1000 is more than search.max_limit"),
        (["search", "x", "--offset", "-1"], "Invalid value for '--offset': -1 is not in"),
        (["index", "--workers", "-1"], "Invalid value for '--workers' / '-j': -1 is not in"),
    ],
    ids=["port too high", "port zero", "bad host", "limit 0", "limit over max", "offset", "-j"],
)
def test_bad_options_are_named(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    config = write_config(tmp_path, [SAMPLE_CORPUS])
    result = runner.invoke(cli, ["--config", str(config), *args])
    assert result.exit_code == USAGE
    assert message in result.output


# --- a writer waiting for the lock ------------------------------------------------------


def test_a_waiting_writer_says_so_at_once_on_stderr(tmp_path: Path) -> None:
    config = write_config(tmp_path, [SAMPLE_CORPUS / "text"], writer_timeout=1.5, workers=0)
    holder = hold_lock(tmp_path / "index", "30")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "indexer", "--config", str(config), "index", "--quiet"],
            capture_output=True,
            text=True,
            env=clean_env(),
        )
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    lines = result.stderr.splitlines()
    assert result.returncode == EXIT_ERROR
    assert lines[0].startswith(
        f"newsarchive: waiting for the index at {tmp_path / 'index'}: it is being written by "
        f"process {holder.pid} on "
    )
    assert "(`newsarchive index big-archive/`, started 20" in lines[0]
    assert lines[0].endswith("; waiting up to 1.5 s (index.writer_timeout)")
    assert lines[-1].startswith("Error: the index at ")
    assert "Traceback" not in result.stderr


def test_a_waiting_writer_keeps_the_user_informed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(lock, "NOTICE_SECONDS", 0.3)
    holder = hold_lock(tmp_path, "30")
    try:
        with (
            caplog.at_level(logging.WARNING, logger="newsarchive"),
            pytest.raises(IndexLockedError),
            lock.writer_lock(tmp_path, 1.0),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0].startswith("waiting for the index at ")
    assert len(messages) >= 3
    assert all(m.startswith(f"still waiting for process {holder.pid} on ") for m in messages[1:])
    assert messages[1].endswith(" s of 1 s)")


# --- items the walk cannot read ---------------------------------------------------------


@pytest.fixture
def awkward(tmp_path: Path) -> Path:
    """A folder with one good article, a dangling symbolic link, a link loop and a file of
    another type."""
    folder = tmp_path / "awkward"
    folder.mkdir()
    (folder / "good.txt").write_text("Good\n\nA harbour story told well.\n", encoding="utf-8")
    (folder / "dangling.txt").symlink_to(tmp_path / "moved-away.txt")
    (folder / "loop-a.txt").symlink_to(folder / "loop-b.txt")
    (folder / "loop-b.txt").symlink_to(folder / "loop-a.txt")
    (folder / "notes.odt").write_bytes(b"PK")
    return folder


def test_every_item_the_walk_cannot_read_is_reported(
    runner: CliRunner, tmp_path: Path, awkward: Path
) -> None:
    config = write_config(tmp_path, [awkward], workers=0)
    report = tmp_path / "report.json"
    result = runner.invoke(cli, ["--config", str(config), "index", "--report", str(report)])
    assert result.exit_code == EXIT_ITEMS_FAILED
    target = tmp_path / "moved-away.txt"
    assert (
        f"failed: {awkward / 'dangling.txt'}: broken symbolic link to {target}: "
        "No such file or directory\n"
    ) in result.output
    assert (
        f"failed: {awkward / 'loop-a.txt'}: broken symbolic link to {awkward / 'loop-b.txt'}: "
        "Too many levels of symbolic links\n"
    ) in result.output
    assert f"skipped: {awkward / 'notes.odt'}: not an article file (unknown type)\n" in (
        result.output
    )
    assert "indexed 1, updated 0, skipped 1, failed 3 in " in result.output
    listed = {(p["location"], p["skipped"]) for p in json.loads(report.read_text())}
    assert listed == {
        (str(awkward / "dangling.txt"), False),
        (str(awkward / "loop-a.txt"), False),
        (str(awkward / "loop-b.txt"), False),
        (str(awkward / "notes.odt"), True),
    }


def test_an_unreadable_file_is_reported(runner: CliRunner, tmp_path: Path, awkward: Path) -> None:
    locked = awkward / "locked.txt"
    locked.write_text("Locked\n\nNobody may read this.\n", encoding="utf-8")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip(
                "running as root, which reads a chmod 000 file; the symbolic link loop of "
                "test_every_item_the_walk_cannot_read_is_reported is a file root cannot read"
            )
        config = write_config(tmp_path, [awkward], workers=0)
        result = runner.invoke(cli, ["--config", str(config), "index"])
        assert result.exit_code == EXIT_ITEMS_FAILED
        assert f"failed: {locked}: cannot read file: Permission denied\n" in result.output
    finally:
        locked.chmod(0o644)


def test_a_folder_that_cannot_be_listed_is_reported(tmp_path: Path, awkward: Path) -> None:
    from indexer.ingest.parse import find_inputs

    shut = awkward / "shut"
    shut.mkdir()
    (shut / "inside.txt").write_text("Inside\n\nText.\n", encoding="utf-8")
    shut.chmod(0)
    try:
        if os.access(shut, os.R_OK):
            pytest.skip("running as root, which lists a chmod 000 folder")
        problems = {e.location: e.reason for e in find_inputs([awkward]) if hasattr(e, "reason")}
        assert problems[str(shut)] == "cannot list folder: Permission denied"
    finally:
        shut.chmod(0o755)


def test_counts_read_as_english(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "only.txt").write_text("Only\n\nThe one harbour story.\n", encoding="utf-8")
    config = write_config(tmp_path, [folder], workers=0)
    assert runner.invoke(cli, ["--config", str(config), "index", "-q"]).exit_code == 0
    assert runner.invoke(cli, ["--config", str(config), "stats"]).output.startswith("1 article in ")
    assert runner.invoke(cli, ["--config", str(config), "search", "harbour"]).output.startswith(
        "1 hit for 'harbour' ("
    )
    assert runner.invoke(cli, ["--config", str(config), "check"]).output == (
        "ok: 1 article checked\n"
    )


# --- never a traceback ------------------------------------------------------------------

BAD_INPUTS = {
    "index": ["index", "/no/such/folder"],
    "parse": ["parse", "/no/such/file.txt"],
    "search": ["search", "date:2016-13..2017"],
    "serve": ["serve", "--port", "99999"],
    "reindex": ["reindex"],
    "stats": ["stats"],
    "check": ["check"],
    "delete": ["delete", "no-such-id"],
    "optimize": ["optimize"],
    "export": ["export", "-o", "/no/such/folder/out.jsonl"],
    "import": ["import", "/no/such/backup.jsonl"],
}


@pytest.mark.parametrize("command", list(BAD_INPUTS))
def test_no_command_shows_a_traceback(tmp_path: Path, command: str) -> None:
    """Each command, given a bad input (on an index home with no index), fails with a
    message and a non-zero exit, never a traceback."""
    config = write_config(tmp_path, [], writer_timeout=1.0)
    result = subprocess.run(
        [sys.executable, "-m", "indexer", "--config", str(config), *BAD_INPUTS[command]],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=60,
    )
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.stderr.startswith(("Error: ", "failed: ", "problem: ", "Usage: ")), result.stderr


def test_a_bug_is_reported_without_a_traceback(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.search import stats

    def broken(archive: object) -> None:
        raise KeyError("by_year")

    monkeypatch.setattr(stats, "archive_stats", broken)
    config = write_config(tmp_path, [])
    result = runner.invoke(cli, ["--config", str(config), "stats"])
    assert result.exit_code == EXIT_ERROR
    assert result.output == "Error: internal error (KeyError: 'by_year'); please report it\n"


def test_a_reader_that_goes_away_is_no_error(tmp_path: Path) -> None:
    """`newsarchive search … | head -1`: the pipe closes early; no traceback, no message."""
    config = write_config(tmp_path, [SAMPLE_CORPUS / "text"], workers=0)
    base = [sys.executable, "-m", "indexer", "--config", str(config)]
    subprocess.run([*base, "index", "-q"], check=True, env=clean_env())
    proc = subprocess.Popen(
        [*base, "search", "harbour OR 腾讯"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the command writes anything
    errors = proc.stderr.read()
    proc.stderr.close()
    proc.wait()
    assert errors == ""
