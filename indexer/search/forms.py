"""What a results page shows beside its hits: the forms of the query's names, and when
the matching articles were published (a timeline)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from indexer.analysis.fold import has_han
from indexer.analysis.names import NameTable, english_key, in_both_scripts

# --- the name panel --------------------------------------------------------------------


@dataclass(frozen=True)
class NameForm:
    """One form of a name (a Chinese name in both scripts counts as one), with the
    articles that hold it by language."""

    written: tuple[str, ...]  # 马云, 馬雲 · or · Jack Ma
    lang: str  # the form's language: "zh" or "en"
    counts: dict[str, int] = field(default_factory=dict)  # article language tag → articles

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "written": [{"text": w, "query": form_query(w)} for w in self.written],
            "counts": dict(self.counts),
            "total": self.total,
        }


@dataclass(frozen=True)
class Name:
    """A name of the query that the archive knows in several forms."""

    query: str  # the query words it stands for, as typed
    forms: tuple[NameForm, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "forms": [f.to_dict() for f in self.forms]}


def form_query(written: str) -> str:
    """The search for one form alone: a phrase when it has several words."""
    return f'"{written}"' if " " in written.strip() else written


def name_forms(table: NameTable, typed: str, key: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every form of a name as written, the form typed first: Chinese in both scripts, then
    English (马云 → (马云, 馬雲), (Jack Ma,), (Ma Yun,))."""
    if all(has_han(t) for t in key):
        chinese = ["".join(key)]
        english = table.english_for(chinese[0])
        first = [typed]
    else:
        chinese = table.chinese_for(key) or table.chinese_for_pinyin("".join(key))
        english = [typed, *(e for c in chinese for e in table.english_for(c))]
        first = []
    out: list[tuple[str, ...]] = []
    for c in chinese:
        written = table.written(c)
        out.append(tuple(dict.fromkeys([*first, *in_both_scripts(written)])))
        first = []
    # One English form per name, in either order ("Shinzo Abe", "Abe Shinzo").
    seen: set[frozenset[str]] = set()
    english_forms: list[tuple[str, ...]] = []
    for e in english:
        words = frozenset(english_key(e))
        if words not in seen:
            seen.add(words)
            english_forms.append((e,))
    return english_forms + out if not has_han(typed) else out + english_forms


# --- the timeline ----------------------------------------------------------------------

#: Results spanning fewer years than this are counted by month.
MONTHS_BELOW_YEARS = 3


@dataclass(frozen=True)
class Bar:
    """One period of the timeline: a year (2017) or a month (2017-03) and its articles."""

    period: str
    count: int

    @property
    def is_month(self) -> bool:
        return len(self.period) == 7

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period, "count": self.count}


def by_year_or_month(years: Iterable[tuple[str, int]], dates: Any = None) -> list[Bar]:
    """The timeline of results: stories by year, every year from the first to the last; by
    month when they span fewer than MONTHS_BELOW_YEARS years and `dates` (a callable giving
    (publication datetime, count) pairs) is given."""
    counted = {int(y): n for y, n in years if str(y).isdigit() and n}
    if not counted:
        return []
    first, last = min(counted), max(counted)
    if last - first + 1 < MONTHS_BELOW_YEARS and dates is not None:
        months: dict[tuple[int, int], int] = {}
        for moment, n in dates():
            if isinstance(moment, datetime):
                month = (moment.year, moment.month)
                months[month] = months.get(month, 0) + n
        if months:
            (y, m), end = min(months), max(months)
            bars = []
            while (y, m) <= end:
                bars.append(Bar(f"{y:04d}-{m:02d}", months.get((y, m), 0)))
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
            return bars
    return [Bar(str(y), counted.get(y, 0)) for y in range(first, last + 1)]
