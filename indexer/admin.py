"""Admin operations on an index home: reindex, check, stats, delete, optimize, export, import.

Every operation that writes holds the home's writer lock (see :mod:`indexer.store.lock`);
readers are never blocked. A rebuild is written into a new generation folder, checked,
and only then made live with one atomic rename of CURRENT.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from whoosh import query as wq

from indexer.analysis.dedupe import Grouper
from indexer.engine.writer import merge_all
from indexer.errors import NewsArchiveError, QueryError
from indexer.ingest.article import Article, ItemError, format_date
from indexer.ingest.parse import InputFile, read_jsonl
from indexer.store.archive import Archive, IndexSummary
from indexer.store.lock import writer_lock
from indexer.store.manifest import Manifest, article_count
from indexer.store.pipeline import Prepared

OnItem = Callable[[Article | Prepared | ItemError], None]
SWITCH_GRACE_SECONDS = 2.0


# --- reindex -------------------------------------------------------------------------


@dataclass
class ReindexResult:
    """What a rebuild did."""

    summary: IndexSummary
    generation: str
    previous: str | None
    removed: list[str]
    check: CheckReport

    def to_dict(self) -> dict[str, Any]:
        return {
            "generation": self.generation,
            "previous": self.previous,
            "removed": self.removed,
            "summary": self.summary.to_dict(),
            "check": self.check.to_dict(),
        }


def reindex(
    archive: Archive,
    sources: Iterable[Path] | None = None,
    keep_old: bool = False,
    workers: int | None = None,
    on_item: OnItem | None = None,
) -> ReindexResult:
    """Rebuild the index from its sources into a new generation, check it, switch to it."""
    sources = list(sources or archive.settings.source_paths)
    if not sources:
        raise NewsArchiveError("no sources to rebuild from: list them in sources.paths")
    home = archive.home
    with writer_lock(home, archive.settings.writer_timeout, "newsarchive reindex"):
        previous = archive.current_dir().name if archive.exists() else None
        _remove_unused_generations(archive, keep={previous})
        directory = archive.new_generation()
        try:
            summary = archive.index_paths(
                sources, workers, on_item, directory=directory, optimize=True
            )
            report = check(archive, directory)
            if not report.ok:
                raise NewsArchiveError(
                    f"the rebuilt index failed its check ({'; '.join(report.problems[:3])}); "
                    f"the live index is unchanged"
                )
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        archive.switch_to(directory)
        if not keep_old:
            # Searches that began on the old generation finish before its files go.
            time.sleep(SWITCH_GRACE_SECONDS)
        removed = [] if keep_old else _remove_unused_generations(archive, keep={directory.name})
    return ReindexResult(summary, directory.name, previous, removed, report)


def _remove_unused_generations(archive: Archive, keep: set[str | None]) -> list[str]:
    """Delete generation folders CURRENT does not name (old ones, or a crashed rebuild's)."""
    removed = []
    for folder in sorted(archive.home.glob("gen-*")):
        if folder.is_dir() and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed


# --- check ---------------------------------------------------------------------------


@dataclass
class CheckReport:
    """Whether an index is sound, and what is wrong if not."""

    articles: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "articles": self.articles, "problems": self.problems}


def check(archive: Archive, directory: Path | None = None) -> CheckReport:
    """The index opens, every stored article is found by its id, counts agree."""
    report = CheckReport()
    try:
        ix = archive.open_index(directory)
    except NewsArchiveError as exc:
        report.problems.append(str(exc))
        return report
    except Exception as exc:  # a damaged index raises whatever its reader trips on
        report.problems.append(f"the index does not open: {exc}")
        return report
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            seen: Counter[str] = Counter()
            for docnum, fields in reader.iter_docs():
                ident = fields.get("id")
                if not ident:
                    report.problems.append(f"document {docnum} has no id")
                    continue
                seen[ident] += 1
                found = searcher.document_number(id=ident)
                if found is None:
                    report.problems.append(f"article {ident!r} is stored but not searchable by id")
            report.articles = sum(seen.values())
            for ident, count in seen.items():
                if count > 1:
                    report.problems.append(f"article {ident!r} is indexed {count} times")
            if report.articles != searcher.doc_count():
                report.problems.append(
                    f"{report.articles} stored articles but the index counts {searcher.doc_count()}"
                )
            expected = article_count(directory or archive.current_dir())
            if expected is not None and expected != report.articles:
                report.problems.append(
                    f"the manifest of indexed sources lists {expected} articles, "
                    f"the index holds {report.articles}"
                )
    except Exception as exc:  # damaged files raise whatever their reader trips on
        report.problems.append(f"the index cannot be read: {type(exc).__name__}: {exc}")
    return report


# --- stats ---------------------------------------------------------------------------


