"""Helpers shared by the tests: paths, settings on a temporary index, servers, archives."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh import query as wq

from indexer.config import Settings, load_settings
from indexer.ingest.article import Article
from indexer.search.rank import WEIGHTING
from indexer.store.archive import Archive

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "corpus"
SHARED_CORPUS = (ROOT.parent / "shared" / "corpus").resolve()
DATA = Path(__file__).resolve().parent / "data"


def make_settings(index: Path, **overrides: object) -> Settings:
    """The project's config.toml, with the index in another folder and some values changed."""
    settings = load_settings(ROOT / "config.toml", **overrides)
    return settings.with_index(index)


def build_index(folder: Path, items: Iterable[Any]) -> Path:
    """An index of these articles (or ingest results) in folder/index; every one must index."""
    index = folder / "index"
    archive = Archive(make_settings(index))
    summary = archive.add(items)
    archive.close()
    assert summary.failed == 0, summary.problems
    return index


@contextmanager
def opened(index: Path) -> Iterator[Archive]:
    """The archive of an index built by `build_index`, closed afterwards."""
    archive = Archive(make_settings(index))
    try:
        yield archive
    finally:
        archive.close()


def write_config(folder: Path, sources: list[Path], **index: object) -> Path:
    """A config.toml of its own: index inside folder, the given sources."""
    lines = ["[index]", 'path = "index"']
    lines += [f"{k} = {json.dumps(v)}" for k, v in index.items()]
    lines += ["[sources]", f"paths = {json.dumps([str(p) for p in sources])}"]
    config = folder / "config.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


WORDS = [
    "copper",
    "smelter",
    "harbour",
    "tariff",
    "election",
    "budget",
    "council",
    "river",
    "school",
    "bridge",
]
FILLER = ["the", "a", "of", "on", "and", "to", "in", "for", "with", "by", "at", "from"]
SOURCES = ["Daily Post", "Evening Star", "Harbour Times"]


def varied_articles(count: int, seed: int = 7) -> list[Article]:
    """Articles of many lengths holding the words many times over, so that each word has
    many posting blocks; every seventh repeats an earlier one (a story told twice), and
    every tenth has no date."""
    rng = random.Random(seed)
    out: list[Article] = []
    for i in range(count):
        if i % 7 == 6:
            copy = out[rng.randrange(len(out))]
            out.append(
                Article(
                    id=f"a{i}",
                    title=copy.title,
                    body=copy.body,
                    source=SOURCES[i % 3],
                    published=copy.published,
                )
            )
            continue
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 12))]
        words += [rng.choice(FILLER) for _ in range(rng.randint(5, 300))]
        rng.shuffle(words)
        published = None if i % 10 == 9 else datetime(2000 + i % 21, 1 + i % 12, 1 + i % 28)
        out.append(
            Article(
                id=f"a{i}",
                title=f"Report {i} {rng.choice(WORDS)}",
                body=" ".join(words) + f" serial{i}.",
                source=SOURCES[i % 3],
                published=published,
            )
        )
    return out


def several_segments(folder: Path, seed: int, batch_size: int) -> Archive:
    """An archive of 2,500 such articles in small batches and no final merge: several
    segments, so offsets are exercised too."""
    archive = Archive(make_settings(folder, batch_size=batch_size, max_segments=0))
    archive.add(varied_articles(2500, seed))
    return archive


def reference_ranking(searcher: Any, q: wq.Query, k: int) -> list[tuple[float, int]]:
    """Whoosh scores every match; the best article of each story, best first."""
    collector = searcher.collector(limit=None)
    searcher.search_with_collector(q, collector, context=searcher.context(weighting=WEIGHTING))
    results = collector.results()
    best: dict[Any, tuple[float, int]] = {}
    for hit in results:
        story = searcher.stored_fields(hit.docnum).get("group") or hit.docnum
        held = best.get(story)
        if held is None or (hit.score, -hit.docnum) > (held[0], -held[1]):
            best[story] = (hit.score, hit.docnum)
    return sorted(best.values(), key=lambda sd: (-sd[0], sd[1]))[:k]


HOLD_LOCK = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from indexer.store.lock import writer_lock
    with writer_lock(Path(sys.argv[1]), 5, "newsarchive index big-archive/"):
        print("locked", flush=True)
        if sys.argv[2] == "die":
            os.kill(os.getpid(), 9)
        time.sleep(float(sys.argv[2]))
    """
)


def hold_lock(home: Path, how: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(home), how], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc
