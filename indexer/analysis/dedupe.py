"""Duplicates: copies and near-copies of one story share a group, so search shows it once.

Every article gets a *group* id when it is indexed. Two articles whose folded text
(title and body, width- and script-folded, whitespace normalised) is the same are exact
duplicates; two whose word or character shingles mostly agree (MinHash, estimated
Jaccard similarity at least ``dedupe.near_threshold``) are near-duplicates. Either way
the later one joins the earlier one's group. Each copy stays an article of its own (its
id, source, date, URL and location are part of the record: where and when a story
ran), and search collapses a group to its best hit with a count of versions.

Signatures live in the generation folder (in the manifest's SQLite database, written in
the same transaction), so grouping works across batches and runs. Candidates are found
by locality-sensitive hashing: the signature is cut into bands and articles sharing a
band are compared.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import struct
import zlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from indexer.analysis.fold import HAN, fold
from indexer.ingest.article import Article

SIGNATURE_SIZE = 64  # MinHash values per article (one-permutation hashing: 64 bins)
BANDS, ROWS = 16, 4  # LSH: articles agreeing on all 4 values of any of 16 bands are compared
MAX_CANDIDATES = 200  # articles compared per new article, at most
_BIN_BITS = 26  # a 32-bit hash: the top 6 bits pick the bin, the low 26 are its value
_EMPTY = 0xFFFFFFFF
_UNITS = re.compile(rf"[{HAN}]|(?:(?![{HAN}])[^\W_])+")
_HAN_CHAR = re.compile(rf"[{HAN}]")


@dataclass(frozen=True)
class Fingerprint:
    """What duplicate detection needs of an article: its exact key and its MinHash."""

    exact: str  # hash of the folded, whitespace-normalised title and body
    minhash: tuple[int, ...]  # SIGNATURE_SIZE values; empty when the text has no words

    def bands(self) -> list[int]:
        """One LSH key per band (signed 64-bit, as SQLite stores integers)."""
        if not self.minhash:
            return []
        keys = []
        for band in range(BANDS):
            values = self.minhash[band * ROWS : (band + 1) * ROWS]
            digest = hashlib.blake2b(struct.pack(f"<B{ROWS}I", band, *values), digest_size=8)
            keys.append(int.from_bytes(digest.digest(), "little", signed=True))
        return keys

    @property
    def group_label(self) -> str:
        """The id of a group this article founds."""
        return self.exact[:16]


def folded_text(title: str, body: str) -> str:
    """Title and body folded (width, Traditional → Simplified), whitespace normalised."""
    return " ".join(fold(f"{title}\n{body}")[0].split())


def fingerprint(
    article: Article, chinese_shingle: int = 4, english_shingle: int = 3
) -> Fingerprint:
    """The exact key and the MinHash of an article's folded title and body.

    Chinese text is shingled by characters, other text by words, after folding, so the
    Simplified and Traditional forms of a story get the same signature.
    """
    text = folded_text(article.title, article.body)
    exact = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
    lowered = text.lower()
    han = _HAN_CHAR.findall(lowered)
    units = _UNITS.findall(lowered)
    if not units:
        return Fingerprint(exact, ())
    if han and len(han) * 2 >= len(units):
        # Character shingles: chars[i : i + size].
        joined = "".join(han)
        size = chinese_shingle
        starts = np.arange(len(han))
        ends = starts + 1
    else:
        # Word shingles: " ".join(units[i : i + size]), each a stretch of the joined words.
        joined = " ".join(units)
        size = english_shingle
        lengths = np.array([len(u) for u in units])
        ends = np.cumsum(lengths + 1) - 1
        starts = ends - lengths
    count = max(1, len(starts) - size + 1)
    last = np.minimum(np.arange(count) + size, len(starts)) - 1
    # Where each character starts in the UTF-8 bytes.
    points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    widths = 1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000)
    offsets = np.concatenate(([0], np.cumsum(widths)))
    # Each shingle's CRC-32, read from the text's bytes without a string per shingle.
    view = memoryview(joined.encode("utf-8"))
    crc32 = zlib.crc32
    spans = zip(offsets[starts[:count]].tolist(), offsets[ends[last]].tolist(), strict=True)
    hashes = np.array([crc32(view[a:b]) for a, b in spans], dtype=np.uint32)
    return Fingerprint(exact, _minhash(hashes))


def _minhash(crcs: np.ndarray) -> tuple[int, ...]:
    """One-permutation MinHash of the shingles' CRC-32s: each shingle's hash falls in one
    bin, each bin keeps its least."""
    hashed = (crcs.astype(np.uint64) * 0x9E3779B1) & 0xFFFFFFFF
    bins_np = np.full(SIGNATURE_SIZE, _EMPTY, dtype=np.uint64)
    np.minimum.at(bins_np, hashed >> _BIN_BITS, hashed & ((1 << _BIN_BITS) - 1))
    bins = [int(v) for v in bins_np]
    if _EMPTY in bins and any(v != _EMPTY for v in bins):
        # Densify: an empty bin borrows the next filled bin's value, marked by the distance.
        filled = [i for i, v in enumerate(bins) if v != _EMPTY]
        out = list(bins)
        for i, v in enumerate(bins):
            if v == _EMPTY:
                j = next((k for k in filled if k > i), filled[0])
                distance = (j - i) % SIGNATURE_SIZE
                out[i] = bins[j] | (distance << _BIN_BITS)
        bins = out
    return tuple(bins)


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two MinHash signatures."""
    if not a or not b:
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / SIGNATURE_SIZE


