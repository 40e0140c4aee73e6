"""A real `newsarchive serve` in a child process: for the end-to-end tests, the benchmarks
and the README's screenshots (no pytest here, so that scripts can use it too)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def newsarchive(config: Path, index: Path | None = None) -> list[str]:
    """The `newsarchive` command line for a config file (and an index folder), run with this
    Python."""
    cmd = [sys.executable, "-m", "indexer", "--config", str(config)]
    return [*cmd, "--index", str(index)] if index is not None else cmd


def clean_env() -> dict[str, str]:
    """This process's environment without NEWSARCHIVE_ settings, which would override the
    config file the command is given."""
    return {k: v for k, v in os.environ.items() if not k.startswith("NEWSARCHIVE_")}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_listening(port: int, proc: subprocess.Popen[bytes], seconds: float = 60) -> bool:
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


@contextmanager
def serving(config: Path, index: Path | None = None, log: Path | None = None) -> Iterator[int]:
    """Run `newsarchive serve` on a free port until the block ends; yield the port once the
    server accepts connections. Its output goes to `log` (or nowhere); a server that does
    not start raises RuntimeError with what it printed."""
    port = free_port()
    out: IO[bytes] | int = log.open("wb") if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen(
        [*newsarchive(config, index), "serve", "--port", str(port)],
        env=clean_env(),
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        if not wait_listening(port, proc):
            proc.kill()
            said = log.read_text(encoding="utf-8", errors="replace") if log is not None else ""
            raise RuntimeError(f"newsarchive serve did not start: {said}")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if not isinstance(out, int):
            out.close()
