"""Extraction benchmark: what the HTML reader finds in real pages, against expected values.

Reads every page under ``../shared/corpus/html/`` through the same reader that
``newsarchive index`` uses, and compares it with the title, author, date and body of
the matching row in ``../shared/corpus/jsonl/``. Prints, per site group, the title
exact-match rate, date accuracy (same day), author accuracy (where the expected author
is known) and the median body token F1, as a table and as JSON.

Titles and authors are compared after Unicode (NFKC), whitespace, typographic-quote and
HTML-entity normalisation of both sides. Some expected values are not what they claim
to be, and are judged as such by rules that look only at the expected row, never at what
the reader extracted:

- An expected title that keeps a site-name part ("Headline_证券时报网", "Headline -
  sacbee.com") still matches the headline alone, because titles are wanted without the
  site name; a part counts as a site name only when it is a domain name, lies within the
  host of the row's URL, or is a Chinese publication name (…网, …报, …传媒, …公报).
- An expected title that is only the site's name (a blog's or journal's name, "Activist
  Post", "LiveJournal.com", "山西省人民政府网站") names no article: the row has no known
  title and is left out of the title rate, as rows without an expected date are left
  out of the date rate.
- An expected author that is a publication (CSDN.NET, 环球网) is not a known author.

The plain exact-match rates over every row are reported too (``title_verbatim``,
``author_verbatim``).

Body F1 tokens: every Han character is a token and every run of letters or digits is a
lower-cased token (a simple tokeniser, so the score does not depend on the analyzer).
Expected bodies are exact only for pages whose ``meta.body_extraction`` names the
extraction tool's own expected output (GNE ``result.txt``); elsewhere they come from
a rough heuristic and the F1 is a guide, reported separately.

Usage: python bench/extraction.py [--corpus ../shared/corpus] [--with-url] [--misses]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.ingest.article import Article  # noqa: E402
from indexer.ingest.dates import first_date  # noqa: E402
from indexer.ingest.parse import InputFile, read_file, read_html_bytes  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"

#: html/<folder> → (jsonl file, id prefix); file stem + prefix = jsonl id.
GROUPS = {
    "gne_testpages": ("gne_testpages.jsonl", "gne-"),
    "appledaily_tw_charity": ("appledaily_tw.jsonl", "appledaily-tw-"),
    "mediacloud_dateguess_2012": ("mediacloud_html_en.jsonl", "mediacloud-"),
    "globalvoices_mediacloud": ("mediacloud_html_en.jsonl", "gv-mediacloud-"),
}
EXACT_BODY = "GNE result.txt"
TARGETS = {"title": 0.95, "date": 0.90, "author": 0.80, "body_f1": 0.90}

_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_]+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Han characters one by one, other words lower-cased."""
    return [t.lower() for t in _TOKEN.findall(unicodedata.normalize("NFKC", text or ""))]


def f1(got: str, expected: str) -> float:
    """Token-multiset F1 of an extracted body against the expected one."""
    a, b = Counter(tokens(got)), Counter(tokens(expected))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def norm(text: str | None) -> str:
    """Text for exact comparisons: entities, whitespace, width and typographic quotes
    normalised (some expected titles keep "&quot;" as the page's source had it)."""
    text = html.unescape(text or "")
    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).split())


_TITLE_SEP = re.compile(r"\s*(?:[|\-–—_·:»«›‹~]|::)+\s*")
_ZH_PUBLICATION = re.compile(
    r"(网|網|网站|網站|官网|官網|报|報|传媒|傳媒|公报|公報|新闻|新聞|频道|頻道)$"
)
_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)*\.(com|net|org|cn|hk|tw|info|ru|edu|gov)$", re.I)
_GENERIC_LABELS = {"www", "com", "net", "org", "cn", "edu", "gov", "blogs", "blog", "news"}


def _squashed(text: str) -> str:
    return re.sub(r"[\W_]+", "", norm(text).lower())


def names_site(text: str, row: dict[str, Any]) -> bool:
    """Whether a piece of an expected value names the site rather than an article or a
    person, judged from the expected row alone (its URL's host), a domain-name form or
    a Chinese publication-name ending."""
    text = norm(text)
    if not text:
        return False
    if _DOMAIN.match(text):
        return True
    if len(text) <= 20 and _ZH_PUBLICATION.search(text) and not _TITLE_SEP.search(text):
        return True
    host = (re.match(r"\w+://([^/:?#]+)", row.get("url") or "") or [None, ""])[1]
    labels = [_squashed(x) for x in host.lower().split(".") if x not in _GENERIC_LABELS]
    squashed = _squashed(text)
    return len(squashed) >= 4 and any(squashed in label for label in labels)


