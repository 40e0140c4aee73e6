"""Web archives: every HTML page captured in a WARC or ARC file becomes an article.

Records are streamed with warcio, one at a time, so an archive of any size is read in
flat memory. Each article keeps where it came from (``file#offset`` of its record), so
a reader can be sent to the capture. Revisit records (a crawler's "same as before")
and repeated captures of the same page with the same content are not read again;
requests, metadata, images, scripts and other records are skipped and counted; a
broken record is reported with its location and the rest of the file is still read.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from indexer.ingest.article import Article, ItemError
from indexer.ingest.dates import first_date

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_HTML_TYPES = re.compile(r"text/html|application/xhtml\+xml", re.I)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


def is_web_archive(path: Path) -> bool:
    """Whether a file is a WARC or ARC file, by its name."""
    return path.name.lower().endswith(WARC_SUFFIXES)


def read_warc(path: Path, max_record_bytes: int | None = None) -> Iterator[Article | ItemError]:
    """Every HTML page in a web archive, then one entry counting the records not indexed.

    Never raises for bad input: a broken record or a truncated file is reported with
    its location (``path#offset``).
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    where = str(path)
    counts: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    end = 0  # where the last whole record ended
    try:
        size = path.stat().st_size
        if not _looks_like_web_archive(path):
            yield ItemError(where, "not a WARC or ARC file")
            return
        with path.open("rb") as fh:
            records = ArchiveIterator(fh, arc2warc=True)
            try:
                for record in records:
                    counts["records"] += 1
                    item = _read_record(record, seen, counts, max_record_bytes)
                    # Asked only now: warcio finds the offset by reading to the record's end.
                    offset = records.get_record_offset()
                    end = offset + records.get_record_length()
                    missing = getattr(record.raw_stream, "limit", 0) or 0
                    if missing > 0:
                        # The file ends inside this record: half a page is not indexed.
                        counts["broken"] += 1
                        item = ItemError("", f"truncated record: {missing} bytes missing")
                    if item is not None:
                        location = f"{where}#{offset}"
                        if isinstance(item, Article):
                            item.location = location
                        else:
                            item = replace(item, location=location)
                        yield item
            except (ArchiveLoadFailed, ValueError, EOFError, OSError, zlib.error) as exc:
                counts["broken"] += 1
                yield ItemError(f"{where}#{end}", f"broken web-archive record: {exc}")
                return
    except OSError as exc:
        yield ItemError(where, f"cannot read file: {exc.strerror or exc}")
        return
    if end < size and not counts["broken"]:
        # A file cut off in the middle of a record (an interrupted crawl or copy).
        counts["broken"] += 1
        yield ItemError(f"{where}#{end}", "truncated web archive: a record is cut off here")
    if not counts["records"] and not counts["broken"]:
        yield ItemError(where, "no web-archive records found")
        return
    not_read = {k: v for k, v in counts.items() if k not in ("records", "pages")}
    reason = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in sorted(not_read.items()))
    yield ItemError(
        where,
        f"web archive: {counts['records']} records, {counts['pages']} HTML pages read"
        + (f"; not indexed: {reason}" if reason else ""),
        skipped=True,
        details=dict(counts),
    )


def _read_record(
    record: Any,
    seen: set[tuple[str, str]],
    counts: Counter[str],
    max_bytes: int | None,
) -> Article | ItemError | None:
    kind = record.rec_type
    if kind == "revisit":
        counts["revisits"] += 1
        return None
    if kind not in ("response", "resource"):
        counts[f"{kind}_records"] += 1
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    http = record.http_headers
    if kind == "response" and http is not None:
        status = http.get_statuscode() or ""
        if not status.startswith("2"):
            counts["non_200_responses"] += 1
            return None
        content_type = http.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    if not _HTML_TYPES.search(content_type):
        counts["other_records"] += 1
        return None
    data = _read_capped(record.content_stream(), max_bytes)
    if max_bytes is not None and len(data) > max_bytes:
        counts["too_large"] += 1
        return ItemError("", f"record too large (over {max_bytes} bytes)")
    digest = record.rec_headers.get_header("WARC-Payload-Digest") or _digest(data)
    if (url, digest) in seen:
        counts["duplicate_captures"] += 1
        return None
    seen.add((url, digest))
    from indexer.ingest.parse import read_html_bytes

    item = read_html_bytes(data, url, "", url=url or None, declared=_charset(content_type, data))
    if isinstance(item, ItemError):
        counts["failed"] += 1
        return item
    if not item.body.strip():
        counts["empty_pages"] += 1
        return ItemError("", "no article text found")
    if item.published is None:
        item.published = _warc_date(record.rec_headers.get_header("WARC-Date"))
    counts["pages"] += 1
    return item


def _looks_like_web_archive(path: Path) -> bool:
    """A WARC starts with "WARC/", an ARC with "filedesc://" (inside gzip when compressed)."""
    with path.open("rb") as fh:
        head = fh.read(64)
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as fh:
                head = fh.read(64)
        except (OSError, EOFError, zlib.error):
            return False
    return head.lstrip().startswith((b"WARC/", b"filedesc://"))


def _read_capped(stream: Any, max_bytes: int | None) -> bytes:
    """A record's payload, reading at most one byte past the cap (reads return chunks)."""
    chunks: list[bytes] = []
    size = 0
    while max_bytes is None or size <= max_bytes:
        chunk = stream.read(65536)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _charset(content_type: str, data: bytes) -> str | None:
    """The HTTP charset, when the page declares none itself (servers default to Latin-1)."""
    from indexer.ingest import encoding

    match = _CHARSET.search(content_type)
    if match is None or encoding.declared_charset(data):
        return None
    if encoding.normalise(match.group(1)) == "cp1252":
        try:
            data.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            pass
    return match.group(1)


def _warc_date(value: str | None) -> datetime | None:
    return first_date(value or "")


def _digest(data: bytes) -> str:
    import hashlib

    return "sha1:" + hashlib.sha1(data).hexdigest()
