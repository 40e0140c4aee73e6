"""Substring benchmark: can a reader find an article by a run of Chinese characters from its title?

    .venv/bin/python bench/substring.py                    # 500 samples, seed 1
    .venv/bin/python bench/substring.py --n 200 --seed 7 --show-misses
    .venv/bin/python bench/substring.py --json bench/out/substring.json

A reader often remembers a few characters of a headline rather than its words, and the
segmenter may cut those characters differently inside the title than alone (荆楚行/动 in
the title, 行动 typed). This samples such runs and searches them as typed.

Sampling (seeded, so a run is repeatable): an article is drawn uniformly from the JSONL
files' articles whose title holds at least two Han characters in a row, then one window of
2 to 6 consecutive Han characters of its title (within one run of Han characters, every
window equally likely), as it is written there (Traditional for Apple Daily). A sample is
kept when the run, folded Traditional -> Simplified with OpenCC t2s, occurs literally in the
folded title or body of at most 10 articles, so that the source article can be in the top
10. Runs already drawn are not drawn again.

Excluded: runs of one repeated character (哈哈, 呵呵呵); they are counted and shown.

Each sample is searched with newsarchive (the index relevance.py builds and caches in
bench/out/) and with the naive baseline (Whoosh + jieba's ChineseAnalyzer, also as
relevance.py builds it). A sample is found when its source article, or a copy in the same
story group, is among the first 10 stories of the result list. A search that raises is a
failed request and counts as not found.
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import relevance  # noqa: E402
from corpus_text import HAN_RUN, Text, fold, read_corpus  # noqa: E402

MAX_HOLDERS = 10


@dataclass
class Sample:
    q: str
    source: str
    file: str
    holders: int


class Holders:
    """Counts the articles whose folded title + body holds a folded run."""

    def __init__(self, texts: list[Text]) -> None:
        self.ids: list[str] = []
        self.starts: list[int] = []
        parts: list[str] = []
        at = 0
        for t in texts:
            text = f"{t.title}\n{t.body}"
            if not HAN_RUN.search(text):
                continue  # a run of Han characters can only be in a text that has some
            folded = fold(text)
            self.ids.append(t.id)
            self.starts.append(at)
            parts.append(folded)
            at += len(folded) + 1
        self.text = "\x00".join(parts)

    def count(self, run: str, limit: int) -> int:
        """Articles holding the run, counted up to limit + 1."""
        run = fold(run)
        found: set[str] = set()
        at = self.text.find(run)
        while at >= 0 and len(found) <= limit:
            found.add(self.ids[bisect.bisect_right(self.starts, at) - 1])
            at = self.text.find(run, at + 1)
        return len(found)


def windows(title: str) -> list[str]:
    out = []
    for m in HAN_RUN.finditer(title):
        run = m.group()
        for size in range(2, 7):
            out += [run[i : i + size] for i in range(len(run) - size + 1)]
    return out


def draw(texts: list[Text], n: int, seed: int) -> tuple[list[Sample], dict[str, int]]:
    rnd = random.Random(seed)
    titled = [t for t in texts if t.file != "text" and windows(t.title)]
    titled.sort(key=lambda t: t.id)
    holders = Holders(texts)
    samples: list[Sample] = []
    drawn: set[str] = set()
    stats = Counter(titles=len(titled))
    while len(samples) < n and stats["tries"] < n * 100:
        stats["tries"] += 1
        t = rnd.choice(titled)
        run = rnd.choice(windows(t.title))
        if run in drawn:
            stats["drawn before"] += 1
            continue
        drawn.add(run)
        if len(set(run)) == 1:
            stats["excluded (one repeated character)"] += 1
            continue
        count = holders.count(run, MAX_HOLDERS)
        if count > MAX_HOLDERS:
            stats[f"too common (in more than {MAX_HOLDERS} articles)"] += 1
            continue
        samples.append(Sample(run, t.id, t.file, count))
    return samples, dict(stats)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=relevance.CORPUS)
    ap.add_argument("--out", type=Path, default=relevance.OUT, help="where the indexes are cached")
    ap.add_argument("--n", type=int, default=500, help="number of samples (default 500)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--show-misses", action="store_true", help="list the runs newsarchive misses")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the figures and every sample here")
    args = ap.parse_args(argv)
    if not (args.corpus / "jsonl").is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    texts = list(read_corpus(args.corpus))
    samples, stats = draw(texts, args.n, args.seed)
    print(f"drew {len(samples)} samples in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    archive = relevance.build_ours(args.corpus, args.out / "index", False)
    groups, _ = relevance.article_table(archive)
    systems = {"newsarchive": relevance.ours_searcher(archive)}
    if not args.no_baseline:
        ix = relevance.build_baseline(args.corpus, args.out / "baseline", False)
        systems["baseline"] = relevance.baseline_searcher(ix)

    results: dict[str, dict[str, Any]] = {}
    for name, run in systems.items():
        found: list[bool] = []
        failures = []
        tops: list[list[str]] = []
        began = time.perf_counter()
        for sample in samples:
            ranking, error = relevance.run_safely(run, {"q": sample.q})
            if error is not None:
                failures.append({"q": sample.q, "error": error})
            stories = relevance.by_story({"rel": {}}, ranking, groups)[1]
            found.append(groups.get(sample.source, sample.source) in stories[:10])
            tops.append(ranking[:3])
        by_length: dict[int, list[bool]] = defaultdict(list)
        by_file: dict[str, list[bool]] = defaultdict(list)
        for sample, hit in zip(samples, found, strict=True):
            by_length[len(sample.q)].append(hit)
            by_file[sample.file].append(hit)
        results[name] = {
            "found": sum(found),
            "share": round(sum(found) / len(samples), 3) if samples else 0.0,
            "failed": len(failures),
            "failures": failures,
            "by_length": {k: _share(v) for k, v in sorted(by_length.items())},
            "by_file": {k: _share(v) for k, v in sorted(by_file.items())},
            "ms_per_query": round((time.perf_counter() - began) * 1000 / max(len(samples), 1), 1),
            "hits": found,
            "tops": tops,
        }

    print_report(samples, stats, results, args)
    if args.show_misses:
        ours = results["newsarchive"]
        for sample, hit, top in zip(samples, ours["hits"], ours["tops"], strict=True):
            if not hit:
                print(
                    f"  miss {sample.q}\t{sample.source}\tin {sample.holders} article(s)\ttop {top}"
                )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "seed": args.seed,
            "n": len(samples),
            "stats": stats,
            "systems": {
                name: {k: v for k, v in r.items() if k not in {"hits", "tops"}}
                for name, r in results.items()
            },
            "samples": [
                {**asdict(s), **{f"found_{name}": r["hits"][i] for name, r in results.items()}}
                for i, s in enumerate(samples)
            ],
        }
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


def _share(hits: list[bool]) -> dict[str, float | int]:
    return {"n": len(hits), "share": round(sum(hits) / len(hits), 3)}


def print_report(
    samples: list[Sample],
    stats: dict[str, int],
    results: dict[str, dict[str, Any]],
    args: argparse.Namespace,
) -> None:
    names = list(results)
    print(
        f"substring runs from titles: {len(samples)} samples (seed {args.seed}), 2-6 Han "
        f"characters, each in at most {MAX_HOLDERS} articles (t2s-folded title + body)"
    )
    print(
        f"drawn from {stats.get('titles', 0)} titles in {stats.get('tries', 0)} tries; "
        + "; ".join(f"{k}: {v}" for k, v in stats.items() if k not in {"titles", "tries"})
    )
    header = f"{'':<30}" + "".join(f"{n:>13}" for n in names)
    print(header)
    print("-" * len(header))
    print(
        f"{'source in top 10 (share)':<30}"
        + "".join(f"{results[n]['share']:>13.3f}" for n in names)
    )
    print(
        f"{'source in top 10 (count)':<30}" + "".join(f"{results[n]['found']:>13d}" for n in names)
    )
    first = results[names[0]]
    for length, data in first["by_length"].items():
        print(
            f"{f'  {length} characters':<25}{data['n']:>5}"
            + "".join(f"{results[n]['by_length'][length]['share']:>13.3f}" for n in names)
        )
    for file, data in first["by_file"].items():
        print(
            f"{f'  {file}':<25}{data['n']:>5}"
            + "".join(f"{results[n]['by_file'][file]['share']:>13.3f}" for n in names)
        )
    print(f"{'failed requests':<30}" + "".join(f"{results[n]['failed']:>13d}" for n in names))
    print(f"{'ms/query':<30}" + "".join(f"{results[n]['ms_per_query']:>13.1f}" for n in names))
    for n in names:
        for failure in results[n]["failures"]:
            print(f"  failed ({n}) {failure['q']!r}: {failure['error']}")


if __name__ == "__main__":
    sys.exit(main())
