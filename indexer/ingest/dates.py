"""Dates written in text: ISO, Chinese (年月日, 民國 years), English and Russian month names.

News pages write their dates in many ways; archives hold pages from many places. Each
form is tried everywhere and the first (or nearest) match wins, so callers decide which
text to look in: a meta tag, the line under the headline, the start of the body.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

_MONTHS = {
    # English, full and abbreviated (with "Sept").
    **{
        name: number
        for number, names in enumerate(
            [
                ("january", "jan"),
                ("february", "feb"),
                ("march", "mar"),
                ("april", "apr"),
                ("may",),
                ("june", "jun"),
                ("july", "jul"),
                ("august", "aug"),
                ("september", "sep", "sept"),
                ("october", "oct"),
                ("november", "nov"),
                ("december", "dec"),
            ],
            start=1,
        )
        for name in names
    },
    # Russian, nominative and genitive: pages saved from Russian-language sites are common
    # in web archives, and the genitive is how dates are written ("27 января 2012").
    **{
        name: number
        for number, names in enumerate(
            [
                ("январь", "января"),
                ("февраль", "февраля"),
                ("март", "марта"),
                ("апрель", "апреля"),
                ("май", "мая"),
                ("июнь", "июня"),
                ("июль", "июля"),
                ("август", "августа"),
                ("сентябрь", "сентября"),
                ("октябрь", "октября"),
                ("ноябрь", "ноября"),
                ("декабрь", "декабря"),
            ],
            start=1,
        )
        for name in names
    },
    # Russian abbreviations, written with a full stop ("февр. 02 2012").
    **{
        name: number
        for number, names in enumerate(
            [
                ("янв",),
                ("фев", "февр"),
                ("мар",),
                ("апр",),
                (),
                ("июн",),
                ("июл",),
                ("авг",),
                ("сен", "сент"),
                ("окт",),
                ("ноя", "нояб"),
                ("дек",),
            ],
            start=1,
        )
        for name in names
    },
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
# An optional time after a date: "13:43", "at 1:40 pm", "в 21:27".
_TIME = (
    r"(?:[T\s,|@]*(?:at\s+|в\s+)?(?P<H>\d{1,2})[:：](?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"\s*(?P<ampm>(?i:[ap]\.?m\.?)(?![a-z]))?)?"
)
_YEAR = r"(?:19|20)\d\d"

_PATTERNS = [
    # 民國108年9月7日 / 民国 (Republic of China years: 1911 + n)
    re.compile(
        r"民[國国]\s*(?P<roc>\d{2,3})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日" + _TIME
    ),
    # 2019-09-07, 2019/9/7, 2019.09.07, 2019年09月07日, 2019-09-07T13:43:45
    re.compile(
        rf"(?<!\d)(?P<y>{_YEAR})\s*[年\-/.]\s*(?P<m>\d{{1,2}})\s*[月\-/.]\s*(?P<d>\d{{1,2}})(?!\d)\s*日?"
        + _TIME
    ),
    # November 7, 2012 · Nov. 7th 2012 · Thursday, June 11th, 2009
    re.compile(
        rf"\b(?P<mon>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>{_YEAR})(?!\d)"
        + _TIME,
        re.I,
    ),
    # 7 November 2012 · 27 января 2012 г.
    re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s|&nbsp;)+(?P<mon>{_MONTH})\.?,?\s+(?P<y>{_YEAR})(?!\d)"
        r"(?:\s*(?:г\.|года))?" + _TIME,
        re.I,
    ),
    # 10/09/2012 (month first, as US pages write it) · 30.03.2012 (day first)
    re.compile(
        rf"(?<![\d/.])(?P<a>\d{{1,2}})(?P<sep>[/.])(?P<b>\d{{1,2}})(?P=sep)(?P<y>{_YEAR})(?![\d/.])"
        + _TIME
    ),
]


@dataclass(frozen=True)
class FoundDate:
    """A date found in text, and where."""

    when: datetime
    start: int
    end: int


# Text in a script whose languages write numeric dates day first (Russian "9/12/2011" is
# 9 December); English pages in web archives are mostly American, month first.
_DAY_FIRST_TEXT = re.compile(r"[\u0400-\u04ff]")


def find_dates(text: str) -> Iterator[FoundDate]:
    """Every valid date written in text, in order of position."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    day_first = bool(_DAY_FIRST_TEXT.search(text))
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            when = _to_datetime(match, day_first)
            if when is not None:
                found.append(FoundDate(when, match.start(), match.end()))
                taken.append((match.start(), match.end()))
    yield from sorted(found, key=lambda f: f.start)


def first_date(text: str) -> datetime | None:
    """The first date written in text, or None."""
    return next((f.when for f in find_dates(text or "")), None)


def _to_datetime(match: re.Match[str], day_first: bool = False) -> datetime | None:
    groups = match.groupdict()
    try:
        if groups.get("roc"):
            year, month, day = int(groups["roc"]) + 1911, int(groups["m"]), int(groups["d"])
        elif groups.get("mon"):
            year, month, day = int(groups["y"]), _MONTHS[groups["mon"].lower()], int(groups["d"])
        elif groups.get("sep"):
            a, b, year = int(groups["a"]), int(groups["b"]), int(groups["y"])
            if groups["sep"] == "/" and not (day_first and b <= 12):
                month, day = (a, b) if a <= 12 else (b, a)
            else:
                day, month = a, b
        else:
            year, month, day = int(groups["y"]), int(groups["m"]), int(groups["d"])
        hour, minute, second = int(groups["H"] or 0), int(groups["M"] or 0), int(groups["S"] or 0)
        ampm = (groups.get("ampm") or "").replace(".", "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59 or second > 59:
            hour = minute = second = 0
        return datetime(year, month, day, hour, minute, second)
    except (ValueError, KeyError):
        return None
