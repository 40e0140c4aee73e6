"""Admin operations on an index home: reindex, check, delete, optimize, export, import.

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
from indexer.errors import NewsArchiveError, QueryError, ReindexRefusedError
from indexer.ingest.article import Article, ItemError, format_date, plural
from indexer.ingest.parse import InputFile, article_from_record, read_jsonl
from indexer.store.archive import Archive, IndexSummary, write_items
from indexer.store.lock import writer_lock
from indexer.store.manifest import FILENAME as MANIFEST_FILE
from indexer.store.manifest import NO_FILE, Manifest, article_count
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
    removed: list[str]  # generation folders removed
    check: CheckReport
    sources: list[str] = field(default_factory=list)  # files and folders read again
    gone: list[str] = field(default_factory=list)  # recorded sources no longer found
    carried: dict[str, str] = field(default_factory=dict)  # id -> why its stored copy was kept
    pruned: list[str] = field(default_factory=list)  # ids removed as asked (--prune)

    def to_dict(self) -> dict[str, Any]:
        return {
            "generation": self.generation,
            "previous": self.previous,
            "removed": self.removed,
            "sources": self.sources,
            "gone": self.gone,
            "carried": self.carried,
            "pruned": self.pruned,
            "summary": self.summary.to_dict(),
            "check": self.check.to_dict(),
        }


def rebuild_sources(archive: Archive, sources: Iterable[Path] | None = None) -> list[Path]:
    """What a rebuild reads: the given paths, or every recorded source path and
    sources.paths from the config, each once, in the order first fed."""
    if sources is not None:
        return list(dict.fromkeys(Path(p).resolve() for p in sources))
    recorded = [Path(s.path) for s in archive.sources() if s.kind == "path"]
    return list(dict.fromkeys([*recorded, *archive.settings.source_paths]))


def reindex(
    archive: Archive,
    sources: Iterable[Path] | None = None,
    keep_old: bool = False,
    workers: int | None = None,
    on_item: OnItem | None = None,
    prune: bool = False,
) -> ReindexResult:
    """Rebuild the index into a new generation, check it, switch to it.

    Reads every recorded source (and sources.paths) again; the articles of the live
    generation that no file gave back (their file is gone, or they were imported) are
    carried over from their stored copy. With `prune`, the articles of files that are
    gone or no longer hold them are dropped instead. The switch is refused
    (ReindexRefusedError, the live index unchanged) if any other article would disappear.
    """
    paths = rebuild_sources(archive, sources)
    with writer_lock(archive.home, archive.settings.writer_timeout, "newsarchive reindex"):
        live = archive.current_dir() if archive.exists() else None
        if not paths and live is None:
            raise NewsArchiveError(
                "no sources to rebuild from: index a PATH first, or list sources.paths"
            )
        previous = live.name if live is not None else None
        _remove_unused_generations(archive, keep={previous})
        present = [p for p in paths if p.exists()]
        directory = archive.new_generation()
        try:
            summary = archive.index_paths(
                present, workers, on_item, directory=directory, optimize=False
            )
            carried, pruned = _carry_over(archive, live, directory, prune)
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
    return ReindexResult(
        summary,
        directory.name,
        previous,
        removed,
        report,
        sources=[str(p) for p in present],
        gone=[str(p) for p in paths if not p.exists()],
        carried=carried,
        pruned=pruned,
    )


def _ids(ix: Any) -> set[str]:
    """The ids of every live article of an index."""
    with ix.searcher() as searcher:
        out = set()
        for term in searcher.reader().lexicon("id"):
            ident = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            if searcher.document_number(id=ident) is not None:
                out.add(ident)
        return out


def _carry_over(
    archive: Archive, live: Path | None, directory: Path, prune: bool
) -> tuple[dict[str, str], list[str]]:
    """Bring into the rebuilt generation the live articles no source gave back; merge it.

    Returns (id -> why carried over, ids pruned); raises ReindexRefusedError when an
    article of the live generation would be lost without being asked.
    """
    settings = archive.settings
    new_ix = archive.open_index(directory)
    if live is None:
        merge_all(new_ix, timeout=settings.writer_timeout)
        return {}, []
    files: dict[str, list[str]] = {}
    if (live / MANIFEST_FILE).is_file():
        with Manifest(live) as old_manifest:
            files = old_manifest.files_of()
    old_ix: Any = None
    unreadable = ""
    try:
        old_ix = archive.open_index(live, any_version=True)
        live_ids = _ids(old_ix)
    except Exception as exc:  # a damaged or very old index raises whatever its reader trips on
        # Compare with what the manifest lists; no stored copy can be carried over.
        old_ix, unreadable = None, f"the live index cannot be read: {exc}"
        live_ids = set(files)
    with Manifest(directory) as new_manifest:
        read_through = set(new_manifest.recorded())
    missing = sorted(live_ids - _ids(new_ix))
    carry: dict[str, str] = {}  # id -> the file it is listed under ("" none)
    why: dict[str, str] = {}
    pruned: list[str] = []
    lost: dict[str, str] = {}
    for ident in missing:
        paths = [p for p in files.get(ident, [NO_FILE]) if p != NO_FILE]
        if not paths:
            carry[ident], why[ident] = NO_FILE, "imported, or added without a file"
        elif not any(Path(p).exists() for p in paths):
            if prune:
                pruned.append(ident)
            else:
                carry[ident], why[ident] = paths[0], f"its file {paths[0]} is gone"
        elif read := [p for p in paths if p in read_through]:
            if prune:
                pruned.append(ident)
            else:
                lost[ident] = f"its file {read[0]} no longer holds it"
        else:
            carry[ident], why[ident] = paths[0], f"its file {paths[0]} was not read again"
    items: list[Article | ItemError] = []
    if old_ix is None:
        items = [ItemError(ident, unreadable) for ident in carry]
    else:
        with old_ix.searcher() as searcher:
            for ident in carry:
                fields = searcher.document(id=ident)
                items.append(
                    article_from_record(_record(fields), ident, fields.get("location") or ident)
                    if fields
                    else ItemError(ident, "its stored copy cannot be read")
                )
    carried = write_items(new_ix, items, settings, optimize=True)
    for problem in carried.problems:
        lost[problem.location] = f"its stored copy cannot be indexed again: {problem.reason}"
        why.pop(problem.location, None)
    with Manifest(directory) as new_manifest:
        new_manifest.place({i: p for i, p in carry.items() if p and i in why})
        new_manifest.commit(new_ix.latest_generation())
    for ident in live_ids - _ids(new_ix) - set(pruned) - set(lost):
        lost[ident] = "not in the rebuilt index"
    if lost:
        shown = "; ".join(f"{i} ({reason})" for i, reason in sorted(lost.items())[:10])
        more = f"; and {len(lost) - 10} more" if len(lost) > 10 else ""
        raise ReindexRefusedError(
            f"the rebuild would lose {plural(len(lost), 'article')} the archivist did not "
            f"ask to remove: {shown}{more}. The live index is unchanged; remove them with "
            "`newsarchive reindex --prune` (articles whose files are gone or no longer hold "
            "them) or `newsarchive delete ID`",
            lost,
        )
    return why, pruned


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
        yield _record(fields)


def _record(fields: dict[str, Any]) -> dict[str, Any]:
    """An article's stored fields as a JSON-ready record (what `import` reads back)."""
    record: dict[str, Any] = {}
    for name in EXPORT_FIELDS:
        value = fields.get(name)
        record[name] = format_date(value) if isinstance(value, datetime) else value
    extra = {k: v for k, v in fields.items() if k not in EXPORT_FIELDS}
    if extra:
        record["stored"] = {
            k: (format_date(v) if isinstance(v, datetime) else v) for k, v in extra.items()
        }
    return record


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
    with writer_lock(archive.home, archive.settings.writer_timeout):
        archive.record_sources([path], "import")
        return archive.add(read_jsonl(found), on_item)
