"""Judging pools: the unjudged stories in the top results of the topical queries.

    .venv/bin/python bench/pool.py --out bench/out/pool.jsonl     # then judge each line
    .venv/bin/python bench/pool.py --merge bench/out/judged.jsonl  # add the grades

A topical query's judgements list every article a judge read; an article the engine ranks
high that nobody read counts as not relevant (``judged@10`` in bench/relevance.py shows how
often). This writes, for every topical query, the stories in newsarchive's top ``--depth``
and the naive baseline's top ``--depth`` that carry no grade yet, one per line, shuffled and
without the system or rank that found them, so that the judge reads each one blind:
``{"q", "lang", "kind", "id", "title", "text"}`` (the first ``--chars`` characters of the
body). The judge adds ``"grade"`` (0 = not relevant, 1 = mentions the subject, 2 = about
it, as in judgements.jsonl) and ``--merge`` writes the grades into bench/judgements.jsonl.
The pool file holds article text: it stays in bench/out/, which git ignores.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

from relevance import (
    CORPUS,
    JUDGEMENTS,
    OUT,
    article_table,
    baseline_searcher,
    build_baseline,
    build_ours,
    load_judgements,
    ours_searcher,
    run_safely,
)


def stored_articles(archive: Any) -> dict[str, dict[str, Any]]:
    return {
        fields["id"]: fields
        for _, fields in archive.searcher().reader().iter_docs()
        if "id" in fields
    }


def write_pool(args: argparse.Namespace) -> int:
    judgements = [j for j in load_judgements(args.judgements) if j["type"] == "topical"]
    archive = build_ours(args.corpus, args.index, False)
    groups, _ = article_table(archive)
    systems = [ours_searcher(archive)]
    if not args.no_baseline:
        systems.append(baseline_searcher(build_baseline(args.corpus, args.baseline, False)))
    stored = stored_articles(archive)
    rng = random.Random(args.seed)
    lines = []
    for query in judgements:
        judged_stories = {groups.get(doc, doc) for doc in query["rel"]}
        pool: dict[str, str] = {}
        for run in systems:
            ranking, _ = run_safely(run, query)
            seen: set[str] = set()
            for doc in ranking:
                story = groups.get(doc, doc)
                if story in seen:
                    continue
                seen.add(story)
                if len(seen) > args.depth:
                    break
                if story not in judged_stories:
                    pool.setdefault(story, doc)
        docs = list(pool.values())
        rng.shuffle(docs)
        for doc in docs:
            fields = stored.get(doc, {})
            lines.append(
                {
                    "q": query["q"],
                    "lang": query["lang"],
                    "kind": query["kind"],
                    "id": doc,
                    "title": fields.get("title", ""),
                    "text": str(fields.get("body", ""))[: args.chars],
                }
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(lines)} unjudged stories for {len(judgements)} topical queries in {args.out}")
    return 0


def merge(args: argparse.Namespace) -> int:
    graded: dict[str, dict[str, int]] = {}
    for line in args.merge.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            if item.get("grade") not in (0, 1, 2):
                print(f"no grade 0, 1 or 2: {item['q']!r} {item['id']}", file=sys.stderr)
                return 2
            graded.setdefault(item["q"], {})[item["id"]] = item["grade"]
    lines = args.judgements.read_text(encoding="utf-8").splitlines()
    added = 0
    out = []
    for line in lines:
        if line.strip():
            judged = json.loads(line)
            if judged["type"] == "topical":
                for doc, grade in graded.pop(judged["q"], {}).items():
                    if doc not in judged["rel"]:
                        judged["rel"][doc] = grade
                        added += 1
            line = json.dumps(judged, ensure_ascii=False)
        out.append(line)
    if graded:
        print(f"queries not in {args.judgements}: {sorted(graded)}", file=sys.stderr)
        return 2
    args.judgements.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{added} grades added to {args.judgements}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    ap.add_argument("--index", type=Path, default=OUT / "index")
    ap.add_argument("--baseline", type=Path, default=OUT / "baseline")
    ap.add_argument("--out", type=Path, default=OUT / "pool.jsonl")
    ap.add_argument("--depth", type=int, default=20, help="stories per system and query")
    ap.add_argument("--chars", type=int, default=1200, help="body characters shown")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--merge", type=Path, help="a judged pool file to add to the judgements")
    args = ap.parse_args(argv)
    return merge(args) if args.merge else write_pool(args)


if __name__ == "__main__":
    sys.exit(main())
