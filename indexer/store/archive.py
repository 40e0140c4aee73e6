"""The index on disk: an index home holding generations of a Whoosh index.

Layout of the index home (``index.path`` in config.toml)::

    CURRENT              name of the live generation, replaced atomically
    gen-000001/          a Whoosh index, plus newsarchive.json (schema version, segmenter)
    sources.json         every source the home was fed: paths given to `index`, imported
                         files; `reindex` rebuilds from all of them

Readers follow CURRENT, so a rebuilt generation can replace the live one in one
rename while searches go on.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.searching import Searcher

from indexer import __version__
from indexer.analysis.dedupe import Grouper, fingerprint
from indexer.analysis.names import NameMiner
from indexer.config import Settings
from indexer.engine.columns import hold_lengths
from indexer.engine.storage import open_segments
from indexer.engine.writer import BATCH_CODEC, LeanWriter, merge_all
from indexer.errors import (
    IndexDamagedError,
    IndexLockedError,
    IndexMissingError,
    NotFoundError,
    OutdatedIndexError,
)
from indexer.ingest.article import Article, ItemError
from indexer.store.lock import writer_lock
from indexer.store.manifest import Gone, Manifest, Marker, Reading
from indexer.store.pipeline import Prepared
from indexer.store.schema import SCHEMA_VERSION, build_schema, to_document

CURRENT = "CURRENT"
META = "newsarchive.json"
SOURCES = "sources.json"


@dataclass(frozen=True)
class Source:
    """A source the index home was fed: a file or folder given to `index`, or an import."""

    path: str
    kind: str  # "path": read again by `reindex`; "import": carried over from the stored copy
    added: str  # when it was first fed (UTC, ISO 8601)

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "kind": self.kind, "added": self.added}


@dataclass
class IndexSummary:
    """What an indexing run did."""

    indexed: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    problems: list[ItemError] = field(default_factory=list)
    unchanged: int = 0  # files not read again: the manifest holds them as they are
    removed: int = 0  # articles removed: their file changed without them, or is gone
    exact_duplicates: int = 0  # articles whose folded text an earlier article has
    near_duplicates: int = 0  # articles grouped with a near-identical earlier one

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "indexed": self.indexed,
            "updated": self.updated,
            "skipped": self.skipped,
            "failed": self.failed,
            "seconds": round(self.seconds, 3),
            "unchanged": self.unchanged,
            "removed": self.removed,
            "exact_duplicates": self.exact_duplicates,
            "near_duplicates": self.near_duplicates,
            "problems": [p.to_dict() for p in self.problems],
        }


class Archive:
    """An index home: opens the live generation, creates one, reuses searchers."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.home = Path(settings.index_path)
        self._local = threading.local()
        # Every searcher this archive opened and has not closed, whatever thread holds it:
        # closed when the archive is garbage (searchers hold open files).
        self._open: set[Searcher] = set()
        weakref.finalize(self, _close_all, self._open)

    # --- generations -----------------------------------------------------------------

    def current_dir(self) -> Path:
        """The live generation's folder; IndexMissingError when there is none."""
        try:
            name = (self.home / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise IndexMissingError(
                f"no index at {self.home}; build one with `newsarchive index PATH`"
            ) from None
        return self.home / name

    def exists(self) -> bool:
        return (self.home / CURRENT).is_file()

    def create(self) -> Path:
        """Create an empty generation and make it live (only when there is no index yet)."""
        directory = self.new_generation()
        self.switch_to(directory)
        return directory

    def new_generation(self) -> Path:
        """An empty Whoosh index in a fresh generation folder, not yet live."""
        self.home.mkdir(parents=True, exist_ok=True)
        numbers = [int(p.name[4:]) for p in self.home.glob("gen-*") if p.name[4:].isdigit()]
        directory = self.home / f"gen-{max(numbers, default=0) + 1:06d}"
        directory.mkdir()
        whoosh_index.create_in(str(directory), build_schema(self.settings.segmenter))
        meta = {
            "schema_version": SCHEMA_VERSION,
            "segmenter": self.settings.segmenter,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "newsarchive": __version__,
        }
        _write_atomic(directory / META, json.dumps(meta, indent=2))
        return directory

    def switch_to(self, directory: Path) -> None:
        """Make a generation live with one atomic rename."""
        _write_atomic(self.home / CURRENT, directory.name + "\n")

    def sources(self) -> list[Source]:
        """Every source this index home was fed, in the order first fed."""
        try:
            data = json.loads((self.home / SOURCES).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            raise IndexDamagedError(f"cannot read {self.home / SOURCES}: {exc}") from None
        return [Source(d["path"], d["kind"], d["added"]) for d in data.get("sources", [])]

    def record_sources(self, paths: Iterable[Path], kind: str) -> None:
        """Remember sources fed to the index (the caller holds the writer lock)."""
        known = self.sources()
        have = {(s.path, s.kind) for s in known}
        now = datetime.now(UTC).isoformat(timespec="seconds")
        added = False
        for path in paths:
            key = (str(Path(path).resolve()), kind)
            if key not in have:
                known.append(Source(key[0], kind, now))
                have.add(key)
                added = True
        if added:
            self.home.mkdir(parents=True, exist_ok=True)
            text = json.dumps({"sources": [s.to_dict() for s in known]}, indent=2)
            _write_atomic(self.home / SOURCES, text + "\n")

    def meta(self, directory: Path | None = None) -> dict[str, Any]:
        directory = directory or self.current_dir()
        try:
            data: dict[str, Any] = json.loads((directory / META).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            data = {}
        return data

    def open_index(
        self, directory: Path | None = None, mapped: bool = False, any_version: bool = False
    ) -> Any:
        """The Whoosh index of a generation, refused when built with another schema.

        Segment files are read, not mapped (unless `mapped`): Whoosh reads a sub-file of a
        mapped segment through a BytesIO, which copies the whole terms, postings and
        stored-fields files into every reader's memory. Each searching thread's reader
        of a 280 MB index took 500 MB that way, and a reader over the 100 batch segments
        of a 100k-article run 3 GB; read from the files, a reader takes a few MB and the
        operating system's page cache keeps the files hot for all of them.
        `any_version`: open it whatever its schema version (a rebuild reads the stored
        copies of the generation it replaces).
        """
        directory = directory or self.current_dir()
        meta = self.meta(directory)
        version = meta.get("schema_version")
        if version != SCHEMA_VERSION and not any_version:
            raise OutdatedIndexError(
                f"the index at {directory} was built with schema version {version}, "
                f"this newsarchive uses version {SCHEMA_VERSION}; "
                "rebuild it with `newsarchive reindex`"
            )
        if not whoosh_index.exists_in(str(directory)):
            raise IndexMissingError(f"no Whoosh index in {directory}")
        return open_segments(directory, mapped)

    # --- reading ---------------------------------------------------------------------

    def searcher(self) -> Searcher:
        """A searcher over the live generation, reused per thread and refreshed when stale.

        A rebuild may switch generations (and remove the old one) between reading
        CURRENT and opening it: then CURRENT has moved on, and the new one is opened.
        """
        for attempt in range(3):
            directory = self.current_dir()
            try:
                return self._searcher_for(directory)
            except (OSError, whoosh_index.EmptyIndexError):
                self._drop_cached()
                if attempt == 2 or self.current_dir() == directory:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _searcher_for(self, directory: Path) -> Searcher:
        local = self._local
        cached: Searcher | None = getattr(local, "searcher", None)
        if (
            cached is not None
            and getattr(local, "directory", None) == directory
            and cached.up_to_date()
        ):
            return cached
        # A stale searcher is dropped, not Searcher.refresh()ed: whoosh3 3.54 reuses the
        # reader of a segment that gained deletions since, so deleted and replaced articles
        # would still show.
        self._drop_cached()
        searcher = self.open_index(directory).searcher()
        hold_lengths(searcher.reader())
        self._open.add(searcher)
        local.searcher, local.directory = searcher, directory
        return searcher

    def searcher_generation(self, searcher: Searcher) -> tuple[str, int | None]:
        """Which index a searcher reads: (generation folder, commit number).

        A key for caches that must not outlive a commit or a switch.
        """
        local = self._local
        directory = local.directory if getattr(local, "searcher", None) is searcher else None
        return str(directory), searcher.reader().generation()

    def _drop_cached(self) -> None:
        """Retire this thread's searcher. It is closed only when the next one retires:
        a request that began with it may still be reading through it."""
        local = self._local
        cached = getattr(local, "searcher", None)
        local.searcher = local.directory = None
        retired = getattr(local, "retired", None)
        local.retired = cached
        if retired is not None:
            self._open.discard(retired)
            with contextlib.suppress(OSError):  # its generation may be gone already
                retired.close()

    def close(self) -> None:
        """Close this thread's searchers, the current one and the retired one."""
        local = self._local
        for name in ("searcher", "retired"):
            searcher = getattr(local, name, None)
            setattr(local, name, None)
            if searcher is not None:
                self._open.discard(searcher)
                with contextlib.suppress(OSError):
                    searcher.close()
        local.directory = None

    def stored(self, article_id: str) -> dict[str, Any]:
        """The stored fields of one article; NotFoundError when there is no such id."""
        searcher = self.searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            raise NotFoundError("no article with id {id}", id=repr(article_id))
        fields: dict[str, Any] = searcher.stored_fields(docnum)
        return fields

    # --- writing ---------------------------------------------------------------------

    def add(
        self,
        items: Iterable[Article | ItemError],
        on_item: Callable[[Article | Prepared | ItemError], None] | None = None,
    ) -> IndexSummary:
        """Add or update articles by id, committing every `batch_size` articles."""
        with writer_lock(self.home, self.settings.writer_timeout):
            if not self.exists():
                self.create()
            return write_items(self.open_index(), items, self.settings, on_item)

    def index_paths(
        self,
        paths: Iterable[Path],
        workers: int | None = None,
        on_item: Callable[[Article | Prepared | ItemError], None] | None = None,
        directory: Path | None = None,
        prune: bool = False,
        optimize: bool | None = None,
    ) -> IndexSummary:
        """Read, analyse and index files and folders, with parallel worker processes.

        Only new and changed files are read (see :mod:`indexer.store.manifest`); with `prune`,
        articles whose files under `paths` are gone are removed. Writes to the live
        generation, or to `directory` (a generation being rebuilt).
        """
        from indexer.store.pipeline import default_workers, prepared_items

        with writer_lock(self.home, self.settings.writer_timeout):
            paths = list(paths)
            if directory is None:
                self.record_sources([p for p in paths if Path(p).exists()], "path")
                if not self.exists():
                    self.create()
            ix = self.open_index(directory)
            # Tokens must come from the index's own segmenter, whatever the config says now.
            segmenter = self.meta(directory).get("segmenter", self.settings.segmenter)
            if workers is None:
                workers = self.settings.workers if self.settings.workers >= 0 else default_workers()
            max_bytes = int(self.settings.max_file_mb * 1024 * 1024)
            with Manifest(directory or self.current_dir(), from_files=True) as sources:
                shingles = (
                    (self.settings.chinese_shingle, self.settings.english_shingle)
                    if self.settings.dedupe
                    else None
                )
                items = prepared_items(
                    paths, segmenter, workers, max_bytes, sources, prune, shingles
                )
                return write_items(ix, items, self.settings, on_item, sources, optimize)


def write_items(
    ix: Any,
    items: Iterable[Article | Prepared | ItemError | Marker],
    settings: Settings,
    on_item: Callable[[Article | Prepared | ItemError], None] | None = None,
    sources: Manifest | None = None,
    optimize: bool | None = None,
) -> IndexSummary:
    """Write items to a Whoosh index in batches; errors are counted, never raised.

    Articles are analysed here; Prepared articles arrive analysed by worker processes.
    The manifest (`sources`, or the index's own for articles added without files) and
    the duplicate groups are committed right after each index commit. At the end the
    segments are merged into one when `optimize` is True, or (None) when there are more
    than `index.max_segments`.
    """
    summary = IndexSummary()
    started = time.perf_counter()
    writer = _writer(ix, settings)
    before = ix.searcher()  # what was committed before this run: updated vs new
    folder = getattr(ix.storage, "folder", None)
    miner = NameMiner(folder)  # names stated in the articles
    own_sources = sources is None
    if sources is None:
        sources = Manifest(folder)
    groups = Grouper(sources.db, settings.near_threshold) if settings.dedupe else None
    if sources.generation() != ix.latest_generation():
        # Killed between commits, or changed by another command: catch up first.
        dropped = sources.reconcile(before)
        if groups is not None:
            groups.forget(dropped)
        sources.commit(ix.latest_generation())
    in_batch: set[str] = set()
    done: set[str] = set()

    def commit() -> Any:
        writer.commit()
        miner.flush()
        sources.commit(ix.latest_generation())
        return _writer(ix, settings)

    def remove(ids: list[str]) -> None:
        for ident in ids:
            writer.delete_by_term("id", ident)
        if groups is not None:
            groups.forget(ids)
        summary.removed += len(ids)

    try:
        for item in items:
            if isinstance(item, Reading | Gone):
                remove(sources.marker(item))
                continue
            if on_item is not None:
                on_item(item)
            if isinstance(item, ItemError):
                summary.problems.append(item)
                if item.skipped:
                    summary.skipped += 1
                else:
                    summary.failed += 1
                continue
            article = item.article if isinstance(item, Prepared) else item
            if article.id in in_batch:
                # The same id twice in one batch: commit so the second replaces the first.
                writer, in_batch = commit(), set()
            existed = article.id in done or before.document_number(id=article.id) is not None
            doc = _document(item)
            if groups is not None:
                fp = (item.fingerprint if isinstance(item, Prepared) else None) or fingerprint(
                    article, settings.chinese_shingle, settings.english_shingle
                )
                joined = groups.assign(article.id, fp, new=not existed)
                doc["group"], doc["exact"] = joined.group, joined.exact
                summary.exact_duplicates += joined.kind == "exact"
                summary.near_duplicates += joined.kind == "near"
            if existed:
                writer.update_document(**doc)
            else:
                # A new id: no need to look for it in every segment, this run's included.
                writer.add_document(**doc)
            sources.article(article.id)
            if isinstance(item, Prepared) and item.names is not None:
                miner.add_pairs(item.names)
            else:
                miner.add(article)
            in_batch.add(article.id)
            done.add(article.id)
            if existed:
                summary.updated += 1
            else:
                summary.indexed += 1
            if len(in_batch) >= settings.batch_size:
                writer, in_batch = commit(), set()
        remove(sources.finish())
        writer.commit()
        miner.flush()
        sources.commit(ix.latest_generation())
        if optimize or (optimize is None and _too_many_segments(ix, settings.max_segments)):
            # One segment answers a results page about twice as fast as a dozen.
            _merge(ix, settings)
            sources.commit(ix.latest_generation())
    except BaseException:
        if not getattr(writer, "is_closed", False):  # a failure right after a commit
            writer.cancel()
        sources.rollback()
        raise
    finally:
        before.close()
        if own_sources:
            sources.close()
    summary.unchanged = sources.unchanged
    summary.seconds = time.perf_counter() - started
    return summary


def _too_many_segments(ix: Any, limit: int) -> bool:
    if limit <= 0:
        return False
    with ix.reader() as reader:
        return len(reader.leaf_readers()) > limit


def _document(item: Article | Prepared) -> dict[str, Any]:
    if isinstance(item, Article):
        return to_document(item)
    doc = to_document(item.article)
    for name, posted in item.fields.items():
        # Index the worker's postings; store the text the reader sees.
        doc[f"_stored_{name}"] = doc[name]
        doc[name] = posted
    return doc


def _writer(ix: Any, settings: Settings) -> LeanWriter:
    """A lean writer for a batch of new articles."""
    with _waiting_for_lock(ix, settings):
        return LeanWriter(ix, timeout=settings.writer_timeout, codec=BATCH_CODEC)


def _merge(ix: Any, settings: Settings) -> None:
    """Merge every segment of the index into one."""
    with _waiting_for_lock(ix, settings):
        merge_all(ix, timeout=settings.writer_timeout)


@contextlib.contextmanager
def _waiting_for_lock(ix: Any, settings: Settings) -> Iterator[None]:
    try:
        yield
    except LockError:
        raise IndexLockedError(
            f"another process is writing to the index at {ix.storage.folder} "
            f"(waited {settings.writer_timeout:g} s); try again when it has finished"
        ) from None


def _close_all(searchers: set[Searcher]) -> None:
    for searcher in list(searchers):
        with contextlib.suppress(Exception):  # already closed, or its files gone
            searcher.close()
    searchers.clear()


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
