"""Citations of articles as CSV, RIS and BibTeX, for archivists' reference managers.

Each function takes citable records (a search Hit or an ArticleView: anything with id,
title, url, source, author, published and lang) and a function giving each one's
permanent link in the archive.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable

from indexer.search.core import Metadata

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "bib": ("application/x-bibtex; charset=utf-8", "bib"),
}
CSV_COLUMNS = ("id", "title", "published", "source", "author", "lang", "url", "permalink")


#: Anything with an article's metadata: a hit, an article page.
Citable = Metadata


Permalink = Callable[[Citable], str]


def cite(fmt: str, records: Iterable[Citable], permalink: Permalink) -> str:
    """The records in one of FORMATS (csv, ris or bib)."""
    writer = {"csv": to_csv, "ris": to_ris, "bib": to_bibtex}[fmt]
    return writer(records, permalink)


def to_csv(records: Iterable[Citable], permalink: Permalink) -> str:
    """A header row, then one row per article (formula-like cells are defused)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        row = [r.id, r.title, r.published, r.source, r.author, r.lang, r.url, permalink(r)]
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue()


def _csv_cell(value: str | None) -> str:
    text = value or ""
    # A spreadsheet runs cells starting with = + - @ as formulas; a leading ' keeps them text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_ris(records: Iterable[Citable], permalink: Permalink) -> str:
    """RIS records of type NEWS (newspaper article)."""
    lines: list[str] = []
    for r in records:
        lines.append("TY  - NEWS")
        lines.append(f"TI  - {_line(r.title)}")
        if r.author:
            lines.append(f"AU  - {_line(r.author)}")
        if r.source:
            lines.append(f"T2  - {_line(r.source)}")
        if r.published:
            date = r.published[:10]
            lines.append(f"PY  - {date[:4]}")
            lines.append(f"DA  - {date.replace('-', '/')}")
        lines.append(f"LA  - {r.lang}")
        if r.url:
            lines.append(f"UR  - {_line(r.url)}")
        lines.append(f"L2  - {permalink(r)}")
        lines.append(f"ID  - {_line(r.id)}")
        lines.append("ER  - ")
        lines.append("")
    return "\r\n".join(lines)


def _line(text: str) -> str:
    return " ".join(text.split())


def to_bibtex(records: Iterable[Citable], permalink: Permalink) -> str:
    """BibTeX @article entries with unique keys; special characters escaped."""
    entries: list[str] = []
    keys: set[str] = set()
    for r in records:
        key = _unique(_key(r), keys)
        fields = [("title", r.title), ("author", r.author), ("journal", r.source)]
        if r.published:
            fields += [("year", r.published[:4]), ("date", r.published[:10])]
        fields += [("language", r.lang), ("url", r.url or permalink(r))]
        fields += [("note", f"newsarchive id: {r.id}; {permalink(r)}")]
        body = ",\n".join(f"  {name} = {{{_bib(value)}}}" for name, value in fields if value)
        entries.append(f"@article{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


_BIB_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _bib(text: str) -> str:
    return "".join(_BIB_SPECIAL.get(ch, ch) for ch in _line(text))


def _key(r: Citable) -> str:
    """author or source surname, year and first title word: lindqvist2017tech."""
    who = (r.author or r.source or "anon").split()[-1] if (r.author or r.source) else "anon"
    word = next((w for w in re.findall(r"\w+", r.title) if len(w) > 2), "article")
    raw = f"{who}{(r.published or '')[:4]}{word}"
    ascii_only = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    key = re.sub(r"[^A-Za-z0-9]", "", ascii_only).lower()
    return key or "article"


def _unique(key: str, taken: set[str]) -> str:
    candidate, n = key, 1
    while candidate in taken:
        n += 1
        candidate = f"{key}{chr(ord('a') + n - 2)}" if n <= 27 else f"{key}{n}"
    taken.add(candidate)
    return candidate
