"""Query benchmark: latency of the full work behind one results page, against the naive build.

A results page is everything `newsarchive search` and the web page do for one request:
parse and expand the query, search, count facets, and build the top 10 with highlighted
snippets, explanations and (for few hits) suggestions. ``newsarchive`` is measured cold
(every query counted and ranked afresh) and warm (the same search again in the same
index commit, as for a popular search: totals, facets and the best stories are kept per
commit, and only the page's hits are built). The naive build's page is
Whoosh + jieba's ``ChineseAnalyzer``: the default query parser on the body, top 10,
with Whoosh's highlighter re-analysing each stored body.

Both run in this process on the same machine, interleaved query by query, so noise hits
both alike. Indexes come from ``bench/index.py --keep`` (``bench/out/index-SIZE`` and
``bench/out/naive-SIZE``):

    .venv/bin/python bench/index.py --sizes full --keep
    .venv/bin/python bench/query.py --sizes full
    .venv/bin/python bench/query.py --sizes full,100000,300000   # naive only where built
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

# (type, query, extra request fields): a fixed mix of what readers type.
MIX: list[tuple[str, str, dict[str, Any]]] = [
    ("zh word", "疫情", {}),
    ("zh word", "经济", {}),
    ("zh word", "房价", {}),
    ("en word", "oil", {}),
    ("en word", "election", {}),
    ("en word", "bank", {}),
    ("two-word AND", "oil AND prices", {}),
    ("two-word AND", "经济 AND 增长", {}),
    ("en phrase", '"interest rates"', {}),
    ("en phrase", '"trade deficit"', {}),
    ("zh phrase", '"新冠肺炎"', {}),
    ("zh phrase", '"人工智能"', {}),
    ("date-filtered", "oil date:1987-03..1987-04", {}),
    ("date-filtered", "疫情 date:2020-03..2020-03", {}),
    ("sorted by date", "football", {"sort": "newest"}),
    ("sorted by date", "学校", {"sort": "newest"}),
    ("name-expanded", "Tencent", {}),
    ("name-expanded", "Jack Ma", {}),
    ("name-expanded", "马云", {}),
    ("zero-hit", "xyzzyqqv", {}),
    ("zero-hit", "鑫鑫鑫鑫鑫", {}),
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class Ours:
    """newsarchive's results page. Cold: the per-commit store of what each search found
    is emptied before each query, as for a query nobody asked since the last commit."""

    def __init__(self, index: Path, cold: bool) -> None:
        self.cold = cold
        from indexer.config import load_settings
        from indexer.store import Archive

        self.archive = Archive(load_settings(ROOT / "config.toml").with_index(index))

    def page(self, q: str, extra: dict[str, Any]) -> int:
        from indexer import search as search_module

        if self.cold:
            search_module._summaries.items.clear()
        result = search_module.search(
            self.archive, search_module.SearchRequest(q=q, limit=10, **extra)
        )
        return result.total


class Naive:
    def __init__(self, index: Path) -> None:
        import jieba
        from whoosh import index as whoosh_index
        from whoosh.qparser import QueryParser

        jieba.setLogLevel(logging.WARNING)
        self.ix = whoosh_index.open_dir(str(index))
        self.searcher = self.ix.searcher()
        self.parser = QueryParser("body", self.ix.schema)

    def page(self, q: str, extra: dict[str, Any]) -> int:
        query = self.parser.parse(q.replace("date:", "published:"))
        sortedby = "published" if extra.get("sort") else None
        results = self.searcher.search(query, limit=10, sortedby=sortedby, reverse=True)
        for hit in results:
            hit.highlights("body")
        return len(results)


def run(size: str, rounds: int) -> list[dict[str, Any]]:
    builds: dict[str, Any] = {
        "newsarchive": Ours(OUT / f"index-{size}", cold=True),
        "newsarchive (warm)": Ours(OUT / f"index-{size}", cold=False),
    }
    if (OUT / f"naive-{size}").exists():
        builds["naive"] = Naive(OUT / f"naive-{size}")
    for build in builds.values():  # warm up: dictionaries, name table, file caches
        for _, q, extra in MIX:
            build.page(q, extra)
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(rounds):
        for kind, q, extra in MIX:
            for name, build in builds.items():
                started = time.perf_counter()
                build.page(q, extra)
                times.setdefault((name, kind), []).append((time.perf_counter() - started) * 1000)
                times.setdefault((name, "all"), []).append((time.perf_counter() - started) * 1000)
    rows = []
    for (name, kind), values in times.items():
        rows.append(
            {
                "size": size,
                "build": name,
                "type": kind,
                "n": len(values),
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 95), 1),
                "p99_ms": round(percentile(values, 99), 1),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="full")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    rows: list[dict[str, Any]] = []
    for size in args.sizes.split(","):
        rows += run(size, args.rounds)
    head = (
        f"{'size':<8} {'build':<19} {'query type':<16} {'n':>4} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    )
    print(head)
    print("-" * len(head))
    for r in sorted(rows, key=lambda r: (r["size"], r["type"] != "all", r["type"], r["build"])):
        print(
            f"{r['size']:<8} {r['build']:<19} {r['type']:<16} {r['n']:>4} "
            f"{r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8}"
        )
    summary = {}
    for size in args.sizes.split(","):
        alls = {r["build"]: r for r in rows if r["size"] == size and r["type"] == "all"}
        if "naive" in alls:
            summary[size] = {
                "p95_ratio_to_naive": round(
                    alls["newsarchive"]["p95_ms"] / alls["naive"]["p95_ms"], 3
                )
            }
    sizes = args.sizes.split(",")
    if "full" in sizes and len(sizes) > 1:
        base = next(
            r
            for r in rows
            if r["size"] == "full" and r["build"] == "newsarchive" and r["type"] == "all"
        )
        for size in sizes[1:]:
            other = next(
                r
                for r in rows
                if r["size"] == size and r["build"] == "newsarchive" and r["type"] == "all"
            )
            summary.setdefault(size, {})["p95_growth_over_full"] = round(
                other["p95_ms"] / base["p95_ms"], 2
            )
    print()
    for size, figures in summary.items():
        print(size, figures)
    data = {"rows": rows, "summary": summary}
    print(json.dumps(data, indent=2))
    if args.json:
        args.json.write_text(json.dumps(data, indent=2))


if __name__ == "__main__":
    main()