# --- groups, kept across batches and runs -------------------------------------------------

_TABLES = """
CREATE TABLE IF NOT EXISTS signatures (
    id TEXT PRIMARY KEY, exact TEXT NOT NULL, grp TEXT NOT NULL, minhash BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS signatures_exact ON signatures(exact);
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bands_key ON bands(key);
CREATE INDEX IF NOT EXISTS bands_id ON bands(id);
"""


@dataclass(frozen=True)
class Assignment:
    """The group an article joins, and why."""

    group: str
    exact: str
    #: "new" (founds a group), "same" (text unchanged since it was last indexed), "exact"
    #: (same folded text as an earlier article) or "near" (a near-duplicate of one)
    kind: str


class Grouper:
    """Assigns groups to articles as they are written; state in the manifest's database.

    Changes join the caller's open transaction: they become permanent when the caller
    commits it, right after the index commit that wrote the same articles.
    """

    def __init__(self, db: sqlite3.Connection, near_threshold: float = 0.7) -> None:
        self.db = db
        self.near_threshold = near_threshold
        for statement in _TABLES.split(";"):
            if statement.strip():
                db.execute(statement)

    def assign(self, article_id: str, fp: Fingerprint, new: bool = False) -> Assignment:
        """The group of an article (its old one when its text did not change) and remember it.

        `new`: the caller knows the id has never been assigned (nothing to look up or replace).
        """
        db = self.db
        if not new:
            row = db.execute(
                "SELECT exact, grp FROM signatures WHERE id = ?", (article_id,)
            ).fetchone()
            if row is not None and row[0] == fp.exact:
                return Assignment(row[1], fp.exact, "same")
        found = db.execute(
            "SELECT grp FROM signatures WHERE exact = ? AND id != ? ORDER BY rowid LIMIT 1",
            (fp.exact, article_id),
        ).fetchone()
        if found is not None:
            result = Assignment(found[0], fp.exact, "exact")
        else:
            result = self._near(article_id, fp) or Assignment(fp.group_label, fp.exact, "new")
        self._remember(article_id, fp, result.group, replace=not new)
        return result

    def _near(self, article_id: str, fp: Fingerprint) -> Assignment | None:
        if self.near_threshold > 1.0 or not fp.minhash:
            return None
        keys = fp.bands()
        marks = ",".join("?" * len(keys))
        candidates = self.db.execute(
            f"SELECT s.id, s.grp, s.minhash FROM signatures s WHERE s.id IN "
            f"(SELECT DISTINCT id FROM bands WHERE key IN ({marks}) AND id != ? LIMIT ?) "
            "ORDER BY s.rowid",
            (*keys, article_id, MAX_CANDIDATES),
        ).fetchall()
        best: tuple[float, str] | None = None
        for _, group, blob in candidates:
            score = similarity(fp.minhash, tuple(array("I", blob)))
            if score >= self.near_threshold and (best is None or score > best[0]):
                best = (score, group)
        return Assignment(best[1], fp.exact, "near") if best else None

    def _remember(self, article_id: str, fp: Fingerprint, group: str, replace: bool) -> None:
        db = self.db
        if replace:
            db.execute("DELETE FROM bands WHERE id = ?", (article_id,))
            db.execute("DELETE FROM signatures WHERE id = ?", (article_id,))
        db.execute(
            "INSERT OR REPLACE INTO signatures (id, exact, grp, minhash) VALUES (?, ?, ?, ?)",
            (article_id, fp.exact, group, array("I", fp.minhash).tobytes()),
        )
        db.executemany(
            "INSERT INTO bands (key, id) VALUES (?, ?)", [(k, article_id) for k in fp.bands()]
        )

    def forget(self, ids: Iterable[str]) -> None:
        """Articles removed from the index are no longer anyone's duplicate."""
        rows = [(i,) for i in ids]
        self.db.executemany("DELETE FROM bands WHERE id = ?", rows)
        self.db.executemany("DELETE FROM signatures WHERE id = ?", rows)


# --- reading groups back ------------------------------------------------------------------


def group_size(searcher: Any, group: str | None) -> int:
    """How many articles of the index belong to a group (1 for an ungrouped article)."""
    if not group:
        return 1
    if not searcher.reader().has_deletions():  # the term's count is the answer
        return max(1, searcher.doc_frequency("group", group))
    return max(1, sum(1 for _ in searcher.document_numbers(group=group)))


def versions(searcher: Any, article_id: str) -> list[dict[str, Any]]:
    """Every version of an article's story: id, source, url, location, lang and whether
    it is an exact copy of the article; the article itself first. Empty for an unknown id."""
    docnum = searcher.document_number(id=article_id)
    if docnum is None:
        return []
    own = searcher.stored_fields(docnum)
    members = [docnum]
    if own.get("group"):
        members += [d for d in searcher.document_numbers(group=own["group"]) if d != docnum]
    out = []
    for number in members:
        fields = searcher.stored_fields(number)
        out.append(
            {
                "id": fields.get("id"),
                "source": fields.get("source"),
                "url": fields.get("url"),
                "location": fields.get("location"),
                "lang": fields.get("lang"),
                "exact": bool(own.get("exact")) and fields.get("exact") == own.get("exact"),
            }
        )
    return out
