"""Check the judged queries of bench/judgements.jsonl against ../shared/corpus.

    .venv/bin/python bench/check_judgements.py            # every kind it knows how to check
    .venv/bin/python bench/check_judgements.py --kinds substring -v

What is checked, per kind (other kinds are skipped):

- ``substring``: the query (folded to Simplified) occurs in the title or first paragraph of
  its article, and at every such place jieba cuts it differently there than it cuts the
  query alone (both after t2s folding, each Han run cut on its own, HMM on, as the analyzer
  does); rjieba must cut the same way as jieba. The number of articles holding the run
  anywhere in their title or body is shown, and more than 10 is a problem.
- ``headline``: the query occurs, as typed (case, curly quotes and spacing aside), in the
  title or the first 300 characters of an article graded 2.
- ``region``: the record's ``forms`` (groups of Chinese patterns, matched on folded text,
  and English patterns, matched case-insensitively between word boundaries) find every
  article graded above 0 (each group must match), and every article they find is judged
  (graded 0, 1 or 2), so that recall has the whole pool.

Only ids, query strings and cuts of the query are printed, never article text. The exit
status is 1 when a problem is found.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_text import HAN_RUN, Text, fold, read_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = (ROOT.parent / "shared" / "corpus").resolve()
JUDGEMENTS = ROOT / "bench" / "judgements.jsonl"


class Corpus:
    def __init__(self, texts: Iterable[Text]) -> None:
        self.texts = {t.id: t for t in texts}
        self._folded: dict[str, str] = {}

    def folded(self, doc: str) -> str:
        if doc not in self._folded:
            t = self.texts[doc]
            self._folded[doc] = fold(f"{t.title}\n{t.body}")
        return self._folded[doc]

    def holding(self, run: str, limit: int = 1000) -> list[str]:
        """Articles whose folded title or body holds the folded run."""
        run = fold(run)
        out = []
        for doc in self.texts:
            if run in self.folded(doc):
                out.append(doc)
                if len(out) >= limit:
                    break
        return out


def _cutters() -> list[tuple[str, Callable[[str], list[str]]]]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    cutters: list[tuple[str, Callable[[str], list[str]]]] = [
        ("jieba", lambda run: jieba.lcut(run, HMM=True))
    ]
    try:
        import rjieba

        cutters.append(("rjieba", lambda run: list(rjieba.cut(run, hmm=True))))
    except ImportError:  # pragma: no cover - rjieba is a dependency
        pass
    return cutters


def cuts_in_context(text: str, run: str, cut: Callable[[str], list[str]]) -> list[list[str]]:
    """For every place the run occurs in the text: the words of the text's cut that overlap
    it (each Han run of the text cut on its own)."""
    out = []
    for m in HAN_RUN.finditer(text):
        han = m.group()
        at = han.find(run)
        if at < 0:
            continue
        words, start = [], 0
        for w in cut(han):
            words.append((start, start + len(w), w))
            start += len(w)
        while at >= 0:
            out.append([w for s, e, w in words if e > at and s < at + len(run)])
            at = han.find(run, at + 1)
    return out


def check_substring(record: dict[str, Any], corpus: Corpus, verbose: bool) -> list[str]:
    problems = []
    (doc,) = [d for d, g in record["rel"].items() if g == 2]
    if doc not in corpus.texts:
        return [f"{record['q']!r}: {doc} is not in the corpus"]
    t = corpus.texts[doc]
    run = fold(record["q"])
    lead = fold(t.title) + "\n" + fold(t.lead)
    results = {}
    for name, cut in _cutters():
        alone = cut(run)
        there = cuts_in_context(lead, run, cut)
        results[name] = (alone, there)
    alone, there = results["jieba"]
    if not there:
        problems.append(f"{record['q']!r}: not in the title or first paragraph of {doc}")
    elif any(c == alone for c in there):
        problems.append(f"{record['q']!r}: cut alone as {'/'.join(alone)}, the same in {doc}")
    if "rjieba" in results and results["rjieba"] != results["jieba"]:
        problems.append(f"{record['q']!r}: rjieba cuts differently from jieba")
    holding = corpus.holding(run, limit=11)
    if len(holding) > 10:
        problems.append(f"{record['q']!r}: in more than 10 articles")
    if verbose:
        print(f"  {record['q']}\t{doc}\talone {'/'.join(alone)}\t{len(holding)} article(s)")
    return problems


def _normal(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def check_headline(record: dict[str, Any], corpus: Corpus, verbose: bool) -> list[str]:
    q = _normal(record["q"])
    docs = [d for d, g in record["rel"].items() if g == 2]
    found = [
        d
        for d in docs
        if d in corpus.texts
        and q in _normal(corpus.texts[d].title + " " + corpus.texts[d].body[:300])
    ]
    if verbose:
        print(f"  {record['q']}\t{','.join(found) or '-'}")
    return [] if found else [f"{record['q']!r}: not in the title or lead of {docs}"]


def region_matcher(forms: list[dict[str, list[str]]]) -> Callable[[str, Corpus], bool]:
    groups = [
        (
            [re.compile(p) for p in group.get("zh", [])],
            # Latin-letter boundaries: "Twitter账号" names Twitter too.
            [re.compile(rf"(?i)(?<![a-z0-9]){p}(?![a-z0-9])") for p in group.get("en", [])],
        )
        for group in forms
    ]

    def match(doc: str, corpus: Corpus) -> bool:
        t = corpus.texts[doc]
        raw = f"{t.title}\n{t.body}"
        folded = corpus.folded(doc)
        return all(
            any(p.search(folded) for p in zh) or any(p.search(raw) for p in en) for zh, en in groups
        )

    return match


def check_region(record: dict[str, Any], corpus: Corpus, verbose: bool) -> list[str]:
    if "forms" not in record:
        return [f"{record['q']!r}: no forms"]
    if record.get("cross") not in {"en->zh", "zh->en", "zh->zh"}:
        problems = [f"{record['q']!r}: cross is {record.get('cross')!r}"]
    else:
        problems = []
    match = region_matcher(record["forms"])
    rel = record["rel"]
    found = {d for d in corpus.texts if match(d, corpus)}
    for doc, grade in rel.items():
        if doc not in corpus.texts:
            problems.append(f"{record['q']!r}: {doc} is not in the corpus")
        elif grade > 0 and doc not in found:
            problems.append(f"{record['q']!r}: {doc} (grade {grade}) holds none of the forms")
    unjudged = sorted(found - set(rel))
    if unjudged:
        problems.append(
            f"{record['q']!r}: {len(unjudged)} unjudged articles hold a form: {unjudged[:5]}"
        )
    if len(rel) > 60:
        problems.append(f"{record['q']!r}: pool of {len(rel)} articles (more than 60)")
    if verbose:
        grades = [rel[d] for d in rel]
        print(
            f"  {record['q']}\t{record.get('cross')}\tpool {len(rel)}: "
            f"{grades.count(2)} x2, {grades.count(1)} x1, {grades.count(0)} x0"
        )
    return problems


CHECKS = {"substring": check_substring, "headline": check_headline, "region": check_region}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    ap.add_argument("--kinds", default=",".join(CHECKS), help="comma-separated kinds to check")
    ap.add_argument("-v", "--verbose", action="store_true", help="a line per checked query")
    args = ap.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip() in CHECKS]
    lines = args.judgements.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    corpus = Corpus(read_corpus(args.corpus))
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for kind in kinds:
        mine = [r for r in records if r["kind"] == kind]
        print(f"{kind}: {len(mine)} queries")
        for record in mine:
            key = (record["kind"], record["q"])
            if key in seen:
                problems.append(f"{record['q']!r}: judged twice as {kind}")
            seen.add(key)
            problems += CHECKS[kind](record, corpus, args.verbose)
    for problem in problems:
        print(f"PROBLEM {problem}")
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
