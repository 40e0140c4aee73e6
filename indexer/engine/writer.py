"""The lean index writer: postings worked out beside the writer, written in term order.

Whoosh's own writer turns every field value into postings (analysis, then encoding
positions and character offsets), pushes each posting through a sorting pool as a
5-tuple, sorts them all, and reads every posting's field length back from disk
while writing. For an article of 300 distinct terms that is most of the writer's
time. Here:

* worker processes call :func:`postings` — the field's own ``index()``, so the
  postings are exactly Whoosh's — and hand the writer a :class:`Posted` value;
* :class:`LeanWriter` files each posting under its term in a dictionary (no 5-tuples,
  no global sort: only the terms of a batch are sorted once), keeps field lengths in
  memory, and writes the segment through the codec's own field writer: the files on
  disk are Whoosh W3 segments, with the posting blocks of :mod:`indexer.engine.codec`.

A lean writer commits its batch as a new segment, never merging on the way;
:func:`merge_all` merges every segment into one the same way: per-document data
through Whoosh's own code, postings read block by block from each segment (or their
blocks copied) and written term by term, instead of one 5-tuple per posting through a
sorting pool. A large merge shares ranges of terms out to helper processes
(:class:`_Helper`), each writing a postings file of its own that the writer appends.
"""

from __future__ import annotations

import contextlib
import heapq
import os
import pickle
import shutil
import struct
import subprocess
import sys
from array import array
from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, cast

from whoosh.codec.whoosh3 import W3FieldWriter, W3TermInfo
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.filedb.structfile import StructFile
from whoosh.formats import Characters, Positions
from whoosh.reading import SegmentReader
from whoosh.system import pack_int, pack_long, pack_ushort, unpack_long, unpack_ushort
from whoosh.util.numeric import byte_to_length
from whoosh.writing import NO_MERGE, SegmentWriter

from indexer.config import cores
from indexer.engine import columns
from indexer.engine.codec import (
    PACKED_MAGIC,
    ArchiveCodec,
    copy_block,
    extent,
    length_byte,
    packed_blocks,
    write_block,
)
from indexer.engine.formats import PackedCharacters, PackedPositions, pack
from indexer.errors import IndexWriteError

#: The codec of the segments a batch commit writes: postings blocks left uncompressed
#: (compressing tens of thousands of small blocks was a third of the writer's time).
#: Merging rewrites them compressed.
BATCH_CODEC = ArchiveCodec(compression=0)


@dataclass(frozen=True, slots=True)
class Posted:
    """A field value already turned into postings: (term bytes, freq, weight, value bytes),
    and the field length (the number of tokens, for scoring)."""

    items: tuple[tuple[bytes, int, float, bytes], ...]
    length: int


def postings(
    field: Any, value: Any, tokens: list[tuple[str, int, int, int]] | None = None
) -> Posted:
    """What Whoosh's writer would post for this field value.

    Given the value's `tokens` (term, position, start, end) as the field's analyzer
    makes them, a field storing positions, or positions and characters, encodes them
    here the way its format does, without running the analyzer again.
    """
    fmt = field.format
    if tokens is None or type(fmt) not in _POSITIONAL or fmt.field_boost != 1.0:
        items = tuple(field.index(value))
    elif type(fmt) is PackedPositions:
        # Positions only (the character field: a posting for nearly every character).
        at: dict[str, list[int]] = {}
        for term, pos, _, _ in tokens:
            head = at.get(term)
            if head is None:
                at[term] = [1, pos]
            else:
                head.append(pos)
                head[0] += 1
        items = tuple(
            (term.encode("utf-8"), head[0], float(head[0]), pack(head)) for term, head in at.items()
        )
    else:
        seen: dict[str, list[tuple[int, int, int]]] = {}
        for term, pos, start, end in tokens:
            found = seen.get(term)
            if found is None:
                seen[term] = [(pos, start, end)]
            else:
                found.append((pos, start, end))
        chars = type(fmt) in (Characters, PackedCharacters)
        encoded = []
        for term, places in seen.items():
            value = fmt.encode(places if chars else [pos for pos, _, _ in places])
            count = len(places)
            encoded.append((term.encode("utf-8"), count, float(count), value))
        items = tuple(encoded)
    length = sum(freq for _, freq, _, _ in items) if field.scorable else 0
    return Posted(items, length)


