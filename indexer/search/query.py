"""The reader's query language: text to a Whoosh query, date and language filters."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

from whoosh import query as wq
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    MultifieldParser,
    OrGroup,
    PlusMinusPlugin,
)

from indexer.config import Settings
from indexer.errors import QueryError
from indexer.store.schema import SEARCH_FIELDS

#: Language filters as the reader writes them (matched without regard to case).
LANG_FILTERS = ("en", "zh", "zh-Hans", "zh-Hant")
LANGS = {code.lower() for code in LANG_FILTERS}
DATE_RANGE = re.compile(r"(?<!\S)(?:date|published):(\S*?)\.\.(\S*)")
_WILDCARD = re.compile(r"[*?]")
# lang:en, lang:zh-hant: a filter like a date range, whatever the default operator.
LANG_FILTER = re.compile(r"(?<![\S])(?:lang|language):(\S+)", re.IGNORECASE)
MIN_PREFIX = 2  # literal characters before a * or ?
MAX_EXPANSION = 1000  # index words one wildcard may stand for
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def parse_query(
    text: str, schema: Any, settings: Settings
) -> tuple[wq.Query | None, list[wq.Query]]:
    """The reader's query language as a Whoosh query and date filters.

    Raises QueryError when the query cannot be read. The query is None when the text
    held only filters.
    """
    if len(text) > settings.max_query_length:
        raise QueryError(
            "query too long ({length} characters; the limit is {most})",
            length=len(text),
            most=settings.max_query_length,
        )
    filters: list[wq.Query] = []
    for match in DATE_RANGE.finditer(text):
        filters.append(date_filter(match.group(1) or None, match.group(2) or None))
    text = DATE_RANGE.sub(" ", text).strip()
    for match in LANG_FILTER.finditer(text):
        filters.append(lang_filter(match.group(1)))
    text = LANG_FILTER.sub(" ", text).strip()
    if not text:
        return None, filters
    group = AndGroup if settings.default_operator == "and" else OrGroup
    parser = MultifieldParser(list(SEARCH_FIELDS), schema, fieldboosts=SEARCH_FIELDS, group=group)
    parser.add_plugin(FieldAliasPlugin({"published": ["date"], "lang": ["language"]}))
    parser.add_plugin(PlusMinusPlugin())
    try:
        q = parser.parse(text)
    except Exception as exc:  # the parser's own errors carry no stable type
        raise QueryError("cannot read the query: {problem}", problem=exc) from None
    for node in _walk(q):
        error = getattr(node, "error", None)
        if error:
            raise QueryError("cannot read the query: {problem}", problem=error)
        if isinstance(node, wq.Every):
            raise QueryError(
                "a wildcard needs at least {least} letters before * or ?", least=MIN_PREFIX
            )
        if isinstance(node, wq.Wildcard | wq.Prefix):
            literal = _WILDCARD.split(str(node.text), maxsplit=1)[0]
            if len(literal) < MIN_PREFIX:
                raise QueryError(
                    "a wildcard needs at least {least} letters before * or ?", least=MIN_PREFIX
                )
    if q is wq.NullQuery:
        return None, filters
    return _negations_exclude(q), filters


def _negations_exclude(q: wq.Query) -> wq.Query:
    """Under OR, `a NOT b` means a without b (not "a, or anything without b")."""
    if q.is_leaf():
        return q
    q = q.apply(_negations_exclude)
    if type(q) is wq.Or:
        children = list(q.children())
        negatives = [c.query for c in children if isinstance(c, wq.Not)]
        positives = [c for c in children if not isinstance(c, wq.Not)]
        if negatives and positives:
            keep = positives[0] if len(positives) == 1 else wq.Or(positives, boost=q.boost)
            drop = negatives[0] if len(negatives) == 1 else wq.Or(negatives)
            return wq.AndNot(keep, drop)
    return q


def check_expansion(q: wq.Query, reader: Any) -> None:
    """Refuse wildcards that stand for too many words (they would make the search crawl)."""
    for node in _walk(q):
        if isinstance(node, wq.Wildcard | wq.Prefix):
            count = sum(1 for _ in islice(node.expanded_terms(reader), MAX_EXPANSION + 1))
            if count > MAX_EXPANSION:
                raise QueryError(
                    "{word} matches more than {most} words; make it longer",
                    word=repr(node.text),
                    most=MAX_EXPANSION,
                )


def _walk(q: wq.Query) -> list[wq.Query]:
    out = [q]
    for child in q.children():
        out.extend(_walk(child))
    return out


def _date_bound(value: str, upper: bool) -> datetime:
    """A date (YYYY, YYYY-MM or YYYY-MM-DD) as the first or last moment it covers."""
    match = _PARTIAL_DATE.match(value.strip())
    if not match:
        raise QueryError("invalid date {date}: use YYYY, YYYY-MM or YYYY-MM-DD", date=repr(value))
    year, month, day = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    try:
        if not upper:
            return datetime(year, month or 1, day or 1)
        if day:
            last = date(year, month, day)
        elif month:
            last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
        else:
            last = date(year, 12, 31)
    except ValueError:
        raise QueryError("invalid date {date}: no such month or day", date=repr(value)) from None
    return datetime(last.year, last.month, last.day, 23, 59, 59)


def lang_filter(value: str) -> wq.Query:
    if value.lower() not in LANGS:
        raise QueryError(
            "{name} must be one of {values}", name="lang", values=", ".join(sorted(LANGS))
        )
    return wq.Term("lang", value.lower())


def date_filter(date_from: str | None, date_to: str | None) -> wq.Query:
    """Articles published between two dates (either may be open), bounds included."""
    lo = _date_bound(date_from, False) if date_from else None
    hi = _date_bound(date_to, True) if date_to else None
    if lo and hi and lo > hi:
        raise QueryError("the 'from' date is after the 'to' date")
    return wq.DateRange("published", lo, hi)
