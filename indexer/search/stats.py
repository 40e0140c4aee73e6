"""What is in the archive: one result object for `newsarchive stats`, the About page and
`GET /api/stats`, rendered as text, HTML and JSON."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from indexer.engine.columns import codes
from indexer.search.core import FACETS, facet_counts
from indexer.store.archive import Archive

_cache: dict[tuple[str, int | None, int], ArchiveStats] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class IndexInfo:
    """The live generation on disk."""

    path: str
    generation: str
    size_bytes: int
    segments: int
    schema_version: int | None
    segmenter: str | None
    created: str | None
    last_update: str | None


@dataclass(frozen=True)
class SourceInfo:
    """A source the index was fed (or sources.paths not fed yet): its path, its kind
    (folder, file, import; gone when no longer found) and when it was first fed."""

    path: str
    kind: str
    added: str | None


@dataclass
class ArchiveStats:
    """Counts over the whole live index by facet (source, lang, year), the index on disk,
    and the sources it was fed."""

    total: int
    created: str | None
    schema_version: int | None
    counts: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    index: IndexInfo | None = None
    sources: list[SourceInfo] = field(default_factory=list)

    @property
    def undated(self) -> int:
        """Articles without a publication date (not in the year counts)."""
        return self.total - sum(n for _, n in self.counts.get("year", []))

    def to_dict(self, paths: bool = False) -> dict[str, Any]:
        """The JSON shape of `GET /api/stats` and `newsarchive stats --json`. The server's
        file paths (the index folder, the sources) only with `paths`: the command line
        shows them to the archivist, the public API does not."""
        index = asdict(self.index) if self.index is not None else None
        if index is not None and not paths:
            del index["path"]
        data: dict[str, Any] = {
            "total": self.total,
            "created": self.created,
            "schema_version": self.schema_version,
            "undated": self.undated,
            "counts": {
                name: [{"value": value, "count": count} for value, count in values]
                for name, values in self.counts.items()
            },
            "index": index,
        }
        if paths:
            data["sources"] = [asdict(s) for s in self.sources]
        return data


def archive_stats(archive: Archive) -> ArchiveStats:
    """Counts by facet over every article; computed once per index generation and commit.
    The list of sources is read afresh each time (feeding a source commits nothing)."""
    searcher = archive.searcher()
    directory = archive.current_dir()
    key = (str(directory), searcher.reader().generation(), searcher.doc_count())
    with _lock:
        cached = _cache.get(key)
    if cached is None:
        cached = _count(archive, searcher, directory)
        with _lock:
            _cache.clear()  # only the live generation is worth keeping
            _cache[key] = cached
    return replace(cached, sources=source_list(archive))


def _count(archive: Archive, searcher: Any, directory: Path) -> ArchiveStats:
    counted: dict[str, Counter[Any]] = {name: Counter() for name in FACETS}
    leaves = searcher.reader().leaf_readers()
    for leaf, _ in leaves:
        for name, column in FACETS.items():
            held = codes(leaf, column)
            present = held.codes
            if leaf.has_deletions():
                # all_doc_ids: the live articles, in Whoosh 2.7 and whoosh3 alike
                kept = np.zeros(len(present), dtype=bool)
                kept[list(leaf.all_doc_ids())] = True
                present = present[kept]
            tally = np.bincount(present, minlength=len(held.distinct))
            counted[name].update(
                {held.distinct[code]: int(tally[code]) for code in np.flatnonzero(tally)}
            )
    meta = archive.meta(directory)
    files = [p for p in directory.iterdir() if p.is_file()]
    last = max((p.stat().st_mtime for p in files if p.suffix == ".toc"), default=None)
    return ArchiveStats(
        total=searcher.doc_count(),
        created=meta.get("created"),
        schema_version=meta.get("schema_version"),
        counts={
            # Years oldest first.
            name: facet_counts(name, searcher.schema[FACETS[name]], counted[name], False)
            for name in FACETS
        },
        index=IndexInfo(
            path=str(directory),
            generation=directory.name,
            size_bytes=sum(p.stat().st_size for p in files),
            segments=len(leaves),
            schema_version=meta.get("schema_version"),
            segmenter=meta.get("segmenter"),
            created=meta.get("created"),
            last_update=(
                datetime.fromtimestamp(last).astimezone().isoformat(timespec="seconds")
                if last
                else None
            ),
        ),
    )


def source_list(archive: Archive) -> list[SourceInfo]:
    """Every source the index was fed, then sources.paths not fed yet."""
    recorded = archive.sources()
    fed = {s.path for s in recorded}
    out = []
    for path, kind, added in [
        *((s.path, s.kind, s.added) for s in recorded),
        *((str(p), "path", None) for p in archive.settings.source_paths if str(p) not in fed),
    ]:
        found = Path(path)
        shape = "folder" if found.is_dir() else "file" if found.is_file() else "gone"
        out.append(SourceInfo(path, "import" if kind == "import" else shape, added))
    return out