_POSITIONAL = (Positions, Characters, PackedPositions, PackedCharacters)


class _TermPool:
    """Postings of one segment, filed by field and term as they arrive."""

    def __init__(self) -> None:
        # field -> term -> ([docnum...], [weight...], [value...])
        self.fields: dict[str, dict[bytes, tuple[array[int], list[float], list[bytes]]]] = {}

    def add_items(self, fieldname: str, docnum: int, items: Any) -> None:
        """File (term bytes, freq, weight, value bytes) items of one document."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        for tbytes, _freq, weight, vbytes in items:
            entry = terms.get(tbytes)
            if entry is None:
                entry = terms[tbytes] = (array("I"), [], [])
            entry[0].append(docnum)
            entry[1].append(weight)
            entry[2].append(vbytes or b"")

    # The interface of Whoosh's PostingPool that SegmentWriter uses.
    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        self.add_items(fieldname, docnum, ((tbytes, 1, weight, vbytes),))

    def cleanup(self) -> None:
        self.fields.clear()


class _Source(NamedTuple):
    """A segment being merged: its reader, its first document number in the new
    segment, and (when it has deletions) its old → new document numbers."""

    reader: Any
    base: int
    docmap: dict[int, int] | None


class LeanWriter(SegmentWriter):  # type: ignore[misc]
    """A SegmentWriter that takes :class:`Posted` field values and writes postings in bulk.

    Plain values (ids, keywords, dates) are indexed the usual way. Commits never merge
    on their own; :meth:`merge_all` merges every segment into this writer's one.
    """

    pool: Any  # Whoosh's posting pool, replaced by a _TermPool
    segments: list[Any]  # Whoosh's list of segments to merge

    def __init__(self, ix: Any, inline: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("codec", ArchiveCodec())
        super().__init__(ix, **kwargs)
        self._sources: list[_Source] = []
        self._helpers: list[_Helper] = []
        if not isinstance(self.codec, ArchiveCodec) or not isinstance(
            self.fieldwriter, W3FieldWriter
        ):
            self.cancel()
            raise IndexWriteError(f"the lean writer writes the archive codec, not {self.codec!r}")
        self.inline = inline
        self.pool.cleanup()
        self.pool = _TermPool()
        self._lengths: dict[str, defaultdict[int, int]] = {}
        self._parts: list[tuple[Any, Any]] = [(None, None)]

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        pool = self.pool
        perdoc = self.perdocwriter
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if isinstance(value, Posted):
                    pool.add_items(name, docnum, value.items)
                    length = value.length
                    value = fields.get(f"_stored_{name}")
                elif field.indexed:
                    items = list(field.index(value))
                    pool.add_items(name, docnum, items)
                    if field.scorable:
                        length = sum(freq for _, freq, _, _ in items)
                    value = fields.get(f"_stored_{name}", value)
                else:
                    value = fields.get(f"_stored_{name}", value)
                if length:
                    self._lengths.setdefault(name, defaultdict(int))[docnum] = length
                perdoc.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column and value is not None:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except ValueError:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def merge_all(self) -> None:
        """Take every segment of the index into this writer's segment (written at commit).

        A large merge shares its terms out to helper processes at once, while this
        writer copies the per-article data (see :class:`_Helper`)."""
        if self._added or self._sources:
            raise IndexWriteError("merge_all() must come first, and once")
        fieldnames = set(self.schema.names())
        # Read the segments without mapping them: a merge reads every page once, and
        # mapped pages would count in this process's memory until the end.
        storage = self.storage
        if getattr(storage, "supports_mmap", False) and hasattr(storage, "folder"):
            storage = FileStorage(storage.folder, supports_mmap=False, readonly=True)
        base = self.docnum
        for segment in self.segments:
            reader = SegmentReader(storage, self.schema, segment)
            docmap = None
            if reader.has_deletions():  # old → new numbers of the articles kept
                kept = (d for d in range(reader.doc_count_all()) if not reader.is_deleted(d))
                docmap = {d: base + i for i, d in enumerate(kept)}
            self._sources.append(_Source(reader, base, docmap))
            base += reader.doc_count()
        self._parts = _split(self._sources, base)
        _remove_left_over(getattr(self.storage, "folder", None))
        self._helpers = [
            _Helper.start(self, n, low, high, base) for n, (low, high) in enumerate(self._parts[1:])
        ]
        for source in self._sources:
            docmap = self.write_per_doc(fieldnames, source.reader)  # stored, lengths, columns
            if docmap != source.docmap:
                raise IndexWriteError(
                    "article numbers of a merged segment moved unexpectedly; the index is unchanged"
                )
        self.segments = []
        self._added = self.docnum > 0

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        writer = self.fieldwriter
        terms = _TermWriter(writer, self.codec._compression, self.codec._blocklimit, self.inline)
        if self._sources:
            self._write_merged(terms)
        for fieldname in sorted(self.pool.fields):
            writer.start_field(fieldname, self.schema[fieldname])
            postings = self.pool.fields[fieldname]
            lengths = self._lengths.get(fieldname, defaultdict(int))
            for tbytes in sorted(postings):
                ids, weights, values = postings[tbytes]
                terms.write(tbytes, ids, weights, values, lengths)
            writer.finish_field()
        writer.close()

    def _write_merged(self, terms: _TermWriter) -> None:
        try:
            _merge_terms(
                self.fieldwriter,
                terms,
                self._sources,
                self.schema,
                self.docnum,
                high=self._parts[0][1],
            )
            for helper in self._helpers:
                helper.finish(self.fieldwriter, self.schema)
        finally:
            self._discard_helpers()

    def _discard_helpers(self) -> None:
        for helper in self._helpers:
            helper.discard()
        self._helpers = []

    def _release_sources(self) -> None:
        self._discard_helpers()
        for source in self._sources:
            source.reader.close()
        self._sources = []

    def _close_segment(self) -> None:
        super()._close_segment()
        self._release_sources()

    def _cleanup_on_error(self) -> None:
        """A commit failed (whoosh3 releases the lock here, then raises)."""
        self._release_sources()
        fields = self.fieldwriter
        if not fields.is_closed:  # drop the half-written terms and postings files
            for file in (fields._tindex.dbfile, fields._postfile):
                with contextlib.suppress(Exception):
                    file.close()
        super()._cleanup_on_error()

    def commit(self, mergetype: Any = None, optimize: bool = False, merge: bool = True) -> None:
        super().commit(mergetype=NO_MERGE)

    def cancel(self) -> None:
        self._release_sources()
        super().cancel()


def merge_all(ix: Any, **kwargs: Any) -> None:
    """Merge every segment of a Whoosh index into one (the lean writer's posting path)."""
    writer = LeanWriter(ix, **kwargs)
    try:
        writer.merge_all()
        writer.commit()
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise


def _merge_terms(
    writer: Any,
    terms: _TermWriter,
    sources: list[_Source],
    schema: Any,
    count: int,
    low: tuple[str, bytes] | None = None,
    high: tuple[str, bytes] | None = None,
) -> None:
    """Write the merged postings of every term from `low` (included) to `high` (excluded)."""
    streams = [_numbered_terms(s.reader, n, low) for n, s in enumerate(sources)]
    current = None
    lengths: Any = None
    for key, group in groupby(heapq.merge(*streams), key=itemgetter(0)):
        if high is not None and key >= high:
            break
        fieldname, tbytes = key
        if fieldname not in schema:
            continue
        field = schema[fieldname]
        if fieldname != current:
            if current is not None:
                writer.finish_field()
            writer.start_field(fieldname, field)
            current = fieldname
            lengths = (
                _merged_lengths(sources, fieldname, count)
                if field.scorable
                else bytes(count)  # every length 0
            )
        found = [(sources[number], info) for _, number, info in group]
        if terms.copy(tbytes, found):
            continue
        ids: array[int] = array("I")
        weights: list[float] = []
        values: list[bytes] = []
        for source, info in found:
            for bids, bweights, bvalues in _blocks(source.reader, info, field.format):
                if source.docmap is None:
                    base = source.base
                    ids.extend([base + d for d in bids])
                    weights.extend(bweights)
                    values.extend(bvalues)
                else:
                    for d, w, v in zip(bids, bweights, bvalues, strict=True):
                        new = source.docmap.get(d)
                        if new is not None:  # not deleted
                            ids.append(new)
                            weights.append(w)
                            values.append(v)
        if ids:
            terms.write(tbytes, ids, weights, values, lengths)
    if current is not None:
        writer.finish_field()


#: A length byte's length, as Whoosh decodes it.
_BYTE_LENGTHS = [byte_to_length(b) for b in range(256)]


def _merged_lengths(sources: list[_Source], fieldname: str, count: int) -> array[int]:
    """The field's length of every article of the merged segment, by its new number: as
    Whoosh's merge reads them back, the length its byte in the old segment stands for."""
    out = array("I", bytes(4 * count))
    decode = _BYTE_LENGTHS
    for source in sources:
        column = columns.lengths(source.reader, fieldname)
        if column is None:  # no article of that segment has the field
            continue
        if source.docmap is None:
            out[source.base : source.base + len(column)] = array("I", [decode[b] for b in column])
        else:
            for old, new in source.docmap.items():
                out[new] = decode[column[old]]
    return out


def _numbered_terms(reader: Any, number: int, low: tuple[str, bytes] | None = None) -> Any:
    """A segment's ((field, term bytes), number, term info) in term order, from `low`.

    The term table is read in pieces and parsed here: Whoosh's own iteration makes
    three small reads per term through the file layers, a tenth of a big merge's time.
    """
    terms = reader._terms
    decode = W3TermInfo.from_bytes
    pos = None
    if low is not None and low[0] in terms._fieldmap:
        pos = terms._tindex.closest_key_pos(pack_ushort(terms._fieldmap[low[0]]) + low[1])
        if pos is None:
            return
    for key, valbytes in _raw_terms(terms, pos):
        if low is None or key >= low:
            yield key, number, decode(valbytes)


def _raw_terms(terms: Any, pos: int | None = None) -> Any:
    """((field, term bytes), term info bytes) of a segment's term table, from `pos` (a
    record's place in the file; None: the first)."""
    tindex = terms._tindex
    unmap = terms._fieldunmap
    start = tindex.startofdata if pos is None else pos
    for keybytes, valbytes in _raw_items(tindex.dbfile, start, tindex.endofdata):
        yield (unmap[unpack_ushort(keybytes[:2])[0]], keybytes[2:]), valbytes


_LENGTHS = struct.Struct("!ii")  # a hash file record: key length, value length


def _raw_items(dbfile: Any, pos: int, end: int, chunk: int = 1 << 16) -> Any:
    """The (key, value) records of a Whoosh hash file from `pos` to `end`, read in pieces
    of `chunk` bytes (a merge reads every segment at once: a piece each)."""
    head = _LENGTHS.size
    while pos < end:
        data = dbfile.get(pos, min(chunk, end - pos))
        size = len(data)
        at = 0
        while at + head <= size:
            keylen, datalen = _LENGTHS.unpack_from(data, at)
            stop = at + head + keylen + datalen
            if stop > size:
                break
            k = at + head
            yield data[k : k + keylen], data[k + keylen : stop]
            at = stop
        if at == 0:  # a record larger than the piece
            chunk *= 2
        pos += at


# --- merging in helper processes -------------------------------------------------------

#: A merge of at least this many articles shares its terms out to helper processes (one
#: per core, at most 4): below it, starting a process costs more than it saves.
PARALLEL_MERGE_MIN_DOCS = 20_000
MAX_MERGE_PROCESSES = 4
#: The writer's share of the terms, a helper's being 1 (measured on the full corpus: 30
#: segments, 29,422 articles, two processes).
WRITER_SHARE = 0.8
#: What a helper process runs, given its job file.
HELPER_MAIN = "import sys; from indexer.engine.writer import run_helper; run_helper(sys.argv[1])"


def _split(sources: list[_Source], count: int) -> list[tuple[Any, Any]]:
    """Term ranges [low, high) of similar work, one per process merging."""
    processes = min(MAX_MERGE_PROCESSES, cores())
    if processes < 2 or count < PARALLEL_MERGE_MIN_DOCS or not sources:
        return [(None, None)]
    # Work follows the terms and their postings: cut the largest segment's terms into
    # ranges of equal weight, a term weighing one plus a sixteenth of its articles.
    largest = max(sources, key=lambda s: s.reader.doc_count_all()).reader
    info = W3TermInfo._struct  # flags, weight, articles, ...
    keys: list[tuple[str, bytes]] = []
    weights: list[float] = []
    for key, valbytes in _raw_terms(largest._terms):
        keys.append(key)
        weights.append(1 + info.unpack_from(valbytes)[2] / 16)
    # The writer's own range is smaller: it also copies the per-article data and takes
    # in the helpers' postings.
    shares = [WRITER_SHARE] + [1.0] * (processes - 1)
    bounds = [sum(shares[: i + 1]) / sum(shares) * sum(weights) for i in range(processes - 1)]
    cuts: list[Any] = [None]
    running = 0.0
    for key, weight in zip(keys, weights, strict=True):
        running += weight
        if len(cuts) < processes and running >= bounds[len(cuts) - 1]:
            cuts.append(key)
    cuts.append(None)
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]


