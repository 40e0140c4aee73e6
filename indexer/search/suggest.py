"""Help when little matches: other spellings and words of the index."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from indexer.analysis.fold import HAN, has_han
from indexer.analysis.names import NameTable, english_key, han_key, name_table
from indexer.config import Settings
from indexer.engine.spelling import words_within
from indexer.errors import QueryError
from indexer.search.query import parse_query
from indexer.store.schema import SEARCH_FIELDS

# --- help when nothing matches --------------------------------------------------------

_QUERY_WORD = re.compile(rf"(?<![\w:*?])([A-Za-z][A-Za-z'-]{{2,}}|[{HAN}]{{2,}})(?![\w:*?])")
_OPERATORS = {"AND", "OR", "NOT", "TO"}
MAX_SUGGESTIONS = 3
#: Fewer articles than this hold every word of a query as typed: worth translating its
#: common words too (see `indexer.search.expand.few_hold_every_word`).
MIN_HITS_BEFORE_SUGGESTING = 10
#: Did you mean: only for a search that finds fewer stories than this (none, or very few).
SUGGEST_BELOW = 3
#: Words and the query language; a query with anything else (markup, code) is not a
#: misspelling of anything.
_PLAIN_QUERY = re.compile(r"""[\w\s"'*?:().,\-]*""")

if TYPE_CHECKING:
    from indexer.search.core import SearchRequest


def suggest(
    searcher: Any,
    request: SearchRequest,
    settings: Settings,
    table: NameTable | None,
    found: int = 0,
) -> list[str]:
    """Queries that would find more than the `found` articles: misspelt English words
    corrected from the index's own words, Chinese words in the other region's usage or the
    other language (罕病 → 罕见病, 腾讯 → Tencent). Each suggestion is checked to find more."""
    reader = searcher.reader()
    text = request.q.strip()
    if not _PLAIN_QUERY.fullmatch(text):
        return []
    table = table or name_table(None, settings.aliases)
    options: list[str] = []
    for match in _QUERY_WORD.finditer(text):
        word = match.group(1)
        if word in _OPERATORS:
            continue
        replacements: list[str] = []
        if has_han(word):
            han = han_key(word)  # a run of Han characters: its folded form is its key
            replacements = [table.written(s) for s in table.synonyms(han)] + table.english_for(han)
        else:
            replacements = _spelling(reader, word)
        for new in replacements[:2]:
            options.append(text[: match.start()] + new + text[match.end() :])
    out: list[str] = []
    for option in options:
        if option in out or option == text:
            continue
        try:
            q, filters = parse_query(option, searcher.schema, settings)
        except QueryError:
            continue
        if q is not None and len(searcher.search(q, limit=1)) > found:
            out.append(option)
        if len(out) >= MAX_SUGGESTIONS:
            break
    return out


def _spelling(reader: Any, word: str) -> list[str]:
    """Words of the index close to an English word the index does not hold, commonest first."""
    key = english_key(word)
    if len(key) != 1 or any(reader.doc_frequency(f, key[0]) for f in SEARCH_FIELDS):
        return []
    for distance in (1, 2):
        candidates: set[str] = set()
        for form in {key[0], word.lower()}:
            candidates.update(words_within(reader, form, distance))
        candidates.discard(key[0])
        if candidates:
            ranked = sorted(candidates, key=lambda t: (-reader.doc_frequency("body", t), t))
            return [w for w in (_surface(reader, t) for t in ranked[:2]) if w]
    return []


def _surface(reader: Any, term: str) -> str | None:
    """A term as an article wrote it (index terms are stemmed: 'inflat' → 'inflation')."""
    try:
        matcher = reader.postings("body", term)
    except Exception:  # whoosh raises TermNotFound (its name differs between releases)
        return None
    if not matcher.is_active():
        return None
    docnum, chars = matcher.id(), matcher.value_as("characters")
    if not chars:
        return term
    _, start, end = chars[0]
    body = reader.stored_fields(docnum).get("body", "")
    return str(body[start:end]).lower() or term
