"""The real news in ../shared/corpus: no crash on any of it, and it can be found."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.search.core import SearchRequest, search
from indexer.store.archive import Archive
from tests.helpers import make_settings

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

HTML_FOLDER = "html/gne_testpages"  # 62 pages from 31 Chinese sites, mixed encodings
TITLES_PER_FILE = 5


@pytest.fixture(scope="module")
def real_archive(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Archive, dict[str, int]]]:
    from tests.helpers import SHARED_CORPUS

    if not (SHARED_CORPUS / "jsonl").is_dir():
        pytest.skip(f"real corpus not found at {SHARED_CORPUS}")
    settings = make_settings(tmp_path_factory.mktemp("real") / "index")
    archive = Archive(settings)
    # As `newsarchive index` reads them: worker processes, batched commits.
    summary = archive.index_paths(
        [SHARED_CORPUS / "jsonl", SHARED_CORPUS / "text", SHARED_CORPUS / HTML_FOLDER]
    )
    yield archive, summary.to_dict()
    archive.close()


def test_whole_corpus_indexes_without_failures(
    real_archive: tuple[Archive, dict[str, int]],
) -> None:
    archive, summary = real_archive
    # Three mediacloud records carry neither body nor html: reported, not indexed.
    reasons = {(Path(p["location"]).name, p["reason"]) for p in summary["problems"]}
    assert reasons == {
        (f"mediacloud_html_en.jsonl:{n}", "no article text found") for n in (13, 19, 58)
    }
    assert summary["indexed"] > 29_000
    assert archive.searcher().doc_count() == summary["indexed"]


GUIYANG = "guiyang-big-data-valley.txt"  # English, 馬雲 and 騰訊 in parentheses


@pytest.mark.parametrize("q", ["马云", "腾讯", "馬雲", "騰訊", '"Jack Ma"', "Tencent"])
def test_guiyang_article_found_by_names(
    real_archive: tuple[Archive, dict[str, int]], q: str
) -> None:
    archive, _ = real_archive
    # Hundreds of Chinese articles are about 腾讯; the English one mentioning it once is
    # among the hits, and first among English ones.
    page = search(archive, SearchRequest(q=q, limit=100))
    assert GUIYANG in [h.id for h in page.hits]
    english = search(archive, SearchRequest(q=f"{q} lang:en", limit=10)).hits
    assert english[0].id == GUIYANG
    assert english[0].snippet.matched


def test_titles_find_their_own_article(
    real_archive: tuple[Archive, dict[str, int]], shared_corpus: Path
) -> None:
    archive, _ = real_archive
    rng = random.Random(20261128)
    misses = []
    tried = 0
    for path in sorted((shared_corpus / "jsonl").glob("*.jsonl")):
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        with_titles = [r for r in records if (r.get("title") or "").strip()]
        for record in rng.sample(with_titles, min(TITLES_PER_FILE, len(with_titles))):
            tried += 1
            hits = search(archive, SearchRequest(q=_as_words(record["title"]), limit=10)).hits
            # Copies of one story (the jsonl row and its saved page, a reprint) show as one
            # hit with its versions: finding any copy finds the article.
            story = archive.stored(record["id"]).get("group")
            if not any(
                h.id == record["id"] or (story and archive.stored(h.id).get("group") == story)
                for h in hits
            ):
                misses.append((path.name, record["title"]))
    assert tried >= 35
    assert not misses, misses


def _as_words(title: str) -> str:
    """A title typed as a reader would: its words, without the query syntax characters."""
    cleaned = "".join(" " if ch in '"():*?+-^~[]{}\\/' else ch for ch in title)
    return " ".join(w for w in cleaned.split() if w.upper() not in ("AND", "OR", "NOT"))[:400]