def _remove_left_over(folder: str | None) -> None:
    """Remove what helpers of a merge that was killed left behind (this writer holds the
    index's lock: no other merge is running)."""
    if folder is None:
        return
    for path in Path(folder).glob(".merge-*"):
        with contextlib.suppress(OSError):
            path.unlink()


@dataclass
class _Helper:
    """A process merging one range of terms into a postings file of its own; its terms'
    infos are taken into the segment after the writer's own range.

    It is a fresh interpreter given its job in a file, not a fork (the writer may run
    in a threaded server) nor multiprocessing's spawn (which re-imports the caller's
    main module).
    """

    process: subprocess.Popen[bytes]
    stem: Path

    @classmethod
    def start(cls, writer: LeanWriter, number: int, low: Any, high: Any, count: int) -> _Helper:
        folder = Path(writer.storage.folder)
        stem = folder / f".merge-{writer.newsegment.segment_id()}-{number}"
        job = _Job(
            folder=str(folder),
            schema=writer.schema,
            codec=writer.codec,
            count=count,
            sources=[(s.reader.segment(), s.base, s.docmap) for s in writer._sources],
            inline=writer.inline,
            low=low,
            high=high,
            stem=str(stem),
        )
        with open(stem.with_suffix(".job"), "wb") as fh:
            pickle.dump(job, fh, protocol=pickle.HIGHEST_PROTOCOL)
        env = dict(os.environ)
        home = str(Path(__file__).resolve().parent.parent)  # where this package is
        env["PYTHONPATH"] = os.pathsep.join(p for p in (home, env.get("PYTHONPATH")) if p)
        process = subprocess.Popen(
            [sys.executable, "-c", HELPER_MAIN, str(stem.with_suffix(".job"))],
            env=env,
            stderr=subprocess.PIPE,
        )
        return cls(process, stem)

    def finish(self, writer: W3FieldWriter, schema: Any) -> None:
        """Wait for the helper; append its postings and add its terms."""
        _, errors = self.process.communicate()
        if self.process.returncode != 0:
            last = errors.decode("utf-8", "replace").strip().splitlines()[-1:]
            reason = "".join(last) or f"exit code {self.process.returncode}"
            raise IndexWriteError(f"a merge helper process failed: {reason}")
        postfile = writer._postfile
        shift = postfile.tell()
        with open(self.stem.with_suffix(".pst"), "rb") as fh:
            shutil.copyfileobj(fh, postfile, 1 << 20)
        current = None
        tindex = writer._tindex
        with open(self.stem.with_suffix(".terms"), "rb") as fh:
            for fieldname, tbytes, info in _collected(fh):
                if fieldname != current:
                    if current is not None:
                        writer.finish_field()
                    writer.start_field(fieldname, schema[fieldname])
                    current = fieldname
                tindex.add(pack_ushort(writer._fieldid) + tbytes, _shifted(info, shift))
        if current is not None:
            writer.finish_field()

    def discard(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        for suffix in (".job", ".pst", ".terms"):
            self.stem.with_suffix(suffix).unlink(missing_ok=True)


@dataclass
class _Job:
    folder: str
    schema: Any
    codec: Any
    count: int  # articles in the merged segment
    sources: list[tuple[Any, int, dict[int, int] | None]]
    inline: bool
    low: Any
    high: Any
    stem: str


def _shifted(info: bytes, shift: int) -> bytes:
    """A term info whose postings moved `shift` bytes further into the file."""
    size = W3TermInfo._struct.size
    if info[0]:  # inlined: no postings in the file
        return info
    offset = unpack_long(info[size : size + 8])[0]
    return info[:size] + pack_long(offset + shift) + info[size + 8 :]


class _Collected:
    """Stands in for a segment's field writer in a helper: postings go to its own file,
    each term's (field, term bytes, info) to another, one pickle after the other (the
    writer reads them back one by one: neither side holds them all)."""

    def __init__(self, postfile: Any, termfile: Any) -> None:
        self._postfile = postfile
        self._tindex = self
        self._fieldid = 0
        self._fieldname = ""
        self._format: Any = None
        self._termfile = termfile

    def start_field(self, fieldname: str, field: Any) -> None:
        self._fieldname = fieldname
        self._format = field.format

    def finish_field(self) -> None:
        pass

    def add(self, key: bytes, info: bytes) -> None:
        record = (self._fieldname, key[2:], info)
        self._termfile.write(pickle.dumps(record, pickle.HIGHEST_PROTOCOL))


def _collected(termfile: Any) -> Any:
    """The (field, term bytes, info) records a helper wrote, in order."""
    while True:
        try:
            yield pickle.load(termfile)
        except EOFError:
            return


def run_helper(jobfile: str) -> None:
    """What a merge helper process runs (see :class:`_Helper`)."""
    with open(jobfile, "rb") as fh:
        job: _Job = pickle.load(fh)
    storage = FileStorage(job.folder, supports_mmap=False, readonly=True)
    sources = [
        _Source(SegmentReader(storage, job.schema, segment), base, docmap)
        for segment, base, docmap in job.sources
    ]
    stem = Path(job.stem)
    with open(stem.with_suffix(".pst"), "wb") as fh, open(stem.with_suffix(".terms"), "wb") as tf:
        postfile = StructFile(fh)
        out = _Collected(postfile, tf)
        compression, block = job.codec._compression, job.codec._blocklimit
        terms = _TermWriter(out, compression, block, job.inline)  # type: ignore[arg-type]
        _merge_terms(out, terms, sources, job.schema, job.count, job.low, job.high)
        postfile.flush()
    for source in sources:
        source.reader.close()


def _blocks(reader: Any, info: Any, fmt: Any) -> Any:
    """The postings of one term in one segment, block by block: (ids, weights, values)."""
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        yield ids, weights, values or (b"",) * len(ids)
        return
    packed = packed_blocks(reader._terms._postfile, *extent(info))
    if packed is not None:  # read in one piece, without a matcher
        no_values = fmt.fixed_value_size() == 0
        for block in packed:
            ids, weights = block.ids_and_weights()
            if no_values:
                yield ids, weights, (b"",) * block.count
                continue
            yield ids, weights, block.value_list()
        return
    matcher = reader._terms._codec.postings_reader(reader._terms._postfile, info, fmt)
    while True:
        matcher._read_ids()
        matcher._read_weights()
        matcher._read_values()
        values = matcher._values
        if values and values[0] is None:
            values = (b"",) * len(values)
        yield matcher._ids, matcher._weights, values
        if matcher._lastblock:
            return
        matcher._goto(matcher._nextoffset)


#: A term info's fixed part, as W3TermInfo.to_bytes packs it: inlined, weight, articles,
#: shortest and longest length (bytes), greatest weight, first and last article.
_INFO = W3TermInfo._struct


class _TermIndex(OrderedHashWriter):  # type: ignore[misc]
    """Whoosh's term table writer, adding a term without asking the file where it is
    (the same bytes: a term table is written by this writer alone)."""

    _pos: int
    lastkey: bytes

    @classmethod
    def adopt(cls, tindex: Any) -> None:
        if type(tindex) is OrderedHashWriter:
            tindex.__class__ = cls
            cast(_TermIndex, tindex)._pos = tindex.dbfile.tell()

    def add(self, key: bytes, value: bytes) -> None:
        if key <= self.lastkey:
            raise IndexWriteError(f"term table keys must increase: {self.lastkey!r}..{key!r}")
        pos = self._pos
        self.index.append(pos)
        self.dbfile.write(_LENGTHS.pack(len(key), len(value)) + key + value)
        h = self.hashfn(key)
        self.buckets[h & 255].append((h, pos))
        self._pos = pos + _LENGTHS.size + len(key) + len(value)
        self.lastkey = key


class _TermWriter:
    """Writes a term's postings in the term table and the postings file, in packed
    blocks (:mod:`indexer.engine.codec`) of at most `block` postings.

    When `inline`, a term found in one document keeps its posting in the term table
    (Whoosh's own form for it, read with a ListMatcher) instead of a block of its own.
    """

    def __init__(self, writer: W3FieldWriter, compression: int, block: int, inline: bool):
        self.writer = writer
        self.compression = compression
        self.block = block
        self.inline = inline
        _TermIndex.adopt(writer._tindex)

    def write(self, tbytes: bytes, ids: Any, weights: Any, values: Any, lengths: Any) -> None:
        writer = self.writer
        postfile = writer._postfile
        fixed = writer._format.fixed_value_size()
        key = pack_ushort(writer._fieldid) + tbytes
        if len(ids) == 1:
            first, weight, length = ids[0], weights[0], lengths[ids[0]]
            byte = length_byte(length)
            head = (weight, 1, byte, byte, max(0, weight), first, first)
            # Inline only values of variable size (positions, offsets): for those, reading
            # an inlined posting gives exactly what reading a block gives.
            if self.inline and (fixed is None or fixed < 0):
                posting = ((first,), (weight,), (values[0],))
                writer._tindex.add(key, _INFO.pack(True, *head) + pickle.dumps(posting, 2))
                return
            lens = [length]
        else:
            lens = [lengths[d] for d in ids]
            nonzero = [n for n in lens if n]
            head = (
                sum(weights),
                len(ids),
                length_byte(min(nonzero)) if nonzero else 0,
                length_byte(max(lens)),
                max(0, max(weights)),
                ids[0],
                ids[-1],
            )
        start = postfile.tell()
        postfile.write(PACKED_MAGIC)
        count, block = len(ids), self.block
        split = isinstance(writer._format, (PackedPositions, PackedCharacters))
        for first in range(0, count, block):
            end = first + block
            write_block(
                postfile,
                ids[first:end],
                weights[first:end],
                None if fixed == 0 else values[first:end],
                lens[first:end],
                self.compression,
                last=end >= count,
                split=split,
            )
        extent = pack_long(start) + pack_int(postfile.tell() - start)
        writer._tindex.add(key, _INFO.pack(False, *head) + extent)

    def copy(self, tbytes: bytes, found: list[tuple[_Source, Any]]) -> bool:
        """Write a term's postings from segments being merged by copying their packed
        blocks (article numbers moved up, values as they are), when every part is in
        packed blocks and has no deletions; else write nothing and return False."""
        parts = []
        for source, info in found:
            if source.docmap is not None or info.is_inlined():
                return False
            blocks = packed_blocks(source.reader._terms._postfile, *extent(info))
            if not blocks:
                return False
            parts.append((source.base, info, blocks))
        writer = self.writer
        postfile = writer._postfile
        merged = W3TermInfo()
        first, last = parts[0], parts[-1]
        merged._weight = sum(info.weight() for _, info, _ in parts)
        merged._df = sum(info.doc_frequency() for _, info, _ in parts)
        shortest = [info.min_length() for _, info, _ in parts if info.min_length()]
        merged._minlength = min(shortest) if shortest else None
        merged._maxlength = max(info.max_length() for _, info, _ in parts)
        merged._maxweight = max(info.max_weight() for _, info, _ in parts)
        merged._minid = first[1].min_id() + first[0]
        merged._maxid = last[1].max_id() + last[0]
        start = postfile.tell()
        postfile.write(PACKED_MAGIC)
        for base, _, blocks in parts:
            for block in blocks:
                copy_block(postfile, block, base, self.compression, last=block is last[2][-1])
        merged.set_extent(start, postfile.tell() - start)
        writer._tindex.add(pack_ushort(writer._fieldid) + tbytes, merged.to_bytes())
        return True
