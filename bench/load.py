"""Load benchmark: requests/s and latency of a real `newsarchive serve` under concurrent clients.

Starts `newsarchive serve` (waitress, `server.threads` threads) on an index, then for each
level of concurrency runs clients that send a fixed mix of requests for a set time over
keep-alive connections: English and Chinese searches through the JSON API and the HTML
page (facets and highlighted snippets on every one), filtered, sorted and paged searches,
and article pages with their matches marked. Prints a table and one JSON object.

    # index the real corpus once (about 3 minutes), then measure
    .venv/bin/newsarchive --index /tmp/na-bench index ../shared/corpus/jsonl ../shared/corpus/text
    .venv/bin/python bench/load.py --index /tmp/na-bench

    # or let the benchmark build a temporary index first
    .venv/bin/python bench/load.py --build ../shared/corpus/jsonl ../shared/corpus/text
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import serving  # noqa: E402

QUERIES_EN = [
    "oil prices",
    "central bank",
    "interest rates",
    '"trade deficit"',
    "coffee AND Brazil",
    "Tencent",
    "election",
    "football",
    "mobile phone",
    "invest*",
    "gold OR silver",
    "wheat exports",
    "dollar NOT yen",
    '"Jack Ma"',
    "title:profit",
]
QUERIES_ZH = [
    "新冠肺炎",
    "疫情",
    "马云",
    "腾讯",
    "台北",
    "經濟",
    "股市",
    "世博会",
    "北京 疫情",
    '"中国经济"',
    "騰訊",
    "房价",
    "醫院",
    "足球 OR 篮球",
    "大数据",
]
FILTERS = [
    {},
    {},
    {},
    {"lang": "en"},
    {"lang": "zh-Hans"},
    {"sort": "newest"},
    {"sort": "oldest"},
    {"page": "2"},
    {"year": "1987"},
    {"year": "2020"},
    {"from": "2016-01-01", "to": "2020-12-31"},
]


@dataclass
class Level:
    """What one level of concurrency measured."""

    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    def to_dict(self) -> dict[str, object]:
        n = len(self.latencies)
        return {
            "clients": self.clients,
            "requests": n,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "requests_per_s": round(n / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(self.percentile(50), 1),
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "mean_ms": round(statistics.fmean(self.latencies) * 1000, 1) if n else 0.0,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "mix": dict(sorted(self.kinds.items())),
        }


def request_mix(rng: random.Random, article_ids: list[tuple[str, str]]) -> tuple[str, str]:
    """One request of the mix: (kind, path)."""
    roll = rng.random()
    if roll < 0.10 and article_ids:
        article_id, q = rng.choice(article_ids)
        return "article", f"/articles/{quote(article_id, safe='/:')}?{urlencode({'q': q})}"
    q = rng.choice(QUERIES_EN if rng.random() < 0.5 else QUERIES_ZH)
    params = {"q": q, **rng.choice(FILTERS)}
    if roll < 0.35:
        return "page", "/?" + urlencode(params)
    return "api", "/api/search?" + urlencode(params)


def run_level(
    port: int, clients: int, seconds: float, article_ids: list[tuple[str, str]], seed: int
) -> Level:
    level = Level(clients)
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        errors, statuses, kinds = 0, {}, {}
        while time.perf_counter() < stop_at:
            kind, path = request_mix(rng, article_ids)
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            mine.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            kinds[kind] = kinds.get(kind, 0) + 1
            if status != 200:
                errors += 1
                print(f"error {status}: {path}", file=sys.stderr)
        conn.close()
        with lock:
            level.latencies.extend(mine)
            level.errors += errors
            for k, v in statuses.items():
                level.statuses[k] = level.statuses.get(k, 0) + v
            for k, v in kinds.items():
                level.kinds[k] = level.kinds.get(k, 0) + v

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    level.seconds = time.perf_counter() - started
    return level


def warm_up(port: int) -> list[tuple[str, str]]:
    """Send every query once (loads dictionaries, fills caches); collect article ids to open."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    ids: list[tuple[str, str]] = []
    for q in QUERIES_EN + QUERIES_ZH:
        conn.request("GET", "/api/search?" + urlencode({"q": q, "limit": 5}))
        response = conn.getresponse()
        data = json.loads(response.read())
        if response.status != 200:
            raise SystemExit(f"warm-up query {q!r} failed: {data}")
        ids.extend((hit["id"], q) for hit in data["hits"][:3])
    conn.close()
    return ids


def build_index(paths: list[str], config: Path) -> Path:
    index = Path(tempfile.mkdtemp(prefix="newsarchive-load-")) / "index"
    print(f"indexing {' '.join(paths)} into {index} …", file=sys.stderr)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "indexer",
            "--config",
            str(config),
            "--index",
            str(index),
            "index",
            "--quiet",
            *paths,
        ],
        check=False,
    )
    print(f"indexed in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--index", type=Path, help="an index built by `newsarchive index`")
    where.add_argument("--build", nargs="+", metavar="PATH", help="index these paths first")
    parser.add_argument("--config", type=Path, default=ROOT / "config.toml")
    parser.add_argument("--clients", default="1,8", help="concurrency levels (default 1,8)")
    parser.add_argument("--seconds", type=float, default=20.0, help="per level (default 20)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()

    index = args.index or build_index(args.build, args.config)
    with serving(args.config, index) as port:
        article_ids = warm_up(port)
        levels = [
            run_level(port, int(c), args.seconds, article_ids, args.seed)
            for c in args.clients.split(",")
        ]

    rows = [lv.to_dict() for lv in levels]
    print(
        f"{'clients':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'errors':>6}"
    )
    for r in rows:
        print(
            f"{r['clients']:>7} {r['requests']:>8} {r['requests_per_s']:>7} {r['p50_ms']:>7} "
            f"{r['p95_ms']:>7} {r['p99_ms']:>7} {r['errors']:>6}"
        )
    result = {"index": str(index), "seconds_per_level": args.seconds, "levels": rows}
    print(json.dumps(result, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
