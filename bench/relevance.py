"""Relevance harness: the team's judged queries on ../shared/corpus, ours against a naive baseline.

    .venv/bin/python bench/relevance.py --stories        # build the indexes once, then reuse them
    .venv/bin/python bench/relevance.py --rebuild        # index the corpus again (~3 minutes each)
    .venv/bin/python bench/relevance.py --stories --kinds substring,headline --show-misses
    .venv/bin/python bench/relevance.py --stories --json bench/out/relevance.json

Known-item queries (one article the reader remembers) are scored by success@10 and MRR@10;
topical queries (every article about something, graded 1 = mentions it, 2 = about it,
0 = read and not relevant) by nDCG@10 and recall@100. Unjudged articles count as not
relevant; judged@10 is the share of the top 10 that was judged, so a shallow pool shows.
Figures are given per cell (query kind x query language), per language and overall, for
newsarchive and for the naive baseline in the next column: Whoosh with jieba's own
ChineseAnalyzer over the title and body, parsed by Whoosh's default QueryParser (date
ranges, which it cannot read, are removed from its queries).

Name queries (kinds ``region`` and ``name``) are also scored by P@10, the share of the top
10 that is judged relevant, and by cross-language recall@100: for an English query, the
share of its relevant Chinese articles in the top 100 (en->zh); for a Chinese query, the
share of its relevant English articles (zh->en). An article's language is the one the
index stored for it.

Judgements (bench/judgements.jsonl, one JSON object a line): ``q``, ``type`` (known or
topical), ``kind``, ``lang`` (the query's language) and ``rel`` {article id: grade}. The
kinds are plain, cross-script, name, phrase and date, and: ``substring`` (a run of Chinese
characters from a title or first paragraph that jieba cuts differently there than alone;
``script`` says how the query is written), ``headline`` (a title or part of one pasted with
its punctuation) and ``region`` (a name written one region's or language's way, judged
against every article that names it in any form; ``cross`` is zh->zh, zh->en or en->zh and
``forms`` lists the patterns searched). bench/check_judgements.py checks the new kinds
against the corpus.

A search that raises is a failed request: it is counted, listed with its query and error,
scored as an empty result list, and the run goes on. ``--stories`` counts each story once:
copies and near-copies of an article share the index's story group, in the judgements and
in the rankings. The judgements hold article ids and query strings only, never article text.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import re
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

if inspect.ismodule(search) and not callable(search):
    # Importing the submodule indexer.search binds it as an attribute of the package, which
    # hides the lazily loaded export of the same name; take the function from it. (Since
    # the package is itself callable, it is the function.)
    search = search.search

CORPUS = (ROOT.parent / "shared" / "corpus").resolve()
OUT = ROOT / "bench" / "out"
JUDGEMENTS = ROOT / "bench" / "judgements.jsonl"
DEPTH = 100
#: Query kinds that are names of people, places and firms: also scored by P@10 and
#: cross-language recall.
NAME_KINDS = frozenset({"name", "region"})

Ranking = list[str]
Searcher = Callable[[dict[str, Any]], Ranking]


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
        print(
            f"newsarchive: indexed {summary.indexed} in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
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


def ours_searcher(archive: Archive) -> Searcher:
    def run(judged: dict[str, Any]) -> Ranking:
        page = search(archive, SearchRequest(q=judged["q"], limit=DEPTH, facets=False))
        return [h.id for h in page.hits]

    return run


def baseline_searcher(ix: Any) -> Searcher:
    from whoosh.qparser import QueryParser

    searcher = ix.searcher()
    parser = QueryParser("body", ix.schema)

    def run(judged: dict[str, Any]) -> Ranking:
        text = re.sub(r"(?<!\S)(?:date|published):\S*", " ", judged["q"]).strip()
        results = searcher.search(parser.parse(text), limit=DEPTH)
        return [hit["id"] for hit in results]

    return run


def run_safely(run: Searcher, judged: dict[str, Any]) -> tuple[Ranking, str | None]:
    """The ranking, or an empty one and the error when the search raises."""
    try:
        return run(judged), None
    except Exception as exc:  # noqa: BLE001 - a failed request is a result, not a crash
        return [], f"{type(exc).__name__}: {exc}"


# --- what the index knows about each article -------------------------------------------


def article_table(archive: Archive) -> tuple[dict[str, str], dict[str, str]]:
    """Article id -> story group, and article id or story group -> language (en or zh)."""
    groups: dict[str, str] = {}
    langs: dict[str, str] = {}
    for _, fields in archive.searcher().reader().iter_docs():
        if "id" not in fields:
            continue
        group = fields.get("group") or fields["id"]
        lang = str(fields.get("lang") or "")
        lang = "zh" if lang.startswith("zh") else lang
        groups[fields["id"]] = group
        langs[fields["id"]] = lang
        langs.setdefault(group, lang)
    return groups, langs


def story_groups(archive: Archive) -> dict[str, str]:
    """Article id -> its story group (copies and near-copies of one story share one)."""
    return article_table(archive)[0]


def by_story(
    judged: dict[str, Any], ranking: Ranking, groups: dict[str, str]
) -> tuple[dict[str, Any], Ranking]:
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


# --- metrics -------------------------------------------------------------------------


def cross_direction(judged: dict[str, Any]) -> str:
    """The cross-language direction a name query is scored in: from its own language."""
    return "en->zh" if judged["lang"] == "en" else "zh->en"


def scores(
    judged: dict[str, Any], ranking: Ranking, langs: dict[str, str] | None = None
) -> dict[str, float]:
    rel: dict[str, int] = judged["rel"]
    relevant = {doc for doc, grade in rel.items() if grade > 0}
    top = ranking[:10]
    out: dict[str, float]
    if judged["type"] == "known":
        rank = next((i for i, doc in enumerate(top, 1) if doc in relevant), None)
        out = {"success@10": float(rank is not None), "mrr@10": 1 / rank if rank else 0.0}
    else:
        gains = [rel.get(doc, 0) for doc in top]
        dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
        ideal = sorted(rel.values(), reverse=True)[:10]
        idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
        found = len(set(ranking[:DEPTH]) & relevant)
        out = {
            "ndcg@10": dcg / idcg if idcg else 0.0,
            "recall@100": found / len(relevant) if relevant else 0.0,
            "judged@10": sum(doc in rel for doc in top) / len(top) if top else 1.0,
        }
    if judged["kind"] in NAME_KINDS:
        out["p@10"] = sum(doc in relevant for doc in top) / 10
        if langs is not None:
            other = "zh" if judged["lang"] == "en" else "en"
            foreign = {doc for doc in relevant if langs.get(doc) == other}
            if foreign:
                out["xrecall@100"] = len(set(ranking[:DEPTH]) & foreign) / len(foreign)
    return out


def _mean_table(groups: dict[str, list[dict[str, float]]], order: Callable[[str], Any]) -> dict:
    out = {}
    for name in sorted(groups, key=order):
        items = groups[name]
        metrics = [m for m in items[0] if all(m in s for s in items)]
        out[name] = {
            "n": len(items),
            **{m: round(sum(s[m] for s in items) / len(items), 3) for m in metrics},
        }
    return out


def aggregate(rows: Iterable[tuple[dict[str, Any], dict[str, float]]]) -> dict[str, dict[str, Any]]:
    """Mean figures per query type: overall, per language, per kind (when it has queries in
    more than one language) and per cell (kind x language); then cross-language recall of
    name queries per direction. A metric is shown for a group when all its queries have it."""
    rows = list(rows)
    kind_langs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for judged, _ in rows:
        kind_langs[(judged["type"], judged["kind"])].add(judged["lang"])
    groups: dict[str, list[dict[str, float]]] = defaultdict(list)
    cross: dict[str, list[dict[str, float]]] = defaultdict(list)
    for judged, s in rows:
        kind, lang, qtype = judged["kind"], judged["lang"], judged["type"]
        names = ["all", f"lang={lang}", f"kind={kind} lang={lang}"]
        if len(kind_langs[(qtype, kind)]) > 1:
            names.append(f"kind={kind}")
        plain = {m: v for m, v in s.items() if m != "xrecall@100"}
        for name in names:
            groups[f"{qtype} {name}"].append(plain)
        if "xrecall@100" in s:
            direction = cross_direction(judged)
            for name in (f"cross {direction} all", f"cross {direction} kind={kind}"):
                cross[name].append({"recall@100": s["xrecall@100"]})

    def order(name: str) -> tuple[Any, ...]:
        head, _, rest = name.partition(" ")
        level = 0 if rest.endswith("all") else 1 if rest.startswith("lang=") else 2
        kind = re.search(r"kind=(\S+)", rest)
        lang = re.search(r"lang=(\S+)", rest)
        return (
            head != "known",
            head,
            level,
            kind.group(1) if kind else "",
            lang.group(1) if lang else "",
            rest,
        )

    return {**_mean_table(groups, order), **_mean_table(cross, order)}


def load_judgements(path: Path, kinds: set[str] | None = None) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    judged = [json.loads(line) for line in lines if line.strip()]
    return [j for j in judged if kinds is None or j["kind"] in kinds]


def evaluate(
    name: str,
    run: Searcher,
    judgements: list[dict[str, Any]],
    groups: dict[str, str] | None,
    langs: dict[str, str],
    show_misses: bool = False,
) -> dict[str, Any]:
    """Run every judged query through one system and score it."""
    rows = []
    queries = []
    failures = []
    started = time.perf_counter()
    for query in judgements:
        ranking, error = run_safely(run, query)
        articles = ranking
        if error is not None:
            failures.append({"q": query["q"], "kind": query["kind"], "error": error})
        judged = query
        if groups is not None:
            judged, ranking = by_story(query, ranking, groups)
        s = scores(judged, ranking, langs)
        rows.append((judged, s))
        queries.append(
            {
                "q": query["q"],
                "type": query["type"],
                "kind": query["kind"],
                "lang": query["lang"],
                **({"cross": query["cross"]} if "cross" in query else {}),
                "failed": error is not None,
                **{m: round(v, 3) for m, v in s.items()},
            }
        )
        headline = [m for m in ("success@10", "ndcg@10", "recall@100") if m in s]
        if show_misses and min(s[m] for m in headline) < 0.75:
            # article ids, not story groups, so that a reader can look them up
            shown = set(ranking[:10])
            missing = [
                d
                for d, g in query["rel"].items()
                if g and (groups.get(d, d) if groups is not None else d) not in shown
            ]
            print(
                f"  {name} [{query['kind']}/{query['lang']}] {query['q']!r}: "
                f"{ {m: round(v, 3) for m, v in s.items()} } missing {missing[:5]} "
                f"top {articles[:3]}" + (f" FAILED {error}" if error else ""),
                file=sys.stderr,
            )
    return {
        "ms_per_query": round((time.perf_counter() - started) * 1000 / max(len(judgements), 1), 1),
        "failed": len(failures),
        "failures": failures,
        "groups": aggregate(rows),
        "queries": queries,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    ap.add_argument("--out", type=Path, default=OUT, help="where the indexes are cached")
    ap.add_argument("--rebuild", action="store_true", help="index the corpus again")
    ap.add_argument("--json", type=Path, help="also write all figures (and per query) here")
    ap.add_argument("--show-misses", action="store_true", help="list queries that fall short")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument(
        "--kinds", help="only these query kinds, comma-separated (e.g. substring,headline,region)"
    )
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
    kinds = {k.strip() for k in args.kinds.split(",") if k.strip()} if args.kinds else None
    judgements = load_judgements(args.judgements, kinds)
    if not judgements:
        print(f"no judged queries of kinds {sorted(kinds or [])}", file=sys.stderr)
        return 2
    archive = build_ours(
        args.corpus, args.out / "index", args.rebuild, default_operator=args.operator
    )
    groups, langs = article_table(archive)
    systems: dict[str, Searcher] = {"newsarchive": ours_searcher(archive)}
    if not args.no_baseline:
        systems["baseline"] = baseline_searcher(
            build_baseline(args.corpus, args.out / "baseline", args.rebuild)
        )
    report: dict[str, Any] = {
        "queries": len(judgements),
        "kinds": sorted({j["kind"] for j in judgements}),
        "count": "stories" if args.stories else "articles",
        "systems": {},
    }
    for name, run in systems.items():
        report["systems"][name] = evaluate(
            name,
            run,
            judgements,
            groups if args.stories else None,
            langs,
            show_misses=args.show_misses and name == "newsarchive",
        )
    print_table(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


def print_table(report: dict[str, Any]) -> None:
    systems = list(report["systems"])
    names = list(report["systems"][systems[0]]["groups"])
    width = max(34, *(len(n) + 2 for n in names))
    header = f"{'queries':<{width}}{'n':>4}  {'metric':<11}" + "".join(f"{s:>13}" for s in systems)
    print(
        f"{report['queries']} judged queries, kinds {', '.join(report['kinds'])}; "
        f"counted as {report['count']}"
    )
    print(header)
    print("-" * len(header))
    for name in names:
        data = report["systems"][systems[0]]["groups"][name]
        for metric in (m for m in data if m != "n"):
            values = "".join(
                f"{report['systems'][s]['groups'].get(name, {}).get(metric, float('nan')):>13.3f}"
                for s in systems
            )
            print(f"{name:<{width}}{data['n']:>4}  {metric:<11}{values}")
    pad = width + 4 + 2 + 11
    print(
        f"{'failed requests':<{pad}}"
        + "".join(f"{report['systems'][s]['failed']:>13d}" for s in systems)
    )
    print(
        f"{'ms/query':<{pad}}"
        + "".join(f"{report['systems'][s]['ms_per_query']:>13.1f}" for s in systems)
    )
    for s in systems:
        for failure in report["systems"][s]["failures"]:
            print(f"  failed ({s}) [{failure['kind']}] {failure['q']!r}: {failure['error']}")


if __name__ == "__main__":
    sys.exit(main())
