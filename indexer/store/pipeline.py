"""Parallel ingestion: worker processes read, parse and analyse; the writer only writes.

Reading HTML, segmenting Chinese and encoding postings are the expensive steps, and
all are pure functions of the input, so they run in a pool of worker processes. Each
worker returns articles with their text fields already turned into Whoosh postings
(:class:`indexer.engine.writer.Posted`, made by the field's own ``index()``); the single
writer files them under their terms (:class:`indexer.engine.writer.LeanWriter`).
Work units are files,
or runs of lines of a JSON Lines file, handed out in input order, so a run's results
(and its error report) do not depend on the number of workers.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer.analysis.dedupe import Fingerprint, fingerprint
from indexer.analysis.names import mine_names
from indexer.analysis.tokens import character_tokens, get_segmenter, index_tokens, word_parts
from indexer.config import cores
from indexer.engine.writer import Posted, postings
from indexer.ingest.article import Article, ItemError
from indexer.store.manifest import Gone, Manifest, Marker, Reading
from indexer.store.schema import (
    CHARACTER_FIELD,
    TITLE_CHARACTER_FIELD,
    build_schema,
    character_text,
    title_characters,
)

TEXT_FIELDS = ("title", "body", "author", "source")
LINES_PER_UNIT = 200
IN_FLIGHT_PER_WORKER = 4


@dataclass
class Prepared:
    """An article and what the writer needs of it, worked out by a worker process:
    the postings of its text fields, its duplicate fingerprint, its mined names."""

    article: Article
    fields: dict[str, Posted]
    fingerprint: Fingerprint | None = None
    names: list[tuple[str, str]] | None = None


Item = Article | ItemError
Result = Prepared | ItemError | Marker


def prepare(article: Article, segmenter: str, shingles: tuple[int, int] | None = None) -> Prepared:
    """Analyse an article's text fields into postings; fingerprint it (given shingle
    sizes); mine names."""
    schema = _schema(segmenter)
    fields = {}
    for name in TEXT_FIELDS:
        value = getattr(article, name)
        if value:
            fields[name] = postings(schema[name], value, index_tokens(value, segmenter))
    characters = character_text(article)
    if characters:
        field = schema[CHARACTER_FIELD]
        fields[CHARACTER_FIELD] = postings(field, characters, character_tokens(characters))
    title = title_characters(article)
    if title:
        field = schema[TITLE_CHARACTER_FIELD]
        fields[TITLE_CHARACTER_FIELD] = postings(field, title, character_tokens(title))
    marks = fingerprint(article, *shingles) if shingles else None
    return Prepared(article, fields, marks, mine_names(article))


@lru_cache(maxsize=4)
def _schema(segmenter: str) -> Any:
    return build_schema(segmenter)


def default_workers() -> int:
    """One worker per core: the writer is busy only part of the time (on 2 cores, two
    workers indexed the corpus 14% faster than one)."""
    return cores()


# --- work units ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lines:
    found: InputFile
    first: int  # line number of lines[0]
    lines: tuple[bytes, ...]


if TYPE_CHECKING:
    from indexer.ingest.parse import InputFile

    _Unit = InputFile | _Lines | ItemError | Marker


def _units(
    paths: Iterable[Path],
    max_bytes: int | None,
    sources: Manifest | None = None,
    prune: bool = False,
) -> Iterator[_Unit]:
    # The readers (BeautifulSoup, lxml …) load when there is something to read.
    from indexer.ingest.parse import JSONL_SUFFIXES, InputFile, find_inputs

    paths = list(paths)
    found: Iterable[InputFile | ItemError] = find_inputs(paths)
    # With a manifest: only new and changed files, each after a marker naming it (ids
    # stay relative to the paths given).
    inputs = found if sources is None else sources.select(found, paths, prune)
    for unit in inputs:
        if isinstance(unit, InputFile) and unit.path.suffix.lower() in JSONL_SUFFIXES:
            yield from _jsonl_units(unit, max_bytes)
        else:
            yield unit


def _jsonl_units(found: InputFile, max_bytes: int | None) -> Iterator[_Unit]:
    try:
        size = found.path.stat().st_size
        if size == 0:
            yield ItemError(str(found.path), "empty file")
            return
        if max_bytes is not None and size > max_bytes:
            yield ItemError(str(found.path), f"file too large ({size} bytes; limit {max_bytes})")
            return
        with found.path.open("rb") as fh:
            batch: list[bytes] = []
            first = 1
            for number, raw in enumerate(fh, start=1):
                if not batch:
                    first = number
                batch.append(raw)
                if len(batch) >= LINES_PER_UNIT:
                    yield _Lines(found, first, tuple(batch))
                    batch = []
            if batch:
                yield _Lines(found, first, tuple(batch))
    except OSError as exc:
        yield ItemError(str(found.path), f"cannot read file: {exc.strerror or exc}")


_segmenter_name = "jieba"
_max_bytes: int | None = None
_shingles: tuple[int, int] | None = None


def _init_worker(
    segmenter: str, max_bytes: int | None, shingles: tuple[int, int] | None = None
) -> None:
    global _segmenter_name, _max_bytes, _shingles
    _segmenter_name, _max_bytes, _shingles = segmenter, max_bytes, shingles
    get_segmenter(segmenter)
    word_parts("数据中心")  # loads the word dictionary once per process


def _work(unit: _Unit) -> list[Result]:
    """Read, parse and analyse one unit (runs in a worker)."""
    from indexer.ingest.parse import parse_jsonl_line, read_file

    items: Iterable[Item | None]
    if isinstance(unit, ItemError | Reading | Gone):
        return [unit]
    if isinstance(unit, _Lines):
        items = (
            parse_jsonl_line(unit.found, unit.first + i, raw) for i, raw in enumerate(unit.lines)
        )
    else:
        items = read_file(unit, _max_bytes)
    out: list[Result] = []
    for item in items:
        if item is None:
            continue
        out.append(
            item if isinstance(item, ItemError) else prepare(item, _segmenter_name, _shingles)
        )
    return out


def prepared_items(
    paths: Iterable[Path],
    segmenter: str,
    workers: int,
    max_bytes: int | None = None,
    sources: Manifest | None = None,
    prune: bool = False,
    shingles: tuple[int, int] | None = None,
) -> Iterator[Result]:
    """Every article under paths, analysed, in input order; errors in their place.

    With a manifest (`sources`), only new and changed files are read, and markers in the
    stream tell the writer which file the articles come from (and, with `prune`, which
    recorded files are gone). With `shingles` (Chinese, English shingle sizes), each
    article also gets its duplicate fingerprint. With workers=0 everything runs in this
    process (the reference path).
    """
    _init_worker(segmenter, max_bytes, shingles)
    units = _units(paths, max_bytes, sources, prune)
    if workers <= 0:
        for unit in units:
            yield from _work(unit)
        return
    # fork: workers inherit the dictionaries loaded above instead of loading their own.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context: Any = multiprocessing.get_context(method)
    window: deque[Any] = deque()
    init = (segmenter, max_bytes, shingles)
    with context.Pool(workers, initializer=_init_worker, initargs=init) as pool:
        # A bounded window of units in flight keeps memory flat however large the input.
        for unit in units:
            window.append(pool.apply_async(_work, (unit,)))
            if len(window) >= IN_FLIGHT_PER_WORKER * workers:
                yield from window.popleft().get()
        while window:
            yield from window.popleft().get()
