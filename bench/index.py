"""Indexing benchmark: newsarchive against the naive build and the floor, side by side.

For each input size it runs, one after another on the same machine:

* ``newsarchive`` — ``newsarchive index`` as a user runs it (parallel workers, batched
  commits, the configured segmenter);
* ``naive`` — Whoosh with jieba's own ``ChineseAnalyzer`` on title and body, one
  process, the default writer, one commit;
* ``floor`` — parse + fold + segment only, no index, on every core, with the same
  segmenter newsarchive uses: the throughput no index built this way can beat.

Each run is a separate process; peak memory is the largest sum of RSS over the process
and its children, sampled every 0.1 s. Sizes above the corpus are the corpus
*replicated* (each copy's ids get a ``~rN`` suffix), written once to ``bench/out/``.

    .venv/bin/python bench/index.py                       # full corpus only
    .venv/bin/python bench/index.py --sizes full,100000,300000 --naive-sizes full
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "jsonl"


# --- inputs --------------------------------------------------------------------------


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("*.jsonl"))


def replicated(corpus: Path, size: int) -> Path:
    """A folder of JSON Lines holding `size` articles: the corpus, copied with new ids."""
    folder = OUT / f"replicated-{size}"
    done = folder / ".complete"
    if done.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    written, copy = 0, 0
    while written < size:
        for path in corpus_files(corpus):
            with (
                path.open(encoding="utf-8") as src,
                (folder / f"r{copy}-{path.name}").open("w", encoding="utf-8") as dst,
            ):
                for line in src:
                    if written >= size:
                        break
                    record = json.loads(line)
                    if copy:
                        record["id"] = f"{record['id']}~r{copy}"
                    dst.write(json.dumps(record, ensure_ascii=False) + "\n")
                    written += 1
            if written >= size:
                break
        copy += 1
    done.write_text(str(written))
    return folder


def text_bytes(folder: Path) -> tuple[int, int]:
    """Articles and UTF-8 bytes of title + body in a folder of JSON Lines."""
    count = size = 0
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                count += 1
                size += len(((record.get("title") or "") + (record.get("body") or "")).encode())
    return count, size


# --- measuring a process -------------------------------------------------------------


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            with open(f"/proc/{current}/task/{current}/children") as fh:
                pids.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def measure(cmd: list[str]) -> dict[str, Any]:
    """Run a command; its wall time, peak tree RSS, exit status and last output line."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    stop.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{err[-2000:]}")
    return {"seconds": seconds, "peak_rss": peak, "output": out.strip().splitlines()[-1:]}


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --- the three builds ------------------------------------------------------------------


def run_newsarchive(source: Path, index: Path, workers: int | None) -> dict[str, Any]:
    cmd = [
        sys.executable,
        "-m",
        "indexer",
        "--config",
        str(ROOT / "config.toml"),
        "--index",
        str(index),
        "index",
        str(source),
        "--quiet",
        "--json",
    ]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    return measure(cmd)


def run_naive(source: Path, index: Path) -> dict[str, Any]:
    return measure([sys.executable, __file__, "--naive-worker", str(source), str(index)])


def run_floor(source: Path) -> dict[str, Any]:
    return measure([sys.executable, __file__, "--floor-worker", str(source)])


def naive_worker(source: Path, index: Path) -> None:
    """Whoosh + jieba's ChineseAnalyzer, one process, default writer (the obvious build)."""
    import logging

    import jieba
    from jieba.analyse import ChineseAnalyzer
    from whoosh import index as whoosh_index
    from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

    from indexer.parse import parse_date

    jieba.setLogLevel(logging.WARNING)
    analyzer = ChineseAnalyzer()
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        published=DATETIME(stored=True),
        url=STORED(),
        source=STORED(),
        author=STORED(),
    )
    index.mkdir(parents=True)
    ix = whoosh_index.create_in(str(index), schema)
    writer = ix.writer()
    for record in _records(source):
        doc = {k: record.get(k) or "" for k in ("id", "title", "body", "url", "source", "author")}
        published = parse_date(record.get("published") or "")
        if published:
            doc["published"] = published
        writer.add_document(**doc)
    writer.commit()


def floor_worker(source: Path) -> None:
    """Parse + fold + segment every article on every core; build nothing."""
    import multiprocessing

    from indexer import pipeline
    from indexer.config import cores, load_settings

    segmenter = load_settings(ROOT / "config.toml").segmenter
    pipeline._init_worker(segmenter, None)
    with multiprocessing.get_context("fork").Pool(cores()) as pool:
        count = sum(pool.imap_unordered(_floor_unit, pipeline._units([source], None), chunksize=1))
    print(count)


