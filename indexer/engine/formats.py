"""Posting values as flat arrays of unsigned 32-bit integers.

Whoosh's ``Positions`` and ``Characters`` formats pickle each posting's positions (and
character offsets) as a list of deltas: reading one posting means unpickling a list of
tuples, and a results page over a large archive reads tens of thousands of them (every
posting of a block is unpickled to read the block's article numbers). Here a value is
little-endian uint32s: the count, then each position (``PackedPositions``), and then
each start and each end (``PackedCharacters``). A value's *head*, the count and the
positions, is what a phrase check needs: the postings writer (:mod:`indexer.engine.codec`) keeps
a block's heads apart from its article numbers and from the rest of its values, and the
phrase check (:mod:`indexer.engine.vectorized`) reads many heads at once as one array.

Whoosh pickles the schema, formats included, into the index: these classes must stay at
this import path. A change to what they write is a schema change
(``indexer.store.schema.SCHEMA_VERSION``).
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable
from itertools import chain
from typing import Any

from whoosh.formats import Characters, Positions

_SWAP = sys.byteorder != "little"


def pack(numbers: Iterable[int]) -> bytes:
    """Little-endian uint32s."""
    packed = array("I", numbers)
    if _SWAP:  # pragma: no cover - big-endian machines
        packed.byteswap()
    return packed.tobytes()


def unpack(data: bytes) -> array[int]:
    packed = array("I")
    packed.frombytes(data)
    if _SWAP:  # pragma: no cover - big-endian machines
        packed.byteswap()
    return packed


class PackedPositions(Positions):  # type: ignore[misc]
    """Positions of a term in a document: count, then each position."""

    def encode(self, poslist: Any) -> bytes:
        return pack(chain((len(poslist),), poslist))

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return unpack(valuestring)[1:].tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return int(unpack(valuestring[:4])[0])

    def combine(self, vs: Iterable[bytes]) -> bytes:
        return self.encode(sorted({p for v in vs for p in self.decode_positions(v)}))


class PackedCharacters(Characters):  # type: ignore[misc]
    """Positions and character offsets of a term in a document: count n, then the n
    positions, the n starts and the n ends."""

    def encode(self, poslist: Any) -> bytes:
        return pack(chain((len(poslist),), *zip(*poslist, strict=True)))

    def decode_characters(self, valuestring: bytes) -> list[tuple[int, int, int]]:
        flat = unpack(valuestring)
        n = flat[0]
        return list(zip(flat[1 : 1 + n], flat[1 + n : 1 + 2 * n], flat[1 + 2 * n :], strict=True))

    def decode_positions(self, valuestring: bytes) -> list[int]:
        n = int.from_bytes(valuestring[:4], "little")
        return unpack(valuestring[4 : 4 + 4 * n]).tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return int(unpack(valuestring[:4])[0])

    def combine(self, vs: Iterable[bytes]) -> bytes:
        held: dict[int, tuple[int, int]] = {}
        for v in vs:
            for pos, start, end in self.decode_characters(v):
                if pos in held:
                    start, end = min(start, held[pos][0]), max(end, held[pos][1])
                held[pos] = (start, end)
        return self.encode([(pos, *held[pos]) for pos in sorted(held)])
