"""The index codec: Whoosh's W3 segments, with posting blocks that keep values apart.

A W3 posting block is one pickle of (article number deltas, weights, values). Reading
the article numbers of a block, to score it or to step over it, unpickles every value in
it too: for a text field storing positions and character offsets that is nine tenths of
the work, and most of the bytes decompressed. A *packed* block written here has the same
header (so Whoosh's block skipping works unchanged) and then three parts, each
compressed on its own:

* article numbers (uint32) and weights (none when all are 1.0, one float64 when all
  are equal, else float32 each);
* the values, or for the packed formats of :mod:`indexer.engine.formats` their heads (the
  count and the positions): where each ends (uint32), then the heads;
* the rest of those values (character offsets): where each ends, then the rest.

Scoring reads the first part only, a phrase check the second, highlights all three.
:class:`ArchiveCodec` reads packed blocks and Whoosh's own alike (each term's postings
start with a tag naming their layout), so a segment Whoosh writes itself (when
deleting, for instance) stays readable. The codec is pickled into each
segment's entry in the index: it must stay at this import path.
"""

from __future__ import annotations

import io
import pickle
import struct
import sys
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3LeafMatcher
from whoosh.matching import ReadTooFar
from whoosh.system import unpack_int
from whoosh.util.numeric import length_to_byte

from indexer.cache import LRU
from indexer.engine.formats import pack, unpack
from indexer.errors import IndexDamagedError

try:  # whoosh3 leaves small parts uncompressed; Whoosh 2.7 compresses every block
    from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE
except ImportError:  # pragma: no cover - depends on the Whoosh release
    COMPRESSION_MIN_SIZE = 0

#: The tag at the start of a term's postings in packed blocks.
PACKED_MAGIC = b"NAp1"

# flags, sizes of the three parts
_PARTS = struct.Struct("<BIII")
_A_COMPRESSED, _B_COMPRESSED, _C_COMPRESSED = 1, 2, 32
_WEIGHTS_ONE, _WEIGHTS_SAME, _WEIGHTS_EACH = 0, 4, 8
_WEIGHTS = 12
_SPLIT = 16  # values split into heads (part two) and the rest (part three)
_FLOAT64 = struct.Struct("<d")
_INT = struct.Struct("!i")  # a block's size, as StructFile.write_int writes it
_WINDOW = 12  # a small zlib window: blocks are a few KB

#: Block directories (where each block starts, its last article) of this many terms are
#: kept: segments never change, so a term's directory stays true while its file exists.
DIRECTORIES = 4096
_directories: LRU[tuple[array[int], array[int]]] = LRU(DIRECTORIES)


class ArchiveCodec(W3Codec):  # type: ignore[misc]
    """W3 segments whose term postings may be packed (read here, written by
    :func:`write_block`)."""

    def postings_reader(
        self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
    ) -> Any:
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return PackedLeafMatcher(  # type: ignore[abstract]
            dbfile, offset, length, format_, term=term, scorer=scorer
        )


class PackedLeafMatcher(W3LeafMatcher):  # type: ignore[misc]
    """Whoosh's postings matcher, reading packed blocks (or W3 blocks, by their tag)."""

    packed = True
    _i: int  # Whoosh's position in the block

    def _read_header(self) -> None:
        postfile = self._postfile
        postfile.seek(self._startoffset)
        magic = postfile.read(4)
        if magic == WHOOSH3_HEADER_MAGIC:
            self.packed = False
        elif magic != PACKED_MAGIC:
            raise IndexDamagedError(f"unknown postings tag {magic!r} at {self._startoffset}")
        self._baseoffset = postfile.tell()

    def skip_to(self, targetid: int) -> None:
        """As Whoosh's, but straight to the block holding the target (by the term's block
        directory) and within it by bisection, rather than block by block and posting by
        posting: highlighting an article deep in a common term's postings."""
        if not self.packed:
            super().skip_to(targetid)
            return
        if not self.is_active():
            raise ReadTooFar
        if targetid <= self.id():
            return
        if targetid > self._maxid:
            offsets, last_ids = directory(self)
            block = bisect_left(last_ids, targetid)
            if block == len(last_ids):  # past the last posting
                self._goto(offsets[-1])
                self._atend = True
                return
            self._goto(offsets[block])
        if self._ids is None:
            self._read_ids()
        self._i = bisect_left(self._ids, targetid, self._i)

    def _read_ids(self) -> None:
        if not self.packed:
            super()._read_ids()
            return
        self._ids, self._weights = read_numbers(self)

    def _read_weights(self) -> None:
        if not self.packed:
            super()._read_weights()
            return
        self._ids, self._weights = read_numbers(self)

    def _read_values(self) -> None:
        if not self.packed:
            super()._read_values()
            return
        if self._fixedsize == 0:  # a format without values
            self._values = (None,) * self._blocklength
            return
        self._values = read_values(self)