def title_matches(got: str | None, expected: str | None, row: dict[str, Any]) -> bool:
    """Exact match, or the expected title minus separated parts that all name the site."""
    got_n, want = norm(got), norm(expected)
    if not got_n:
        return False
    if got_n == want:
        return True
    if want.startswith(got_n):
        rest = want[len(got_n) :]
        joined = _TITLE_SEP.match(rest)
    elif want.endswith(got_n):
        rest = want[: -len(got_n)]
        joined = re.search(_TITLE_SEP.pattern + "$", rest)
    else:
        return False
    pieces = [p for p in _TITLE_SEP.split(rest) if p.strip()]
    return bool(joined and pieces and all(names_site(p, row) for p in pieces))


def norm_author(text: str | None) -> str:
    return re.sub(r"[\s,，、;；/]+", " ", norm(text)).strip().lower()


def known_title(row: dict[str, Any]) -> bool:
    """Whether the expected title names an article, not only the site it is on."""
    title = norm(row.get("title"))
    return bool(title) and not names_site(title, row)


_HEAD_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


def site_part(page: bytes) -> str:
    """What follows the headline in the page's own <title> ("_网易科技", "-CSDN.NET"),
    read straight from the bytes: the names the site gives itself there."""
    match = _HEAD_TITLE.search(page)
    if not match:
        return ""
    raw = match.group(1)
    for codec in ("utf-8", "gb18030", "big5", "latin-1"):
        try:
            head = norm(raw.decode(codec))
            break
        except UnicodeDecodeError:
            continue
    pieces = [p for p in _TITLE_SEP.split(head) if p.strip()]
    return " ".join(pieces[1:])


def known_author(row: dict[str, Any], page: bytes = b"") -> bool:
    """Whether the expected author is given and is not the publication: a site name by
    the rules of names_site, or a name the page's <title> gives its site."""
    author = norm(row.get("author"))
    if not author:
        return False
    return not (names_site(author, row) or author.lower() in site_part(page).lower())


