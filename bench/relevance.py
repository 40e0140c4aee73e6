"""Relevance harness: the team's judged queries on ../shared/corpus, ours against a naive baseline.

    .venv/bin/python bench/relevance.py            # build the indexes once, then reuse them
    .venv/bin/python bench/relevance.py --rebuild  # index the corpus again (about 3 minutes each)
    .venv/bin/python bench/relevance.py --json bench/out/relevance.json --show-misses

Known-item queries (one article the reader remembers) are scored by success@10 and MRR@10;
topical queries (every article about something, graded 1 = mentions it, 2 = about it,
0 = read and not relevant) by nDCG@10 and recall@100. Unjudged articles count as not
relevant; judged@10 is the share of the top 10 that was judged, so a shallow pool shows.
Figures are given per language, per query kind and overall, for newsarchive and for the
naive baseline: Whoosh with jieba's own ChineseAnalyzer over the title and body, parsed by
Whoosh's default QueryParser (date ranges, which it cannot read, are removed from its
queries). The judgements hold article ids only, never article text.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer import Archive, SearchRequest, load_settings, read_inputs, search  # noqa: E402

if inspect.ismodule(search):
    # Importing the submodule indexer.search binds it as an attribute of the package, which
    # hides the lazily loaded export of the same name; take the function from it.
    search = search.search

CORPUS = (ROOT.parent / "shared" / "corpus").resolve()
OUT = ROOT / "bench" / "out"
JUDGEMENTS = ROOT / "bench" / "judgements.jsonl"
DEPTH = 100


def corpus_inputs(corpus: Path) -> list[Path]:
    return [corpus / "jsonl", corpus / "text"]


# --- indexes -------------------------------------------------------------------------


def build_ours(corpus: Path, folder: Path, rebuild: bool, **overrides: Any) -> Archive:
    settings = load_settings(ROOT / "config.toml", **overrides).with_index(folder)
    archive = Archive(settings)
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    if not archive.exists():
        started = time.perf_counter()
        summary = archive.add(read_inputs(corpus_inputs(corpus)))
        print(f"newsarchive: indexed {summary.indexed} in {time.perf_counter() - started:.0f} s",
              file=sys.stderr)
    return archive


def build_baseline(corpus: Path, folder: Path, rebuild: bool) -> Any:
    """Whoosh + jieba.analyse.ChineseAnalyzer: what a naive bilingual setup looks like."""
    from jieba.analyse import ChineseAnalyzer
    from whoosh import index
    from whoosh.fields import DATETIME, ID, TEXT, Schema

    if rebuild and folder.exists():
        shutil.rmtree(folder)
    if index.exists_in(str(folder)):
        return index.open_dir(str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    schema = Schema(
        id=ID(stored=True, unique=True),
        body=TEXT(analyzer=ChineseAnalyzer()),
        published=DATETIME(stored=True),
    )
    ix = index.create_in(str(folder), schema)
    writer = ix.writer(limitmb=256)
    started = time.perf_counter()
    count = 0
    for item in read_inputs(corpus_inputs(corpus)):
        if not hasattr(item, "body"):
            continue
        doc = {"id": item.id, "body": f"{item.title}\n{item.body}"}
        if item.published:
            doc["published"] = item.published
        writer.update_document(**doc)
        count += 1
    writer.commit()
    print(f"baseline: indexed {count} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return ix


def ours_searcher(archive: Archive) -> Callable[[dict[str, Any]], list[str]]:
    def run(judged: dict[str, Any]) -> list[str]:
        page = search(archive, SearchRequest(q=judged["q"], limit=DEPTH, facets=False))
        return [h.id for h in page.hits]

    return run


def baseline_searcher(ix: Any) -> Callable[[dict[str, Any]], list[str]]:
    import re

    from whoosh.qparser import QueryParser

    searcher = ix.searcher()
    parser = QueryParser("body", ix.schema)

    def run(judged: dict[str, Any]) -> list[str]:
        text = re.sub(r"(?<!\S)(?:date|published):\S*", " ", judged["q"]).strip()
        results = searcher.search(parser.parse(text), limit=DEPTH)
        return [hit["id"] for hit in results]

    return run


# --- metrics -------------------------------------------------------------------------


def story_groups(archive: Archive) -> dict[str, str]:
    """Article id → its story group (copies and near-copies of one story share one)."""
    reader = archive.searcher().reader()
    return {
        f["id"]: f.get("group") or f["id"] for _, f in reader.iter_docs() if "id" in f
    }


def by_story(
    judged: dict[str, Any], ranking: list[str], groups: dict[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """A judged query and a ranking with every story counted once: a second copy of a story
    tells the reader nothing new, and an engine that shows one copy per story (as
    newsarchive does) is not asked to list the others."""
    rel: dict[str, int] = {}
    for doc, grade in judged["rel"].items():
        story = groups.get(doc, doc)
        rel[story] = max(rel.get(story, 0), grade)
    seen: set[str] = set()
    stories = []
    for doc in ranking:
        story = groups.get(doc, doc)
        if story not in seen:
            seen.add(story)
            stories.append(story)
    return {**judged, "rel": rel}, stories


def scores(judged: dict[str, Any], ranking: list[str]) -> dict[str, float]:
    rel: dict[str, int] = judged["rel"]
    relevant = {doc for doc, grade in rel.items() if grade > 0}
    if judged["type"] == "known":
        rank = next((i for i, doc in enumerate(ranking[:10], 1) if doc in relevant), None)
        return {"success@10": float(rank is not None), "mrr@10": 1 / rank if rank else 0.0}
    gains = [rel.get(doc, 0) for doc in ranking[:10]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(rel.values(), reverse=True)[:10]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    found = len(set(ranking[:DEPTH]) & relevant)
    top = ranking[:10]
    return {
        "ndcg@10": dcg / idcg if idcg else 0.0,
        "recall@100": found / len(relevant),
        "judged@10": sum(doc in rel for doc in top) / len(top) if top else 1.0,
    }


def aggregate(rows: Iterable[tuple[dict[str, Any], dict[str, float]]]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, float]]] = defaultdict(list)
    for judged, s in rows:
        kind = judged["type"]
        for name in ("all", f"lang={judged['lang']}", f"kind={judged['kind']}",
                     f"lang={judged['lang']} kind={judged['kind']}"):
            groups[f"{kind} {name}"].append(s)
    out = {}
    for name, items in sorted(groups.items()):
        metrics = {m: sum(s[m] for s in items) / len(items) for m in items[0]}
        out[name] = {"n": len(items), **{m: round(v, 3) for m, v in metrics.items()}}
    return out


def load_judgements(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    ap.add_argument("--out", type=Path, default=OUT, help="where the indexes are cached")
    ap.add_argument("--rebuild", action="store_true", help="index the corpus again")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    ap.add_argument("--show-misses", action="store_true", help="list queries that fall short")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument(
        "--stories",
        action="store_true",
        help="count each story once (copies share a group), in the judgements and rankings",
    )
    ap.add_argument("--operator", choices=["and", "or"], help="override search.default_operator")
    args = ap.parse_args(argv)
    if not (args.corpus / "jsonl").is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    judgements = load_judgements(args.judgements)
    archive = build_ours(
        args.corpus, args.out / "index", args.rebuild, default_operator=args.operator
    )
    groups = story_groups(archive) if args.stories else {}
    systems: dict[str, Callable[[dict[str, Any]], list[str]]] = {
        "newsarchive": ours_searcher(archive)
    }
    if not args.no_baseline:
        systems["baseline"] = baseline_searcher(
            build_baseline(args.corpus, args.out / "baseline", args.rebuild)
        )
    report: dict[str, Any] = {
        "queries": len(judgements),
        "count": "stories" if args.stories else "articles",
        "systems": {},
    }
    for name, run in systems.items():
        rows = []
        started = time.perf_counter()
        for query in judgements:
            judged, ranking = query, run(query)
            if args.stories:
                judged, ranking = by_story(query, ranking, groups)
            s = scores(judged, ranking)
            rows.append((judged, s))
            worst = min(v for m, v in s.items() if m != "judged@10")
            if args.show_misses and name == "newsarchive" and worst < 0.75:
                missing = [d for d, g in judged["rel"].items() if g and d not in ranking[:10]]
                print(f"  {judged['q']!r}: {s} missing {missing[:5]} top {ranking[:3]}",
                      file=sys.stderr)
        report["systems"][name] = {
            "ms_per_query": round((time.perf_counter() - started) * 1000 / len(judgements), 1),
            "groups": aggregate(rows),
        }
    print_table(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False))
    return 0


def print_table(report: dict[str, Any]) -> None:
    systems = list(report["systems"])
    groups = report["systems"][systems[0]]["groups"]
    header = f"{'queries':<34}{'n':>4}  {'metric':<11}" + "".join(f"{s:>13}" for s in systems)
    print(header)
    print("-" * len(header))
    for name, data in groups.items():
        for metric in (m for m in data if m != "n"):
            values = "".join(
                f"{report['systems'][s]['groups'].get(name, {}).get(metric, float('nan')):>13.3f}"
                for s in systems
            )
            print(f"{name:<34}{data['n']:>4}  {metric:<11}{values}")
    print("ms/query" + " " * 43 + "".join(
        f"{report['systems'][s]['ms_per_query']:>13.1f}" for s in systems))


if __name__ == "__main__":
    sys.exit(main())
