"""One writer at a time, across processes, with a lock that cannot go stale.

The lock is an advisory ``flock`` on ``writer.lock`` in the index home. The kernel
drops it when its process ends, however it ends (SIGKILL included), so a lock left by
a process that no longer exists is never in the way: the next writer takes it at once,
and reports the dead holder it replaced. The file also says who holds it (pid, host,
command, start time), so a writer that waits in vain can name what it waited for.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indexer.errors import IndexLockedError

LOCK_FILE = "writer.lock"
log = logging.getLogger("newsarchive")
POLL_SECONDS = 0.1
NOTICE_SECONDS = 5.0  # a waiting writer says it is still waiting this often

# Locks this process holds, by path, with a depth: a writer may call another writer.
_held: dict[Path, tuple[int, int]] = {}


def holder(home: Path) -> dict[str, Any] | None:
    """What the lock file says about its (last) holder, if anything."""
    try:
        data: dict[str, Any] = json.loads((home / LOCK_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def describe(info: dict[str, Any] | None) -> str:
    if not info:
        return "another process"
    return (
        f"process {info.get('pid')} on {info.get('host')} "
        f"(`{info.get('command')}`, started {info.get('started')})"
    )


@contextmanager
def writer_lock(home: Path, timeout: float, command: str | None = None) -> Iterator[str | None]:
    """Hold the index home's writer lock; wait up to timeout seconds, then IndexLockedError.

    Yields a note when a stale lock left by a dead process was cleared, else None.
    """
    home.mkdir(parents=True, exist_ok=True)
    path = (home / LOCK_FILE).resolve()
    if path in _held:
        fd, depth = _held[path]
        _held[path] = (fd, depth + 1)
        try:
            yield None
        finally:
            fd, depth = _held[path]
            _held[path] = (fd, depth - 1)
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    began = time.monotonic()
    deadline = began + timeout
    notice = began  # the first notice at once, then every NOTICE_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            now = time.monotonic()
            if now >= deadline:
                os.close(fd)
                raise IndexLockedError(
                    f"the index at {home} is being written by {describe(holder(home))}; "
                    f"waited {timeout:g} s (index.writer_timeout). Try again when it has finished."
                ) from None
            if now >= notice:
                if notice == began:
                    log.warning(
                        "waiting for the index at %s: it is being written by %s; "
                        "waiting up to %g s (index.writer_timeout)",
                        home,
                        describe(holder(home)),
                        timeout,
                    )
                else:
                    log.warning(
                        "still waiting for %s (%.0f s of %g s)",
                        describe(holder(home)),
                        now - began,
                        timeout,
                    )
                notice = now + NOTICE_SECONDS
            time.sleep(POLL_SECONDS)
    previous = holder(home)
    note = None
    if previous and previous.get("pid") and not _alive(int(previous["pid"])):
        note = f"cleared a stale lock left by {describe(previous)}, which no longer runs"
        log.warning(note)
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": command or " ".join(["newsarchive", *sys.argv[1:]]),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(info).encode("utf-8"), 0)
    _held[path] = (fd, 1)
    try:
        yield note
    finally:
        fd, depth = _held.pop(path)
        if depth > 1:  # pragma: no cover - depth is balanced by the context managers
            _held[path] = (fd, depth - 1)
        else:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