def stats(archive: Archive) -> dict[str, Any]:
    """Articles by language, source and year; index size, segments, schema, last update."""
    directory = archive.current_dir()
    meta = archive.meta(directory)
    searcher = archive.searcher()
    counts: dict[str, Counter[str]] = {"lang": Counter(), "source": Counter(), "year": Counter()}
    for _, fields in searcher.reader().iter_docs():
        counts["lang"][fields.get("lang") or "unknown"] += 1
        counts["source"][fields.get("source") or "unknown"] += 1
        published = fields.get("published")
        counts["year"][str(published.year) if isinstance(published, datetime) else "undated"] += 1
    files = [p for p in directory.iterdir() if p.is_file()]
    last = max((p.stat().st_mtime for p in files if p.suffix == ".toc"), default=None)
    return {
        "articles": searcher.doc_count(),
        "by_language": dict(counts["lang"].most_common()),
        "by_source": dict(counts["source"].most_common()),
        "by_year": dict(sorted(counts["year"].items())),
        "index": {
            "path": str(directory),
            "generation": directory.name,
            "size_bytes": sum(p.stat().st_size for p in files),
            "segments": len(searcher.reader().leaf_readers()),
            "schema_version": meta.get("schema_version"),
            "segmenter": meta.get("segmenter"),
            "created": meta.get("created"),
            "last_update": (
                datetime.fromtimestamp(last).astimezone().isoformat(timespec="seconds")
                if last
                else None
            ),
        },
        "sources": [str(p) for p in archive.settings.source_paths],
    }


# --- delete, optimize ----------------------------------------------------------------


def matching_ids(archive: Archive, ids: Iterable[str] = (), query: str | None = None) -> list[str]:
    """The ids of the given articles that exist, and of every article a query matches."""
    from indexer.search.query import parse_query

    searcher = archive.searcher()
    found = [i for i in ids if searcher.document_number(id=i) is not None]
    if query:
        q, filters = parse_query(query, searcher.schema, archive.settings)
        parts = ([q] if q is not None else []) + filters
        if not parts:
            raise QueryError("the query matches nothing to delete")
        combined = wq.And(parts) if len(parts) > 1 else parts[0]
        for hit in searcher.search(combined, limit=None):
            if hit["id"] not in found:
                found.append(hit["id"])
    return found


def delete(archive: Archive, ids: list[str]) -> int:
    """Remove articles by id; returns how many were removed."""
    if not ids:
        return 0
    with writer_lock(archive.home, archive.settings.writer_timeout):
        ix = archive.open_index()
        writer = ix.writer(timeout=archive.settings.writer_timeout)
        try:
            removed = sum(writer.delete_by_term("id", ident) for ident in ids)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=False)  # `optimize` merges
        _manifest_in_step(archive, ix, forget=ids)
    return int(removed)


def _manifest_in_step(archive: Archive, ix: Any, forget: list[str] | None = None) -> None:
    """Tell the manifest of indexed sources (and the story groups) what a commit changed."""
    with Manifest(archive.current_dir()) as sources:
        if forget:
            sources.forget(forget)
            Grouper(sources.db, archive.settings.near_threshold).forget(forget)
        sources.commit(ix.latest_generation())


def optimize(archive: Archive) -> dict[str, int]:
    """Merge every segment into one; returns segment counts before and after."""
    with writer_lock(archive.home, archive.settings.writer_timeout):
        ix = archive.open_index()
        with ix.searcher() as s:
            before = len(s.reader().leaf_readers())
        merge_all(ix, timeout=archive.settings.writer_timeout)
        _manifest_in_step(archive, ix)
        with ix.searcher() as s:
            after = len(s.reader().leaf_readers())
    return {"segments_before": before, "segments_after": after}


# --- export, import ------------------------------------------------------------------

EXPORT_FIELDS = ("id", "url", "title", "author", "published", "lang", "source", "body", "location")


def export_records(archive: Archive) -> Iterator[dict[str, Any]]:
    """Every stored article as a JSON-ready record, in index order."""
    searcher = archive.searcher()
    for _, fields in searcher.reader().iter_docs():
        record: dict[str, Any] = {}
        for name in EXPORT_FIELDS:
            value = fields.get(name)
            record[name] = format_date(value) if isinstance(value, datetime) else value
        extra = {k: v for k, v in fields.items() if k not in EXPORT_FIELDS}
        if extra:
            record["stored"] = {
                k: (format_date(v) if isinstance(v, datetime) else v) for k, v in extra.items()
            }
        yield record


def export_jsonl(archive: Archive, out: IO[str]) -> int:
    """Write every stored article as one JSON line; returns the count."""
    count = 0
    for record in export_records(archive):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def import_jsonl(archive: Archive, path: Path, on_item: OnItem | None = None) -> IndexSummary:
    """Add the articles of an export (or any JSON Lines file) back, by id.

    A record's `location` (where the article was first read) is kept as it is.
    """
    found = InputFile(path.resolve(), path.resolve().parent)
    return archive.add(read_jsonl(found), on_item)
