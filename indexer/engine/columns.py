"""Per-article columns held in memory, read once per index segment.

Scoring reads the field lengths of every article it scores, and a results page reads the
story group, source, language, year and date of every article it counts. Whoosh reads
each such value from the segment's file: a seek and a read through three layers of Python
per value, which was most of the time of a page over a large index. Here each column is
read in one piece, once per segment, and shared by every thread: segments never change
after they are written (deletions are kept apart), so a segment's columns stay true for
as long as it exists.

Lengths are one byte per article (Whoosh's own lossy encoding): they are handed to the
segment's reader in its own form, a ``bytes`` object indexed by article number. Other
columns are held as arrays: text columns as a code per article and the distinct values
(:class:`Codes`), numeric ones (dates) as an array of their sortable integers. Neither
holds a Python object per article, which every full garbage collection would walk (a
list per column of a 300,000-article segment added 15-20 ms to each).
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.columns import NumericColumn, VarBytesColumn

from indexer.cache import LRU

#: Columns of this many segments stay in memory (a merged index has a handful).
CACHED_SEGMENTS_FIELDS = 256

_cache: LRU[Any] = LRU(CACHED_SEGMENTS_FIELDS)


def hold_lengths(reader: Any) -> None:
    """Give each segment reader under `reader` its text fields' length columns in memory."""
    for leaf, _ in reader.leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        held = getattr(perdoc, "_readers", None)
        if not isinstance(held, dict):  # another codec: Whoosh reads lengths itself
            continue
        for name, field in leaf.schema.items():
            if not field.scorable or _lenfield(name) in held:
                continue
            column = lengths(leaf, name)
            if column is not None:
                held[_lenfield(name)] = column


def values(leaf: Any, fieldname: str) -> Values:
    """Every article's raw stored value of a sortable column in one segment, by article
    number (the column's default where an article has none)."""
    return _cached(leaf, f"{fieldname}\x00values", _values, leaf, fieldname)  # type: ignore[no-any-return]


def lengths(leaf: Any, fieldname: str) -> bytes | None:
    """Every article's length byte of a text field in one segment (None: no such column)."""
    perdoc: Any = getattr(leaf, "_perdoc", None)
    lenfield = _lenfield(fieldname)
    if perdoc is None or not perdoc.has_column(lenfield):
        return None
    return _cached(leaf, lenfield, _lengths, perdoc, lenfield)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Codes:
    """A column as small integers: article number → index into `distinct`, its values."""

    codes: np.ndarray
    distinct: list[Any]
    empty: np.ndarray  # by code: the value is empty (b"", 0, None)


def codes(leaf: Any, fieldname: str) -> Codes:
    """A sortable column of one segment as :class:`Codes` (for counting with arrays)."""
    return _cached(leaf, f"{fieldname}\x00codes", _codes, leaf, fieldname)  # type: ignore[no-any-return]


def numbers(leaf: Any, fieldname: str) -> np.ndarray:
    """A numeric column of one segment as an array (its raw sortable values)."""
    return _cached(leaf, f"{fieldname}\x00numbers", _numbers, leaf, fieldname)  # type: ignore[no-any-return]


def words(leaf: Any, fieldname: str) -> list[str]:
    """Every word of a field in one segment, in order (for spelling suggestions: Whoosh's
    term cursor seeks through the file for each step of a fuzzy match)."""
    return _cached(leaf, f"{fieldname}\x00words", _words, leaf, fieldname)  # type: ignore[no-any-return]


def derived(leaf: Any, name: str, load: Callable[[], Any]) -> Any:
    """Something worked out from a segment's data once, kept with its columns under `name`."""
    return _cached(leaf, f"derived\x00{name}", load)


def missing_value(leaf: Any, fieldname: str) -> Any:
    """The raw value a column gives an article that has none."""
    return leaf.schema[fieldname].column_type.default_value()


def _cached(leaf: Any, fieldname: str, load: Callable[..., Any], *args: Any) -> Any:
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    folder = _folder(getattr(leaf, "_storage", None))
    if segment is None or folder is None:
        return load(*args)
    return _cache.get_or_load((folder, segment.segment_id(), fieldname), lambda: load(*args))


def _folder(storage: Any) -> str | None:
    """The index folder a segment's storage reads (a compound segment overlays its own
    file on the folder's storage)."""
    while storage is not None and not hasattr(storage, "folder"):
        storage = getattr(storage, "b", None)
    return getattr(storage, "folder", None)


def _column(leaf: Any, fieldname: str) -> list[Any]:
    return _read_all(leaf.column_reader(fieldname, translate=False))


class Values:
    """A column's values by article number, held as arrays (a list of a Python object per
    article would make every full garbage collection walk it)."""

    def __init__(self, leaf: Any, fieldname: str) -> None:
        if _is_numeric(leaf, fieldname):
            self._numbers: np.ndarray | None = numbers(leaf, fieldname)
            self._size = len(self._numbers)
        else:
            self._numbers = None
            self._codes = codes(leaf, fieldname)
            self._size = len(self._codes.codes)

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, docnum: int) -> Any:
        if not 0 <= docnum < self._size:
            raise IndexError(docnum)
        if self._numbers is not None:
            return int(self._numbers[docnum])
        return self._codes.distinct[self._codes.codes[docnum]]


def _values(leaf: Any, fieldname: str) -> Values:
    return Values(leaf, fieldname)


def _is_numeric(leaf: Any, fieldname: str) -> bool:
    return isinstance(leaf.schema[fieldname].column_type, NumericColumn)


def _codes(leaf: Any, fieldname: str) -> Codes:
    index: dict[Any, int] = {}
    numbered = [index.setdefault(value, len(index)) for value in _column(leaf, fieldname)]
    distinct = list(index)
    empty = np.array([not value for value in distinct], dtype=bool)
    return Codes(np.array(numbered, dtype=np.int32), distinct, empty)


def _numbers(leaf: Any, fieldname: str) -> np.ndarray:
    column = leaf.schema[fieldname].column_type
    dtype = {"Q": np.uint64, "q": np.int64, "I": np.uint32, "i": np.int32}.get(
        getattr(column, "_typecode", "")
    )
    return np.array(_column(leaf, fieldname), dtype=dtype)


def _words(leaf: Any, fieldname: str) -> list[str]:
    field = leaf.schema[fieldname]
    return [field.from_bytes(term) for term in leaf.lexicon(fieldname)]


def _lengths(perdoc: Any, lenfield: str) -> bytes:
    column = perdoc.column_reader(lenfield, LENGTHS_COLUMN)
    count = len(column)
    return bytes(_read_all(column)) if count else b""


def _read_all(column: Any) -> list[Any]:
    """All of a column's values, read in one piece where the column's layout is known."""
    kind = type(column)
    if kind is VarBytesColumn.Reader and len(column):
        offsets, lengths = column._offsets, column._lengths
        data = column._dbfile.get(column._basepos, offsets[-1] + lengths[-1])
        # Equal values (a source, a language, a year) share one object.
        shared: dict[bytes, bytes] = {}
        return [
            shared.setdefault(value, value)
            for value in (
                data[start : start + size] for start, size in zip(offsets, lengths, strict=True)
            )
        ]
    if kind is NumericColumn.Reader:
        stored = array(column._typecode)
        stored.frombytes(column._dbfile.get(column._basepos, column._count * column._fixedlen))
        if sys.byteorder == "little":  # the column is big-endian
            stored.byteswap()
        out = stored.tolist()
        return out + [column._default] * (len(column) - len(out))
    return list(column)
