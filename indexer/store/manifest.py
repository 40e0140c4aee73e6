"""The manifest: which files were indexed, as what, and which articles each produced.

Kept next to the index, in the generation folder, as an SQLite database
(``manifest.db``): one row per file read (absolute path, size, mtime, BLAKE2b of its
bytes) and one per article it produced. Indexing a folder again reads only the files
that are new or changed; the hash is computed only when the size or mtime moved, so an
unchanged folder is checked with one ``stat`` per file.

Crash safety: rows change inside one SQLite transaction per batch, committed right after
the index commit that wrote the same articles, and tagged with that index generation.
A file is recorded as read only once its last article is committed; until then each
committed article is listed under its file without the file's size and hash, so a
killed run reads the file again and the manifest always lists the articles the index
holds. When a run was killed between the two commits, or another command changed the
index, the manifest is out of step with the index: the next writer reconciles it first.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer.ingest.article import ItemError

if TYPE_CHECKING:  # not at run time: searching never loads the HTML readers
    from indexer.ingest.parse import InputFile

FILENAME = "manifest.db"
NO_FILE = ""  # the "path" of articles added without a file (Archive.add, import)
_CHUNK = 1 << 20

_TABLES = (
    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY,"
    " size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, digest TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS articles ("
    " path TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (path, id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS articles_id ON articles(id)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
)


@dataclass(frozen=True)
class FileState:
    """A file as it was when read: size, mtime and content hash."""

    path: str
    size: int
    mtime_ns: int
    digest: str


@dataclass(frozen=True)
class Reading:
    """Marker in the item stream: the articles up to the next marker come from this file.

    `touched`: its content is what the manifest holds (only its mtime moved); nothing of
    it follows and only its new mtime is recorded.
    """

    state: FileState
    touched: bool = False


@dataclass(frozen=True)
class Gone:
    """Marker in the item stream: recorded files under the indexed paths that are gone."""

    paths: tuple[str, ...]


Marker = Reading | Gone


def file_digest(path: Path) -> str:
    """BLAKE2b of a file's bytes, read in chunks."""
    h = hashlib.blake2b(digest_size=20)
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


