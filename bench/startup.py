"""How long the command line makes a user wait: wall time of whole `newsarchive` processes.

Indexes the sample corpus into a temporary index home once, then times, as a user would
see them, `newsarchive --help`, `newsarchive search` on the sample corpus, `newsarchive
stats`, and the time from starting `newsarchive serve` to its first answer (a search
through the JSON API). Each figure is the median of several runs (5 by default).

    .venv/bin/python bench/startup.py
    .venv/bin/python bench/startup.py --runs 9 --query 'Tencent'
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import clean_env, free_port  # noqa: E402

CORPUS = ROOT / "corpus"


def _command() -> list[str]:
    """The installed console script next to this interpreter (what a user runs)."""
    script = Path(sys.executable).with_name("newsarchive")
    return [str(script)] if script.exists() else [sys.executable, "-m", "indexer"]


def _timed(args: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=clean_env(), check=True, capture_output=True)
    return time.perf_counter() - started


def _serve_until_first_answer(base: list[str], cwd: Path, query: str) -> float:
    """Seconds from starting `serve` to the first 200 answer to a search."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/search?" + urllib.parse.urlencode({"q": query})
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*base, "serve", "--port", str(port)],
        cwd=cwd,
        env=clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"serve exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    response.read()
                    if response.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.02)
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--query", default="马云", help="the query searched")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    base = _command()
    work = Path(tempfile.mkdtemp(prefix="newsarchive-startup-"))
    try:
        shutil.copy(ROOT / "config.toml", work / "config.toml")
        shutil.copy(ROOT / "aliases.toml", work / "aliases.toml")
        (work / "corpus").symlink_to(CORPUS)
        subprocess.run(
            [*base, "index", "--quiet"], cwd=work, env=clean_env(), check=True, capture_output=True
        )
        cases = {
            "newsarchive --help": lambda: _timed([*base, "--help"], work),
            f"newsarchive search {args.query}": lambda: _timed([*base, "search", args.query], work),
            "newsarchive stats": lambda: _timed([*base, "stats"], work),
            "newsarchive serve (to first answer)": lambda: _serve_until_first_answer(
                base, work, args.query
            ),
        }
        figures: dict[str, float] = {}
        for name, run in cases.items():
            run()  # warm the page cache; not counted
            figures[name] = statistics.median(run() for _ in range(args.runs))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    width = max(len(name) for name in figures)
    print(f"{'command':<{width}}  median of {args.runs} (s)")
    for name, seconds in figures.items():
        print(f"{name:<{width}}  {seconds:8.3f}")
    names = list(figures)
    help_s, search_s, serve_s = figures[names[0]], figures[names[1]], figures[names[3]]
    print(
        f"search / --help = {search_s / help_s:.2f} (goal <= 1.5); "
        f"serve / search = {serve_s / search_s:.2f} (goal <= 2.0)"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
