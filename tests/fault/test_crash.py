"""Writers killed with SIGKILL at several points leave the last committed index intact,
and running the same command again ends with exactly the expected articles."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from indexer.admin import check
from indexer.search.core import SearchRequest, search
from indexer.store.archive import Archive
from tests.helpers import make_settings, write_config
from tests.serving import clean_env, newsarchive

pytestmark = pytest.mark.slow

FILES, PER_FILE, BATCH = 4, 400, 100
WORDS_EN = [
    "harbour",
    "council",
    "ferry",
    "archive",
    "rates",
    "inflation",
    "museum",
    "rail",
    "drought",
    "tea",
    "festival",
]
WORDS_ZH = [
    "港口",
    "议会",
    "渡轮",
    "档案",
    "利率",
    "通胀",
    "博物馆",
    "铁路",
    "干旱",
    "茶叶",
    "元宵节",
    "台风",
]


def make_sources(folder: Path) -> set[str]:
    """JSON Lines files of small bilingual articles; returns every id they hold."""
    rng = random.Random(7)
    folder.mkdir(parents=True)
    ids = set()
    for f in range(FILES):
        lines = []
        for i in range(PER_FILE):
            ident = f"crash-{f}-{i}"
            ids.add(ident)
            words = rng.choices(WORDS_EN, k=40) + rng.choices(WORDS_ZH, k=40)
            rng.shuffle(words)
            lines.append(
                json.dumps(
                    {
                        "id": ident,
                        "title": f"Report {f}-{i} {rng.choice(WORDS_ZH)}",
                        "body": " ".join(words) + f" number {i}",
                        "published": f"20{10 + f}-0{1 + i % 9}-1{i % 9}",
                        "lang": "en",
                    },
                    ensure_ascii=False,
                )
            )
        (folder / f"part-{f}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ids


def start(config: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*newsarchive(config), *args],
        env=clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def files_of(home: Path) -> set[str]:
    """The files under the index folder while a writer runs: a folder it removes while
    they are listed (Whoosh's MAIN.tmp) is passed over, not an error (os.walk skips it)."""
    return {
        str(Path(folder, name).relative_to(home))
        for folder, _, names in os.walk(home)
        for name in names
    }


def kill_after(seconds: float) -> Callable[[subprocess.Popen[bytes], Path], None]:
    def killer(proc: subprocess.Popen[bytes], home: Path) -> None:
        time.sleep(seconds)
        proc.send_signal(signal.SIGKILL)

    return killer


def kill_when(
    predicate: Callable[[set[str], set[str]], bool], delay: float = 0.0
) -> Callable[[subprocess.Popen[bytes], Path], None]:
    """Kill as soon as the index folder shows what predicate(before, now) looks for."""

    def killer(proc: subprocess.Popen[bytes], home: Path) -> None:
        before = files_of(home)
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            now = files_of(home)
            if predicate(before, now):
                time.sleep(delay)
                break
            time.sleep(0.001)
        proc.send_signal(signal.SIGKILL)

    return killer


def tocs(files: set[str]) -> dict[str, int]:
    """The newest committed Whoosh generation in each index folder among these files."""
    out: dict[str, int] = {}
    for f in files:
        if m := re.search(r"^(.*)/_MAIN_(\d+)\.toc$", f):
            out[m.group(1)] = max(out.get(m.group(1), 0), int(m.group(2)))
    return out


def committed(before: set[str], now: set[str]) -> bool:
    """A batch was committed since `before` (in any index folder, new ones included)."""
    old = tocs(before)
    return any(n >= 1 and n > old.get(folder, 0) for folder, n in tocs(now).items())


def segments(files: set[str]) -> int:
    return sum(1 for f in files if f.endswith(".seg"))


# Early: before anything is committed. Mid-batch: soon after a batch was committed.
# During commit: the moment a new segment file appears, before its table of contents.
KILLS = {
    "early": kill_after(0.4),
    "mid-batch": kill_when(committed, delay=0.05),
    "during-commit": kill_when(lambda b, n: committed(b, n) and segments(n) > segments(b) + 1),
}


def assert_sound(home: Path, expected: set[str] | None = None) -> None:
    archive = Archive(make_settings(home))
    report = check(archive)
    assert report.ok, report.problems
    page = search(archive, SearchRequest(q="harbour", limit=5))
    assert page.total >= 0
    if expected is not None:
        stored = {fields["id"] for _, fields in archive.searcher().reader().iter_docs()}
        assert stored == expected
        assert archive.searcher().doc_count() == len(expected)
    archive.close()


@pytest.mark.parametrize("when", list(KILLS))
def test_index_killed_then_rerun(tmp_path: Path, when: str) -> None:
    expected = make_sources(tmp_path / "src")
    config = write_config(tmp_path, [tmp_path / "src"], batch_size=BATCH, workers=1)
    home = tmp_path / "index"
    # An index must exist for "last committed" to mean anything.
    first = subprocess.run(
        [
            sys.executable,
            "-m",
            "indexer",
            "--config",
            str(config),
            "index",
            str(tmp_path / "src" / "part-0.jsonl"),
            "--quiet",
        ],
        check=True,
    )
    assert first.returncode == 0
    proc = start(config, "index", "--quiet")
    KILLS[when](proc, home)
    assert proc.wait() == -signal.SIGKILL, "the writer finished before it could be killed"
    assert proc.stderr is not None
    proc.stderr.close()
    assert_sound(home)
    rerun = subprocess.run(
        [sys.executable, "-m", "indexer", "--config", str(config), "index", "--quiet"],
        capture_output=True,
        text=True,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert_sound(home, expected)


@pytest.mark.parametrize("when", list(KILLS))
def test_reindex_killed_then_rerun(tmp_path: Path, when: str) -> None:
    expected = make_sources(tmp_path / "src")
    config = write_config(tmp_path, [tmp_path / "src"], batch_size=BATCH, workers=1)
    home = tmp_path / "index"
    subprocess.run(
        [sys.executable, "-m", "indexer", "--config", str(config), "index", "--quiet"], check=True
    )
    live = (home / "CURRENT").read_text()
    proc = start(config, "reindex", "--quiet")
    KILLS[when](proc, home)
    assert proc.wait() == -signal.SIGKILL, "the rebuild finished before it could be killed"
    assert proc.stderr is not None
    proc.stderr.close()
    assert (home / "CURRENT").read_text() == live  # the live index never moved
    assert_sound(home, expected)
    rerun = subprocess.run(
        [sys.executable, "-m", "indexer", "--config", str(config), "reindex", "--quiet"],
        capture_output=True,
        text=True,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert (home / "CURRENT").read_text() != live
    assert len(list(home.glob("gen-*"))) == 1  # the crashed rebuild's folder is gone too
    assert_sound(home, expected)


@pytest.mark.parametrize(
    ("when", "gone"),
    [("mid-batch", "one file"), ("during-commit", "one file"), ("mid-batch", "every file")],
    ids=["mid-batch", "during-commit", "while carrying over"],
)
def test_reindex_killed_keeps_every_source(tmp_path: Path, when: str, gone: str) -> None:
    """A rebuild from a folder outside sources.paths and an import, killed, leaves the live
    index and its record of sources as they were; run again, it loses nothing. With every
    source file gone, the only commits of the rebuild carry stored copies over."""
    expected = make_sources(tmp_path / "src")
    extra = tmp_path / "extra"
    extra.mkdir()
    (tmp_path / "src" / "part-3.jsonl").rename(extra / "part-3.jsonl")
    imported = tmp_path / "backup.jsonl"
    imported.write_text(
        json.dumps({"id": "imported-1", "title": "Imported", "body": "harbour 港口"}) + "\n",
        encoding="utf-8",
    )
    expected.add("imported-1")
    config = write_config(tmp_path, [tmp_path / "src"], batch_size=BATCH, workers=1)
    home = tmp_path / "index"
    for args in (["index", "--quiet"], ["index", str(extra), "--quiet"], ["import", str(imported)]):
        subprocess.run(
            [sys.executable, "-m", "indexer", "--config", str(config), *args],
            check=True,
            capture_output=True,
        )
    (extra / "part-3.jsonl").unlink()  # its articles now live only in their stored copies
    if gone == "every file":
        (tmp_path / "src").rename(tmp_path / "src-moved")
    live = (home / "CURRENT").read_text()
    recorded = (home / "sources.json").read_text()
    proc = start(config, "reindex", "--quiet")
    killer = KILLS[when]
    if gone == "every file":
        # Past the (empty) reading's commit and a few carried-over batches.
        killer = kill_when(lambda b, n: any(c >= 4 for f, c in tocs(n).items() if f not in tocs(b)))
    killer(proc, home)
    assert proc.wait() == -signal.SIGKILL, "the rebuild finished before it could be killed"
    assert proc.stderr is not None
    proc.stderr.close()
    assert (home / "CURRENT").read_text() == live
    assert (home / "sources.json").read_text() == recorded
    assert_sound(home, expected)
    rerun = subprocess.run(
        [sys.executable, "-m", "indexer", "--config", str(config), "reindex", "--quiet"],
        capture_output=True,
        text=True,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert (home / "CURRENT").read_text() != live
    assert (home / "sources.json").read_text() == recorded
    assert_sound(home, expected)
