"""Rebuild under load: `newsarchive reindex` while a real `newsarchive serve` answers queries.

Indexes the sources into a fresh index home (or reuses one), starts the server, keeps
several client threads searching through the JSON API, runs a full rebuild, and reports
the rebuild's time, every failed request (there should be none), and the latencies of
the requests made while the rebuild ran and the generation switched.

    .venv/bin/python bench/reindex.py                          # ../shared/corpus jsonl + text
    .venv/bin/python bench/reindex.py --clients 8 --json out.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import newsarchive, serving  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
QUERIES = [
    "马云",
    "Tencent",
    '"Jack Ma"',
    "经济",
    "oil prices",
    '"interest rates"',
    "疫情",
    "颱風",
    "football",
    "date:2016-01..2016-03 学校",
    "election",
    "人工智能",
]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return 0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round((len(ordered) - 1) * p / 100)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sources", nargs="*", type=Path, default=[CORPUS / "jsonl", CORPUS / "text"]
    )
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--work", type=Path, help="folder to build in (an index there is reused)")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="na-reindex-"))
    work.mkdir(parents=True, exist_ok=True)
    config = work / "config.toml"
    config.write_text(
        '[index]\npath = "index"\n[sources]\npaths = '
        + json.dumps([str(p.resolve()) for p in args.sources])
        + "\n",
        encoding="utf-8",
    )
    cmd = newsarchive(config)
    if not (work / "index" / "CURRENT").exists():
        print("building the index to serve …", flush=True)
        built = subprocess.run([*cmd, "index", "--quiet"])
        if built.returncode not in (0, 3):  # 3: some items failed, the rest is indexed
            raise SystemExit("indexing failed")
    samples: list[tuple[float, float, int]] = []  # (started, seconds, status)
    stop = threading.Event()
    with serving(config, log=work / "serve.log") as port:
        base = f"http://127.0.0.1:{port}/api/search?"

        def client(n: int) -> None:
            i = n
            while not stop.is_set():
                q = QUERIES[i % len(QUERIES)]
                began = time.perf_counter()
                status = _get(base + urllib.parse.urlencode({"q": q}))
                samples.append((began, time.perf_counter() - began, status))
                i += 1

        while _get(base + "q=x") != 200:  # listening at once, answering once loaded
            time.sleep(0.2)
        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        try:
            for t in threads:
                t.start()
            time.sleep(5)
            print("rebuilding while the clients search …", flush=True)
            started = time.perf_counter()
            rebuilt = subprocess.run(
                [*cmd, "reindex", "--quiet", "--json"], capture_output=True, text=True
            )
            finished = time.perf_counter()
            time.sleep(5)
        finally:
            stop.set()
            for t in threads:
                if t.is_alive():
                    t.join()
    if rebuilt.returncode != 0:
        raise SystemExit(rebuilt.stderr)
    during = [s for b, s, _ in samples if started <= b <= finished]
    failed = [(status, round(s * 1000)) for _, s, status in samples if status != 200]
    result: dict[str, Any] = {
        "sources": [str(p) for p in args.sources],
        "clients": args.clients,
        "reindex_seconds": round(finished - started, 1),
        "reindex": json.loads(rebuilt.stdout),
        "requests": len(samples),
        "failed": len(failed),
        "during_rebuild": {
            "requests": len(during),
            "p50_ms": round(statistics.median(during) * 1000, 1) if during else None,
            "p95_ms": round(percentile(during, 95) * 1000, 1) if during else None,
            "max_ms": round(max(during) * 1000, 1) if during else None,
        },
    }
    print(
        f"reindex: {result['reindex_seconds']} s for "
        f"{result['reindex']['check']['articles']} articles; "
        f"{len(samples)} requests from {args.clients} clients, {len(failed)} failed; "
        f"during the rebuild and switch: {len(during)} requests, "
        f"p50 {result['during_rebuild']['p50_ms']} ms, "
        f"p95 {result['during_rebuild']['p95_ms']} ms, "
        f"slowest {result['during_rebuild']['max_ms']} ms"
    )
    print(json.dumps({k: v for k, v in result.items() if k != "reindex"}, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