@dataclass(frozen=True, slots=True)
class Block:
    """One packed block of a term's postings, as stored."""

    offset: int  # where it starts in the postings file
    head: tuple[Any, ...]  # Whoosh's block header: count, last id, max weight, ...
    flags: int
    numbers: bytes  # article numbers and weights (compressed when flagged)
    values: bytes  # value (or head) ends and values (or heads), compressed when flagged
    rest: bytes  # ends and rests of split values, compressed when flagged

    @property
    def count(self) -> int:
        return self.head[0]  # type: ignore[no-any-return]

    @property
    def last_id(self) -> int:
        return self.head[1]  # type: ignore[no-any-return]

    def ids_and_weights(self) -> tuple[array[int], array[float]]:
        """(article numbers, weights), as arrays."""
        return _numbers(self.flags, self.count, self.numbers)

    def raw_numbers(self) -> tuple[bytes, bytes | float]:
        """(article numbers as little-endian uint32s, weights: little-endian float32s, or
        the one weight of every posting)."""
        return _raw_numbers(self.flags, self.count, self.numbers)

    def heads(self) -> tuple[array[int], bytes]:
        """(where each value's head ends, the heads): a packed format's count and
        positions, without character offsets."""
        return _values(self.flags & _B_COMPRESSED, self.count, self.values)

    def value_list(self) -> list[bytes]:
        """Each posting's whole value."""
        return _value_list(self.flags, self.count, self.values, self.rest)


def term_blocks(m: Any) -> list[Block] | None:
    """Every block of a postings matcher's term, read in one piece (None: not packed)."""
    return packed_blocks(m._postfile, m._startoffset, _number(m._length))


def extent(info: Any) -> tuple[int, int]:
    """(offset, length) of a term's postings in the postings file, from its term info."""
    offset, length = info.extent()
    return offset, _number(length)


def _number(length: Any) -> int:
    # W3TermInfo.from_bytes leaves the length a 1-tuple (what struct.unpack returns).
    return length[0] if isinstance(length, tuple) else length  # type: ignore[no-any-return]


def packed_blocks(postfile: Any, offset: int, length: int) -> list[Block] | None:
    """Every block of a term's postings (read in one piece), or None when they are not
    in packed blocks."""
    data = postfile.get(offset, length)
    if data[:4] != PACKED_MAGIC:
        return None
    stream = io.BytesIO(data)
    out = []
    at = 4
    while at < len(data):
        size = unpack_int(data[at : at + 4])[0]
        stream.seek(at + 4)
        info = pickle.load(stream)
        head = stream.tell()
        flags, size_a, size_b, size_c = _PARTS.unpack_from(data, head)
        b = head + _PARTS.size + size_a
        out.append(
            Block(
                offset + at,
                info,
                flags,
                data[b - size_a : b],
                data[b : b + size_b],
                data[b + size_b : b + size_b + size_c],
            )
        )
        at += 4 + abs(size)
        if size < 0:
            break
    return out


