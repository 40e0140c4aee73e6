"""A rebuild while a real `newsarchive serve` answers queries from several threads:
no request fails, and the new articles appear after the switch without a restart."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import SAMPLE_CORPUS, write_config
from tests.serving import clean_env, newsarchive, serving

pytestmark = pytest.mark.slow

QUERIES = ["马云", "Tencent", '"Jack Ma"', "颱風", "interest rates", "数据中心", "date:2015..2020"]
NEW_ARTICLE = """date 2024-05-02 By Ines Okafor / Harbour Ledger

Quokka census finds record numbers on Rottnest

Volunteers counting quokkas on the island found the highest numbers in a decade.
"""


def get(url: str) -> tuple[int, dict[str, object], float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            body = json.loads(response.read())
            status = response.status
    except urllib.error.HTTPError as exc:
        status, body = exc.code, {}
    except OSError:  # refused, reset or timed out: a failed request all the same
        status, body = 0, {}
    return status, body, time.perf_counter() - started


def test_reindex_under_load(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(SAMPLE_CORPUS, sources)
    config = write_config(tmp_path, [sources])
    cmd = newsarchive(config)
    subprocess.run([*cmd, "index", "--quiet"], check=True, env=clean_env())
    failures: list[tuple[str, int]] = []
    latencies: list[tuple[float, float]] = []  # (started, seconds)
    stop = threading.Event()
    with serving(config, log=tmp_path / "serve.log") as port:
        base = f"http://127.0.0.1:{port}/api/search?"

        def client(n: int) -> None:
            i = n
            while not stop.is_set():
                q = QUERIES[i % len(QUERIES)]
                began = time.perf_counter()
                status, _, took = get(base + urllib.parse.urlencode({"q": q}))
                latencies.append((began, took))
                if status != 200:
                    failures.append((q, status))
                i += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        try:
            for t in threads:
                t.start()
            time.sleep(1.0)
            assert get(base + "q=quokka")[1]["total"] == 0
            (sources / "text" / "quokka-census.txt").write_text(NEW_ARTICLE, encoding="utf-8")
            switch_started = time.perf_counter()
            rebuilt = subprocess.run(
                [*cmd, "reindex", "--quiet"], env=clean_env(), capture_output=True, text=True
            )
            assert rebuilt.returncode == 0, rebuilt.stderr
            seen_after = None
            while seen_after is None and time.perf_counter() - switch_started < 60:
                if get(base + "q=quokka")[1].get("total") == 1:
                    seen_after = time.perf_counter() - switch_started
                time.sleep(0.05)
            time.sleep(0.5)
        finally:
            stop.set()
            for t in threads:
                if t.is_alive():
                    t.join()
    assert seen_after is not None, "the new article never appeared"
    assert len(latencies) > 50
    assert failures == []
    during = [took for began, took in latencies if began >= switch_started]
    print(
        f"\n{len(latencies)} requests, 0 failed; during the rebuild and switch: {len(during)} "
        f"requests, slowest {max(during) * 1000:.0f} ms; new article visible "
        f"{seen_after:.1f} s after the rebuild started"
    )
