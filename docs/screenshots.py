"""Take the README's screenshots: the sample corpus served by `newsarchive serve`, in Chromium.

Usage: .venv/bin/python docs/screenshots.py   (writes docs/screenshot-*.png)
Needs Debian's chromium and a CJK font (apt-get install fonts-noto-cjk; `.ci/run` installs both).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serving import newsarchive, serving  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
RESULTS = "/?q=%E9%A9%AC%E4%BA%91%20OR%20Tencent"  # 马云 OR Tencent: two names, a timeline
ARTICLE = "/articles/text/alibaba-tencent-guizhou.txt?q=%E9%A9%AC%E4%BA%91"  # related: 贵阳
SHOTS = {
    "screenshot-results.png": RESULTS + "&hl=en",
    "screenshot-results-zh-Hant.png": RESULTS + "&hl=zh-Hant",
    "screenshot-article.png": ARTICLE + "&hl=en",
    "screenshot-article-zh-Hant.png": ARTICLE + "&hl=zh-Hant",
}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        cmd = newsarchive(ROOT / "config.toml", index)
        subprocess.run([*cmd, "index", "--quiet", str(ROOT / "corpus")], check=True)
        with serving(ROOT / "config.toml", index) as port, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="en-GB")
            page.goto(f"http://127.0.0.1:{port}/?q=warm")  # the first search loads dictionaries
            for name, path in SHOTS.items():
                page.goto(f"http://127.0.0.1:{port}{path}")
                page.screenshot(path=str(ROOT / "docs" / name), full_page=False)
                print("wrote", ROOT / "docs" / name)
            browser.close()


if __name__ == "__main__":
    main()