def directory(m: Any) -> tuple[array[int], array[int]]:
    """(where each block starts, the last article number in it) for a packed term's
    postings; read once and kept."""
    name = getattr(m._postfile, "_name", None)
    if name:
        found = _directories.get((name, m._startoffset))
        if found is not None:
            return found
    blocks = term_blocks(m) or []
    offsets = array("q", (block.offset for block in blocks))
    last_ids = array("q", (block.last_id for block in blocks))
    remember(m, offsets, last_ids)
    return offsets, last_ids


def remember(m: Any, offsets: array[int], last_ids: array[int]) -> None:
    """Keep a term's block directory, found while reading its postings."""
    name = getattr(m._postfile, "_name", None)
    if not name:
        return
    _directories.put((name, m._startoffset), (offsets, last_ids))


def read_numbers(m: Any) -> tuple[array[int], array[float]]:
    """(article numbers, weights) of the packed block a matcher stands on, as arrays."""
    flags, size_a, _, _ = _PARTS.unpack(m._postfile.get(m._dataoffset, _PARTS.size))
    return _numbers(flags, m._blocklength, m._postfile.get(m._dataoffset + _PARTS.size, size_a))


def read_values(m: Any) -> list[bytes]:
    """Each posting's value in the packed block a matcher stands on."""
    flags, size_a, size_b, size_c = _PARTS.unpack(m._postfile.get(m._dataoffset, _PARTS.size))
    data = m._postfile.get(m._dataoffset + _PARTS.size + size_a, size_b + size_c)
    return _value_list(flags, m._blocklength, data[:size_b], data[size_b:])


def _pieces(ends: array[int], blob: bytes) -> list[bytes]:
    return [blob[s:e] for s, e in zip([0, *ends[:-1]], ends, strict=True)]


def _value_list(flags: int, count: int, values: bytes, rest: bytes) -> list[bytes]:
    heads = _pieces(*_values(flags & _B_COMPRESSED, count, values))
    if not flags & _SPLIT:
        return heads
    rests = _pieces(*_values(_B_COMPRESSED if flags & _C_COMPRESSED else 0, count, rest))
    return [head + tail for head, tail in zip(heads, rests, strict=True)]


def _raw_numbers(flags: int, count: int, data: bytes) -> tuple[bytes, bytes | float]:
    if flags & _A_COMPRESSED:
        data = zlib.decompress(data)
    cut = 4 * count
    kind = flags & _WEIGHTS
    if kind == _WEIGHTS_ONE:
        return data[:cut], 1.0
    if kind == _WEIGHTS_SAME:
        return data[:cut], _FLOAT64.unpack_from(data, cut)[0]  # type: ignore[no-any-return]
    return data[:cut], data[cut:]


def _numbers(flags: int, count: int, data: bytes) -> tuple[array[int], array[float]]:
    ids, weights = _raw_numbers(flags, count, data)
    if isinstance(weights, bytes):
        return unpack(ids), _floats(weights)
    return unpack(ids), array("d", (weights,)) * count


def _values(flags: int, count: int, data: bytes) -> tuple[array[int], bytes]:
    if flags & _B_COMPRESSED:
        data = zlib.decompress(data)
    return unpack(data[: 4 * count]), data[4 * count :]


def copy_block(postfile: Any, block: Block, base: int, compression: int, last: bool) -> None:
    """A block of another segment, its article numbers moved up by `base` (merging)."""
    flags = block.flags
    numbers = block.numbers
    if flags & _A_COMPRESSED:
        numbers = zlib.decompress(numbers)
    ids = unpack(numbers[: 4 * block.count])
    numbers = pack(n + base for n in ids) + numbers[4 * block.count :]
    numbers, squeezed = _squeeze(numbers, compression)
    flags = (flags & ~_A_COMPRESSED) | (_A_COMPRESSED if squeezed else 0)
    values, rest = block.values, block.rest
    if not flags & _B_COMPRESSED:
        values, squeezed = _squeeze(values, compression)
        flags |= _B_COMPRESSED if squeezed else 0
    if not flags & _C_COMPRESSED:
        rest, squeezed = _squeeze(rest, compression)
        flags |= _C_COMPRESSED if squeezed else 0
    count, last_id, max_weight, _, min_length, max_length = block.head
    head = dumps((count, last_id + base, max_weight, compression, min_length, max_length), 2)
    _write(postfile, head, flags, numbers, values, rest, last)


