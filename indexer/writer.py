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
  memory, and writes the segment through the codec's own field writer, so the files
  on disk are ordinary Whoosh segments.

Merging segments is left to Whoosh's own writer (:func:`merge_segments`); a lean
writer always commits its batch as a new segment without merging.
"""

from __future__ import annotations

import zlib
from array import array
from dataclasses import dataclass
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter, W3TermInfo
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import NO_MERGE, SegmentWriter

try:  # whoosh3 leaves small blocks uncompressed; Whoosh 2.7 compresses every block
    from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE
except ImportError:  # pragma: no cover - depends on the Whoosh release
    COMPRESSION_MIN_SIZE = 0



#: The codec of the segments a batch commit writes: postings blocks left uncompressed
#: (compressing tens of thousands of small blocks was a third of the writer's time).
#: Merging rewrites them with Whoosh's default codec, compressed.
BATCH_CODEC = W3Codec(compression=0)


@dataclass(frozen=True, slots=True)
class Posted:
    """A field value already turned into postings: (term bytes, freq, weight, value bytes),
    and the field length (the number of tokens, for scoring)."""

    items: tuple[tuple[bytes, int, float, bytes], ...]
    length: int


def postings(field: Any, value: Any) -> Posted:
    """What Whoosh's writer would post for this field value."""
    items = tuple(field.index(value))
    length = sum(freq for _, freq, _, _ in items) if field.scorable else 0
    return Posted(items, length)


class _TermPool:
    """Postings of one segment, filed by field and term as they arrive."""

    def __init__(self) -> None:
        # field -> term -> ([docnum...], [weight...], [value...])
        self.fields: dict[str, dict[bytes, tuple[array[int], list[float], list[bytes]]]] = {}

    def add_items(self, fieldname: str, docnum: int, items: Any) -> None:
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


class LeanWriter(SegmentWriter):  # type: ignore[misc]
    """A SegmentWriter that takes :class:`Posted` field values and writes postings in bulk.

    Plain values (ids, keywords, dates) are indexed the usual way. Commits never merge.
    """

    def __init__(self, ix: Any, inline: bool = True, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.inline = inline
        self.pool.cleanup()
        self.pool = _TermPool()
        self._lengths: dict[str, dict[int, int]] = {}

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
                    self._lengths.setdefault(name, {})[docnum] = length
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

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        writer = self.fieldwriter
        if not isinstance(writer, W3FieldWriter):  # another codec: its own posting path
            _flush_generic(writer, self.schema, self.pool.fields, self._lengths)
            return
        compression = self.codec._compression
        for fieldname in sorted(self.pool.fields):
            writer.start_field(fieldname, self.schema[fieldname])
            _write_field(writer, self.pool.fields[fieldname],
                         self._lengths.get(fieldname, {}), compression, self.inline,
                         self.codec._blocklimit)
            writer.finish_field()
        writer.close()

    def commit(self, mergetype: Any = None, optimize: bool = False, merge: bool = True) -> None:
        super().commit(mergetype=NO_MERGE)


def _flush_generic(writer: Any, schema: Any, fields: Any, lengths: Any) -> None:
    for fieldname in sorted(fields):
        terms = fields[fieldname]
        get_length = lengths.get(fieldname, {}).get
        writer.start_field(fieldname, schema[fieldname])
        for tbytes in sorted(terms):
            docnums, weights, values = terms[tbytes]
            writer.start_term(tbytes)
            for docnum, weight, vbytes in zip(docnums, weights, values, strict=True):
                writer.add(docnum, weight, vbytes, get_length(docnum, 0))
            writer.finish_term()
        writer.finish_field()
    writer.close()


def _write_field(
    writer: W3FieldWriter,
    terms: dict[bytes, tuple[array[int], list[float], list[bytes]]],
    lengths: dict[int, int],
    compression: int,
    inline: bool,
    block: int = 128,
) -> None:
    """Write one field's terms and postings as W3FieldWriter and W3PostingsWriter would.

    The same bytes as the codec's own path (blocks of at most `block` postings, pickled,
    compressed from COMPRESSION_MIN_SIZE bytes up), with one difference when `inline`:
    a term found in one document keeps its posting in the term table (a form the
    codec reads, ListMatcher), instead of a block of its own in the postings file.
    """
    postfile = writer._postfile
    tell, write, write_int = postfile.tell, postfile.write, postfile.write_int
    add_term = writer._tindex.add
    prefix = pack_ushort(writer._fieldid)
    fixed = writer._format.fixed_value_size()
    get_length = lengths.get
    # Inline only values of variable size (positions, offsets): for those, reading an
    # inlined posting gives exactly what reading a block gives.
    inline = inline and (fixed is None or fixed < 0)
    for tbytes in sorted(terms):
        ids, weights, values = terms[tbytes]
        info = W3TermInfo()
        lens = [get_length(d, 0) for d in ids]
        nonzero = [n for n in lens if n]
        info._weight = sum(weights)
        info._df = len(ids)
        info._minlength = min(nonzero) if nonzero else None
        info._maxlength = max(lens)
        info._maxweight = max(0, max(weights))
        info._minid = ids[0]
        info._maxid = ids[-1]
        if inline and len(ids) == 1:
            info.set_inlined(ids, weights, values)
            add_term(prefix + tbytes, info.to_bytes())
            continue
        start = tell()
        write(WHOOSH3_HEADER_MAGIC)
        count = len(ids)
        for first in range(0, count, block):
            last = first + block >= count
            bids = ids[first : first + block]
            bweights = weights[first : first + block]
            blens = [n for n in lens[first : first + block] if n]
            bvalues = [v for v in values[first : first + block] if v]
            base, deltas = 0, []
            for docnum in bids:
                deltas.append(docnum - base)
                base = docnum
            w0 = bweights[0]
            if all(w == 1.0 for w in bweights):
                mini_w: Any = None
            elif all(w == w0 for w in bweights):
                mini_w = w0
            else:
                mini_w = tuple(bweights)
            if fixed is None or fixed < 0:
                mini_v: Any = tuple(bvalues)
            elif fixed == 0:
                mini_v = None
            else:
                mini_v = b"".join(bvalues)
            data = dumps((tuple(deltas), mini_w, mini_v), 2)
            comp = compression if len(data) >= COMPRESSION_MIN_SIZE else 0
            if comp:
                # A small window: the same stream format (zlib.decompress reads it), without
                # the cost of setting up a 32 KB window for every block of a few hundred bytes.
                packer = zlib.compressobj(comp, zlib.DEFLATED, 12, 4)
                data = packer.compress(data) + packer.flush()
            head = dumps(
                (
                    len(bids),
                    bids[-1],
                    max(0, max(bweights)),
                    comp,
                    length_to_byte(min(blens) if blens else None),
                    length_to_byte(max(blens) if blens else 0),
                ),
                2,
            )
            size = len(head) + len(data)
            write_int(-size if last else size)
            write(head)
            write(data)
        info.set_extent(start, tell() - start)
        add_term(prefix + tbytes, info.to_bytes())


