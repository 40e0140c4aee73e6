"""What is in the archive: article counts by language, source and year, and the build date."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from indexer.engine.columns import codes
from indexer.search.core import FACETS, facet_counts
from indexer.store.archive import Archive

_cache: dict[tuple[str, int | None, int], ArchiveStats] = {}
_lock = threading.Lock()


@dataclass
class ArchiveStats:
    """Counts over the whole live index, for the About page and `GET /api/stats`."""

    total: int
    created: str | None
    schema_version: int | None
    counts: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "created": self.created,
            "schema_version": self.schema_version,
            "counts": {
                name: [{"value": value, "count": count} for value, count in values]
                for name, values in self.counts.items()
            },
        }


def archive_stats(archive: Archive) -> ArchiveStats:
    """Counts by facet over every article; computed once per index generation and commit."""
    searcher = archive.searcher()
    directory = archive.current_dir()
    key = (str(directory), searcher.reader().generation(), searcher.doc_count())
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    counted: dict[str, Counter[Any]] = {name: Counter() for name in FACETS}
    for leaf, _ in searcher.reader().leaf_readers():
        for name, column in FACETS.items():
            held = codes(leaf, column)
            present = held.codes
            if leaf.has_deletions():
                kept = np.ones(len(present), dtype=bool)
                kept[list(leaf.deleted_docs())] = False
                present = present[kept]
            tally = np.bincount(present, minlength=len(held.distinct))
            counted[name].update(
                {held.distinct[code]: int(tally[code]) for code in np.flatnonzero(tally)}
            )
    meta = archive.meta(directory)
    stats = ArchiveStats(
        total=searcher.doc_count(),
        created=meta.get("created"),
        schema_version=meta.get("schema_version"),
        counts={
            # About page: years oldest first.
            name: facet_counts(name, searcher.schema[FACETS[name]], counted[name], False)
            for name in FACETS
        },
    )
    with _lock:
        _cache.clear()  # only the live generation is worth keeping
        _cache[key] = stats
    return stats