class Manifest:
    """The manifest of one generation folder, open for one writing run.

    `from_files`: articles arrive between :class:`Reading` markers (the ingestion
    pipeline); otherwise they were added without files.
    """

    def __init__(self, folder: Path | str | None, from_files: bool = False) -> None:
        target = str(Path(folder) / FILENAME) if folder is not None else ":memory:"
        self.db = sqlite3.connect(target, timeout=30.0)
        for statement in _TABLES:
            self.db.execute(statement)
        self.db.commit()
        self.from_files = from_files
        self.current = NO_FILE  # file whose articles are arriving
        self._current_ids: set[str] = set()
        self._current_state: FileState | None = None
        self._deferred: list[tuple[FileState, list[str]]] = []
        self.unchanged = 0  # files not read again this run

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- deciding what to read ------------------------------------------------------

    def recorded(self) -> dict[str, tuple[int, int, str]]:
        """path → (size, mtime_ns, digest) of every file read to the end."""
        rows = self.db.execute("SELECT path, size, mtime_ns, digest FROM files")
        return {path: (size, mtime, digest) for path, size, mtime, digest in rows}

    def select(
        self, inputs: Iterable[InputFile | ItemError], paths: Iterable[Path], prune: bool = False
    ) -> Iterator[InputFile | ItemError | Marker]:
        """The inputs to read: new and changed files, each preceded by a Reading marker.

        Unchanged files are passed over (and counted); with `prune`, a final Gone marker
        lists the recorded files under `paths` that were not found.
        """
        known = self.recorded()
        seen: set[str] = set()
        for found in inputs:
            if isinstance(found, ItemError):
                yield found
                continue
            key = str(found.path)
            seen.add(key)
            try:
                stat = found.path.stat()
                old = known.get(key)
                if old is not None and old[:2] == (stat.st_size, stat.st_mtime_ns):
                    self.unchanged += 1
                    continue
                state = FileState(key, stat.st_size, stat.st_mtime_ns, file_digest(found.path))
            except OSError:
                yield found  # the reader reports why it cannot be read; nothing is recorded
                continue
            if old is not None and old[2] == state.digest:
                self.unchanged += 1
                yield Reading(state, touched=True)
                continue
            yield Reading(state)
            yield found
        if prune:
            roots = [str(Path(p).resolve()) for p in paths]
            gone = [
                p
                for p in self._listed_paths()
                if p not in seen
                and any(p == r or p.startswith(r.rstrip(os.sep) + os.sep) for r in roots)
            ]
            yield Gone(tuple(gone))

    def _listed_paths(self) -> list[str]:
        rows = self.db.execute(
            "SELECT DISTINCT path FROM articles WHERE path != ? UNION SELECT path FROM files",
            (NO_FILE,),
        )
        return sorted(r[0] for r in rows)

    # --- recording (inside the writer's batch transaction) --------------------------

    def article(self, article_id: str) -> None:
        """An article was written to the index, from the current file (or none)."""
        path = self.current if self.from_files else NO_FILE
        self.db.execute(
            "INSERT OR IGNORE INTO articles (path, id) VALUES (?, ?)", (path, article_id)
        )
        if path != NO_FILE:
            # The index now holds this file's version of the article.
            self.db.execute("DELETE FROM articles WHERE path = ? AND id = ?", (NO_FILE, article_id))
            self._current_ids.add(article_id)

    def marker(self, marker: Marker) -> list[str]:
        """Handle a marker; returns the ids to delete from the index (no file lists them)."""
        removed = self.finish_file()
        if isinstance(marker, Gone):
            for path in marker.paths:
                ids = self._ids(path)
                self.db.execute("DELETE FROM articles WHERE path = ?", (path,))
                self.db.execute("DELETE FROM files WHERE path = ?", (path,))
                removed += self._unclaimed(ids)
        elif marker.touched:
            self._record(marker.state)
        else:
            self.current, self._current_state = marker.state.path, marker.state
        return removed

    def finish_file(self) -> list[str]:
        """The current file has been read to the end: record it (returns [], see finish)."""
        state, self._current_state = self._current_state, None
        new, self._current_ids = self._current_ids, set()
        self.current = NO_FILE
        if state is None:
            return []
        vanished = [i for i in self._ids(state.path) if i not in new]
        if vanished:
            # A file read later in this run may hold them now: decide at the end of the run.
            # Until then the file is not recorded, so a run that stops short reads it again.
            self._deferred.append((state, vanished))
        else:
            self._record(state)
        return []

    def finish(self) -> list[str]:
        """The run has read everything: returns the articles no file lists any more."""
        removed = self.finish_file()
        for state, vanished in self._deferred:
            self.db.executemany(
                "DELETE FROM articles WHERE path = ? AND id = ?",
                [(state.path, i) for i in vanished],
            )
            self._record(state)
            removed += self._unclaimed(vanished)
        self._deferred = []
        return removed

    def _record(self, state: FileState) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO files (path, size, mtime_ns, digest) VALUES (?, ?, ?, ?)",
            (state.path, state.size, state.mtime_ns, state.digest),
        )

    def _ids(self, path: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE path = ?", (path,))]

    def _unclaimed(self, ids: Iterable[str]) -> list[str]:
        return [
            i
            for i in ids
            if self.db.execute("SELECT 1 FROM articles WHERE id = ? LIMIT 1", (i,)).fetchone()
            is None
        ]

    def files_of(self) -> dict[str, list[str]]:
        """id -> the files that list it ([NO_FILE] for an article added without a file)."""
        out: dict[str, list[str]] = {}
        for path, ident in self.db.execute("SELECT path, id FROM articles ORDER BY path"):
            out.setdefault(ident, []).append(path)
        return out

    def place(self, files: dict[str, str]) -> None:
        """List articles written without a file under the file they came from (id -> path).

        The file itself is not recorded as read, so if it comes back it is read again.
        """
        for ident, path in files.items():
            self.db.execute("DELETE FROM articles WHERE path = ? AND id = ?", (NO_FILE, ident))
            self.db.execute(
                "INSERT OR IGNORE INTO articles (path, id) VALUES (?, ?)", (path, ident)
            )

    def forget(self, ids: Iterable[str]) -> None:
        """Articles deleted from the index by id."""
        self.db.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in ids])

    def commit(self, generation: int) -> None:
        """Make this batch's rows permanent, tagged with the index generation that holds it."""
        self.db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('generation', ?)", (str(generation),)
        )
        self.db.commit()

    def rollback(self) -> None:
        self.db.rollback()

    # --- staying in step with the index ---------------------------------------------

    def generation(self) -> int | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else None

    def reconcile(self, searcher: Any) -> list[str]:
        """Bring an out-of-step manifest back in line with the index it describes.

        Articles the index no longer holds are dropped; articles it holds that no file
        lists (the last batch of a killed run, or added by another command) are listed as
        added without a file. Returns the ids dropped.
        """
        listed = {r[0] for r in self.db.execute("SELECT DISTINCT id FROM articles")}
        dropped = [i for i in listed if searcher.document_number(id=i) is None]
        self.forget(dropped)
        for term in searcher.reader().lexicon("id"):
            ident = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            if ident not in listed and searcher.document_number(id=ident) is not None:
                self.db.execute(
                    "INSERT OR IGNORE INTO articles (path, id) VALUES (?, ?)", (NO_FILE, ident)
                )
        return dropped


def article_count(directory: Path) -> int | None:
    """How many distinct articles the manifest of a generation lists; None when there is
    no manifest or it is out of step with the index (the next indexing run reconciles it)."""
    path = Path(directory) / FILENAME
    if not path.is_file():
        return None
    from whoosh import index as whoosh_index

    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30.0)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
            if (
                row is None
                or int(row[0]) != whoosh_index.open_dir(str(directory)).latest_generation()
            ):
                return None
            count = db.execute("SELECT COUNT(DISTINCT id) FROM articles").fetchone()[0]
        finally:
            db.close()
    except (sqlite3.Error, OSError, ValueError):
        return None
    return int(count)
