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

from indexer.analysis.fold import HAN, has_han
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
#: Words the parser reads as operators when written in capitals between other words.
OPERATORS = ("AND", "OR", "NOT")
#: A quoted phrase (with an optional slop, "a b"~3), a bracket, or a run of other text.
_PIECE = re.compile(r'"([^"]*)"(~\d+)?|([()])|([^\s"()]+)|(\s+)|(")')
#: A well-formed wildcard word: letters first, then * anywhere or ? followed by a letter.
_WILDCARD_WORD = re.compile(r"\w+(?:\*\w*|\?\w+)(?:[*?]?\w*)*\**")
_SIGNED = re.compile(r"([+-])(?=[\w\"(])")
_FIELD = re.compile(r"(\w+):")
_BOOST = re.compile(r"\^\d+(?:\.\d+)?\Z")
_EDGE = re.compile(r"^\W+|\W+$")
_POSSESSIVE = re.compile(r"(?<=[A-Za-z]{2})['’]s\Z")
_RUN = re.compile(rf"[{HAN}]+|[^\W{HAN}]+")
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
    text = words_of(text, schema)
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


def words_of(text: str, schema: Any) -> str:
    """The query text without its date and language filters, in the parser's syntax: what
    `parse_query` parses, and what the parsed query's character offsets point into."""
    text = DATE_RANGE.sub(" ", text.strip()).strip()
    text = LANG_FILTER.sub(" ", text).strip()
    return reader_syntax(text, set(schema.names()) | {"date", "language"})


def reader_syntax(text: str, fields: set[str]) -> str:
    """Text as readers type and paste it, rewritten so that only well-formed operators are
    operators for the parser.

    Operators: "quoted phrases", brackets that pair up, AND/OR/NOT in capitals, + or -
    at the start of a word (after a space, the start, or a bracket), `field:` for a known
    field, `word*` and `wo?d` wildcards (letters first), `word^2`. Everything else is
    text: a hyphenated word or name (co-founder, U.S.-China, Den-yih) or any word with
    punctuation inside (O'Neill, AT&T) becomes a phrase of its parts, a spaced dash or a
    stray quote is dropped, and *, ?, :, ^, ~, [ ] or { } at the edge of a word
    (*ST大控, "What next?") are punctuation, not syntax.
    """
    pieces = list(_PIECE.finditer(text))
    # Brackets count only in pairs.
    paired: set[int] = set()
    opened: list[int] = []
    for i, piece in enumerate(pieces):
        if piece.group(3) == "(":
            opened.append(i)
        elif piece.group(3) == ")" and opened:
            paired.update((opened.pop(), i))
    out: list[str] = []
    glue = False  # the last piece was a sign or field that binds to what follows
    at_start = True  # a + or - here is an operator
    for i, piece in enumerate(pieces):
        phrase, slop, bracket, word = piece.group(1), piece.group(2), piece.group(3), piece.group(4)
        if piece.group(5) is not None or piece.group(6) is not None:  # a space, a stray quote
            at_start, glue = piece.group(5) is not None, False
            continue
        if phrase is not None:
            if phrase.strip():
                _emit(out, f'"{phrase}"{slop or ""}', glue)
            glue = at_start = False
            continue
        if bracket is not None:
            if i in paired:
                _emit(out, bracket, glue and bracket == "(")
            glue, at_start = False, bracket == "("
            continue
        following = pieces[i + 1] if i + 1 < len(pieces) else None
        binds = following is not None and (
            following.group(1) is not None or (following.group(3) == "(" and i + 1 in paired)
        )
        text_out, glue = _word(word, fields, at_start, binds)
        if text_out:
            _emit(out, text_out, False)
        at_start = False
    return " ".join(_operators_with_operands(out)).strip()


_BINARY = {"AND", "OR"}


def _operators_with_operands(tokens: list[str]) -> list[str]:
    """Drop AND, OR and NOT that have nothing to join or negate (`foo AND (`, `OR foo`,
    `foo NOT`): a dangling operator is a slip, not a word to search for."""
    tokens = list(tokens)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        before = tokens[i - 1] if i > 0 else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        nothing_after = after is None or after in _BINARY or after.startswith(")")
        nothing_before = before is None or before in _BINARY | {"NOT"} or before.endswith("(")
        if (token in _BINARY and (nothing_before or nothing_after)) or (
            token == "NOT" and nothing_after
        ):
            del tokens[i]
            i = max(i - 1, 0)
            continue
        i += 1
    return tokens


def _emit(out: list[str], text: str, glue: bool) -> None:
    if glue and out:
        out[-1] += text
    else:
        out.append(text)


def _word(word: str, fields: set[str], at_start: bool, binds: bool) -> tuple[str, bool]:
    """One whitespace-delimited word in the parser's syntax, and whether it is a sign or
    field prefix that binds to the phrase or bracket right after it."""
    if word in OPERATORS:
        return word, False
    if word in ("+", "-"):
        return (word, True) if at_start and binds else ("", False)
    prefix = ""
    signed = _SIGNED.match(word) if at_start else None
    if signed:
        prefix, word = signed.group(1), word[1:]
    field = _FIELD.match(word)
    if field and field.group(1).lower() in fields:
        prefix += field.group(1).lower() + ":"
        word = word[field.end() :]
    if not word:
        return (prefix, True) if prefix and binds else ("", False)
    boost = _BOOST.search(word)
    suffix = ""
    if boost and boost.start() > 0 and word[boost.start() - 1].isalnum():
        suffix, word = boost.group(0), word[: boost.start()]
    word = word.rstrip("?")  # "What next?" asks; it is not a wildcard
    if _WILDCARD_WORD.fullmatch(word):
        return prefix + word + suffix, False
    word = _EDGE.sub("", word.replace("*", " ").replace("?", " ")).strip()
    # An English possessive is the name or word itself: Merkel's finds Merkel, in any
    # language (the article may say "Chancellor Merkel" or 默克尔).
    word = _POSSESSIVE.sub("", word)
    if not word:
        return ("", False) if not (prefix and binds) else (prefix, True)
    if has_han(word):
        # Chinese text runs on without spaces: its punctuation and a change of script
        # (*ST大控, “宾利撞出租车”:宾利为租赁) separate words, each searched on its own.
        parts = _RUN.findall(word)
        if len(parts) > 1:
            joined = " ".join(parts)
            return (f"{prefix}({joined})" if prefix else joined), False
    elif re.search(r"\W", word):
        word = f'"{word}"'  # co-founder, U.S.-China, O'Neill: a phrase of their parts
    return prefix + word + suffix, False


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


def check_lang(value: str) -> str:
    """A language filter as the index holds it (lower case); QueryError when unknown."""
    if value.lower() not in LANGS:
        raise QueryError(
            "{name} must be one of {values}", name="lang", values=", ".join(LANG_FILTERS)
        )
    return value.lower()


def lang_filter(value: str) -> wq.Query:
    return wq.Term("lang", check_lang(value))


def date_filter(date_from: str | None, date_to: str | None) -> wq.Query:
    """Articles published between two dates (either may be open), bounds included."""
    lo = _date_bound(date_from, False) if date_from else None
    hi = _date_bound(date_to, True) if date_to else None
    if lo and hi and lo > hi:
        raise QueryError("the 'from' date is after the 'to' date")
    return wq.DateRange("published", lo, hi)