@dataclass
class Score:
    """Counts for one group."""

    pages: int = 0
    title_n: int = 0
    title_ok: int = 0
    title_verbatim: int = 0
    date_n: int = 0
    date_ok: int = 0
    author_n: int = 0
    author_ok: int = 0
    author_given: int = 0
    author_verbatim: int = 0
    f1_exact: list[float] = field(default_factory=list)
    f1_rough: list[float] = field(default_factory=list)
    failed: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in (
            "pages",
            "title_n",
            "title_ok",
            "title_verbatim",
            "date_n",
            "date_ok",
            "author_n",
            "author_ok",
            "author_given",
            "author_verbatim",
            "failed",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.f1_exact += other.f1_exact
        self.f1_rough += other.f1_rough

    def to_dict(self) -> dict[str, Any]:
        def rate(ok: int, n: int) -> float | None:
            return round(ok / n, 4) if n else None

        def median(values: list[float]) -> float | None:
            return round(statistics.median(values), 4) if values else None

        every = self.f1_exact + self.f1_rough
        return {
            "pages": self.pages,
            "failed": self.failed,
            "title": rate(self.title_ok, self.title_n),
            "title_n": self.title_n,
            "title_verbatim": rate(self.title_verbatim, self.pages),
            "date": rate(self.date_ok, self.date_n),
            "date_n": self.date_n,
            "author": rate(self.author_ok, self.author_n),
            "author_n": self.author_n,
            "author_verbatim": rate(self.author_verbatim, self.author_given),
            "author_verbatim_n": self.author_given,
            "body_f1_median": median(every),
            "body_f1_exact_median": median(self.f1_exact),
            "body_f1_exact_n": len(self.f1_exact),
            "body_f1_rough_median": median(self.f1_rough),
            "body_f1_rough_n": len(self.f1_rough),
        }


def load_expected(corpus: Path) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for name in {jsonl for jsonl, _ in GROUPS.values()}:
        with (corpus / "jsonl" / name).open(encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                rows[record["id"]] = record
    return rows


def score_page(path: Path, expected: dict[str, Any], with_url: bool) -> tuple[Score, Any]:
    """Read one page the way the indexer does and compare it with its expected row."""
    score = Score(pages=1)
    if with_url:
        item = read_html_bytes(path.read_bytes(), path.name, str(path), url=expected.get("url"))
    else:
        item = next(iter(read_file(InputFile(path, path.parent))))
    if not isinstance(item, Article):
        score.failed = 1
        item = Article(id=path.name, title="", body="")
    miss: dict[str, Any] = {}
    score.title_verbatim = int(norm(item.title) == norm(expected.get("title")))
    if known_title(expected):
        score.title_n = 1
        if title_matches(item.title, expected.get("title"), expected):
            score.title_ok = 1
        else:
            miss["title"] = (item.title, expected.get("title"))
    elif not score.title_verbatim:
        miss["title (site name expected)"] = (item.title, expected.get("title"))
    # Some expected dates are written 2019年09月07 or lack the year (09月07日): compare
    # those that name a whole day.
    want = first_date(expected.get("published") or "")
    if want is not None:
        want_date = want.date().isoformat()
        score.date_n = 1
        got_date = item.published.date().isoformat() if item.published else None
        if got_date == want_date:
            score.date_ok = 1
        else:
            miss["date"] = (got_date, want_date)
    if expected.get("author"):
        score.author_given = 1
        same = norm_author(item.author) == norm_author(expected["author"])
        score.author_verbatim = int(same)
        if not known_author(expected, path.read_bytes()):
            if not same:
                miss["author (publication expected)"] = (item.author, expected["author"])
        else:
            score.author_n = 1
            if same:
                score.author_ok = 1
            else:
                miss["author"] = (item.author, expected["author"])
    value = f1(item.body, expected.get("body") or "")
    exact = EXACT_BODY in str((expected.get("meta") or {}).get("body_extraction", ""))
    (score.f1_exact if exact else score.f1_rough).append(value)
    if value < 0.8:
        miss["body_f1"] = round(value, 3)
    if miss:
        score.misses.append({"file": path.name, **miss})
    return score, item


def run(corpus: Path, with_url: bool = False) -> dict[str, Score]:
    """Scores per group (and 'all') over every page of the corpus's html/ folder."""
    expected = load_expected(corpus)
    groups: dict[str, Score] = defaultdict(Score)
    for folder, (_jsonl, prefix) in GROUPS.items():
        for path in sorted((corpus / "html" / folder).iterdir()):
            if path.suffix.lower() not in (".html", ".htm"):
                continue
            stem = path.stem.removeprefix("gv_")  # gv_1.html is gv-mediacloud-1
            row = expected.get(prefix + stem)
            if row is None:
                continue
            score, _ = score_page(path, row, with_url)
            # Rows whose expected values are the extraction tool's own test expectations
            # are scored apart from rows filled in by a rough heuristic.
            exact = EXACT_BODY in str((row.get("meta") or {}).get("body_extraction", ""))
            name = folder + (" (GNE expected)" if exact else "")
            groups[name].add(score)
            groups[name].misses += score.misses
    total = Score()
    for score in list(groups.values()):
        total.add(score)
    groups["all"] = total
    return dict(groups)


def _fmt(value: float | None, n: int | None = None) -> str:
    if value is None:
        return "—"
    text = f"{value * 100:.1f}%" if n is None or n >= 0 else ""
    return text + (f" ({n})" if n is not None else "")


def table(results: dict[str, Score]) -> str:
    """A fixed-width table, one row per group."""
    head = f"{'group':<38}{'pages':>6}{'title (n)':>14}{'verbatim':>10}{'date (n)':>14}"
    head += f"{'author (n)':>14}{'verbatim':>10}"
    head += f"{'F1 all':>8}{'F1 exact (n)':>15}{'F1 rough (n)':>15}"
    lines = [head, "-" * len(head)]
    for name, score in results.items():
        d = score.to_dict()

        def f(v: float | None) -> str:
            return "—" if v is None else f"{v:.3f}"

        lines.append(
            f"{name:<38}{d['pages']:>6}{_fmt(d['title'], d['title_n']):>14}"
            f"{_fmt(d['title_verbatim']):>10}{_fmt(d['date'], d['date_n']):>14}"
            f"{_fmt(d['author'], d['author_n']):>14}{_fmt(d['author_verbatim']):>10}"
            f"{f(d['body_f1_median']):>8}"
            f"{f(d['body_f1_exact_median']) + ' (' + str(d['body_f1_exact_n']) + ')':>15}"
            f"{f(d['body_f1_rough_median']) + ' (' + str(d['body_f1_rough_n']) + ')':>15}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--with-url",
        action="store_true",
        help="give the reader each page's URL, as a web-archive record would",
    )
    parser.add_argument("--misses", action="store_true", help="list every page that misses")
    args = parser.parse_args()
    if not (args.corpus / "html").is_dir():
        sys.exit(f"no corpus at {args.corpus}")
    started = time.perf_counter()
    results = run(args.corpus, args.with_url)
    seconds = time.perf_counter() - started
    print(table(results))
    total = results["all"].to_dict()
    print(
        f"\n{total['pages']} pages in {seconds:.1f} s; targets: title ≥ 95%, date ≥ 90%, "
        "author ≥ 80%, median body F1 ≥ 0.90"
    )
    print("body F1 tokens: Han characters one by one, other words lower-cased")
    if args.misses:
        for name, score in results.items():
            for miss in score.misses:
                print(name, json.dumps(miss, ensure_ascii=False)[:400])
    out = {name: score.to_dict() for name, score in results.items()}
    out["_meta"] = {
        "seconds": round(seconds, 2),
        "with_url": args.with_url,
        "targets": TARGETS,
        "tokens": "Han characters one by one, other words lower-cased",
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