def _floor_unit(unit: Any) -> int:
    from indexer.analysis import segment
    from indexer.article import Article
    from indexer.parse import parse_jsonl_line, read_file
    from indexer.pipeline import _Lines, _segmenter_name

    items = (
        (parse_jsonl_line(unit.found, unit.first + i, raw) for i, raw in enumerate(unit.lines))
        if isinstance(unit, _Lines)
        else read_file(unit)
    )
    count = 0
    for item in items:
        if isinstance(item, Article):
            for text in (item.title, item.body):
                for _ in segment(text, _segmenter_name):
                    pass
            count += 1
    return count


def _records(source: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(source.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)


# --- report --------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--sizes", default="full", help="full and/or article counts, comma-separated"
    )
    parser.add_argument("--naive-sizes", default="full", help="sizes to run the naive build on")
    parser.add_argument("--workers", type=int, default=None, help="newsarchive --workers")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the indexes as bench/out/index-SIZE and naive-SIZE (for bench/query.py)",
    )
    parser.add_argument("--naive-worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--floor-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.naive_worker:
        naive_worker(*args.naive_worker)
        return
    if args.floor_worker:
        floor_worker(args.floor_worker)
        return

    sys.path.insert(0, str(ROOT))
    rows: list[dict[str, Any]] = []
    naive_sizes = set(args.naive_sizes.split(","))
    for size in args.sizes.split(","):
        source = args.corpus if size == "full" else replicated(args.corpus, int(size))
        articles, nbytes = text_bytes(source)
        label = f"{articles} articles" + ("" if size == "full" else " (replicated)")
        runs: list[tuple[str, dict[str, Any]]] = []
        OUT.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=OUT) as tmp:
            ours_dir, naive_dir = Path(tmp) / "ours", Path(tmp) / "naive"
            ours = run_newsarchive(source, ours_dir, args.workers)
            ours["index_bytes"] = folder_size(ours_dir)
            runs.append(("newsarchive", ours))
            if size in naive_sizes:
                naive = run_naive(source, naive_dir)
                naive["index_bytes"] = folder_size(naive_dir)
                runs.append(("naive", naive))
            runs.append(("floor", run_floor(source)))
            if args.keep:
                for built, name in ((ours_dir, "index"), (naive_dir, "naive")):
                    if built.exists():
                        shutil.rmtree(OUT / f"{name}-{size}", ignore_errors=True)
                        built.rename(OUT / f"{name}-{size}")
        for name, run in runs:
            rows.append(
                {
                    "input": label,
                    "size": size,
                    "build": name,
                    "articles": articles,
                    "seconds": round(run["seconds"], 1),
                    "articles_per_s": round(articles / run["seconds"], 1),
                    "mb_per_s": round(nbytes / 1e6 / run["seconds"], 2),
                    "peak_rss_mb": round(run["peak_rss"] / 2**20),
                    "index_mb": round(run.get("index_bytes", 0) / 1e6, 1)
                    if "index_bytes" in run
                    else None,
                }
            )
        by = {r["build"]: r for r in rows if r["size"] == size}
        ours_rate = by["newsarchive"]["articles_per_s"]
        by["newsarchive"]["x_naive"] = (
            round(ours_rate / by["naive"]["articles_per_s"], 2) if "naive" in by else None
        )
        by["newsarchive"]["of_floor"] = round(ours_rate / by["floor"]["articles_per_s"], 2)
        _print_table([r for r in rows if r["size"] == size])
    figures = {"machine": {"cores": os.cpu_count()}, "rows": rows}
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


def _print_table(rows: list[dict[str, Any]]) -> None:
    head = (
        f"{'input':<28} {'build':<12} {'s':>8} {'art/s':>9} {'MB/s':>7} {'peak MB':>8} "
        f"{'index MB':>9} {'vs naive':>9} {'of floor':>9}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['input']:<28} {r['build']:<12} {r['seconds']:>8} {r['articles_per_s']:>9} "
            f"{r['mb_per_s']:>7} {r['peak_rss_mb']:>8} {str(r['index_mb'] or '-'):>9} "
            f"{str(r.get('x_naive') or '-'):>9} {str(r.get('of_floor') or '-'):>9}"
        )
    print()


if __name__ == "__main__":
    main()