def _write(
    postfile: Any,
    head: bytes,
    flags: int,
    numbers: bytes,
    values: bytes,
    rest: bytes,
    last: bool,
) -> None:
    size = len(head) + _PARTS.size + len(numbers) + len(values) + len(rest)
    postfile.write(
        b"".join(
            (
                _INT.pack(-size if last else size),
                head,
                _PARTS.pack(flags, len(numbers), len(values), len(rest)),
                numbers,
                values,
                rest,
            )
        )
    )


def _floats(data: bytes) -> array[float]:
    out = array("f")
    out.frombytes(data)
    if sys.byteorder != "little":  # pragma: no cover - big-endian machines
        out.byteswap()
    return out


def _squeeze(data: bytes, level: int) -> tuple[bytes, bool]:
    if not level or len(data) < COMPRESSION_MIN_SIZE:
        return data, False
    packer = zlib.compressobj(level, zlib.DEFLATED, _WINDOW, 4)
    return packer.compress(data) + packer.flush(), True


def write_block(
    postfile: Any,
    ids: Sequence[int],
    weights: Sequence[float],
    values: Sequence[bytes] | None,
    lengths: Sequence[int],
    compression: int,
    last: bool,
    split: bool = False,
) -> None:
    """One packed block of postings (at most the codec's block size), at the file's end.

    `lengths` are the field lengths of the block's articles (0 for none); `values` None
    for a format without values. With `split`, values are those of a packed format
    (:mod:`indexer.engine.formats`): their heads (count and positions) are kept apart from the
    rest.
    """
    count = len(ids)
    first = weights[0]
    flags = 0
    part_a = pack(ids)
    same = len(set(weights)) == 1
    if same and first == 1.0:
        flags |= _WEIGHTS_ONE
    elif same:
        flags |= _WEIGHTS_SAME
        part_a += _FLOAT64.pack(first)
    else:
        flags |= _WEIGHTS_EACH
        part_a += struct.pack(f"<{count}f", *weights)
    part_a, squeezed = _squeeze(part_a, compression)
    flags |= _A_COMPRESSED if squeezed else 0
    part_b = part_c = b""
    if values is not None:
        if split:
            flags |= _SPLIT
            # A value's head is its count and positions: 4 bytes each.
            cuts = [4 + 4 * int.from_bytes(value[:4], "little") for value in values]
            part_c, squeezed = _squeeze(
                _joined([v[cut:] for v, cut in zip(values, cuts, strict=True)]), compression
            )
            flags |= _C_COMPRESSED if squeezed else 0
            values = [v[:cut] for v, cut in zip(values, cuts, strict=True)]
        part_b, squeezed = _squeeze(_joined(values), compression)
        flags |= _B_COMPRESSED if squeezed else 0
    nonzero = [n for n in lengths if n]
    # The W3 block header, as Whoosh's matcher reads it for skipping.
    head = dumps(
        (
            count,
            ids[-1],
            max(0.0, max(weights)),
            compression,
            length_byte(min(nonzero)) if nonzero else 0,
            length_byte(max(nonzero)) if nonzero else 0,
        ),
        2,
    )
    _write(postfile, head, flags, part_a, part_b, part_c, last)


@lru_cache(maxsize=65536)
def length_byte(length: int) -> int:
    """Whoosh's one-byte encoding of a field length (cached)."""
    return int(length_to_byte(length))


def _joined(pieces: Sequence[bytes]) -> bytes:
    """Where each piece ends (uint32), then the pieces."""
    return pack(accumulate(map(len, pieces))) + b"".join(pieces)
