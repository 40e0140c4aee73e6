"""Ranking: BM25F with field boosts, and every word of a concept counted whole."""

from __future__ import annotations

from whoosh import query as wq
from whoosh import scoring

from indexer.analysis.fold import has_han
from indexer.search.characters import CHARACTER_BOOST
from indexer.search.expand import OtherForms, regroup
from indexer.store.schema import CHARACTER_FIELD, SEARCH_FIELDS, TITLE_CHARACTER_FIELD

TITLE = "title"

# --- ranking ---------------------------------------------------------------------------

#: Okapi BM25F, tuned on bench/relevance.py: B = 0.5 normalises less for length than the
#: textbook 0.75, so a long article about a subject is not ranked below a brief that
#: mentions it; K1 and the title's own B made no measurable difference.
K1 = 1.2
B = 0.5
WEIGHTING = scoring.BM25F(B=B, K1=K1)
#: Weight of a match in each field a free query searches, relative to the body. A title is
#: short, so BM25F already scores a word in it highly, and an article whose title holds a
#: word usually has it in the body too: weighting the title above the body on top of that
#: let one common title word ("UK") outrank articles about all of the query (measured on
#: bench/relevance.py: 2.5 → 1.0 raised topical nDCG@10 in both languages and known-item
#: success@10).
FIELD_BOOSTS = SEARCH_FIELDS
#: Extra weight, relative to the words themselves, of an article that holds every word of
#: the query (each in any of its forms: 马云 or "Jack Ma"). 1.0 by measurement on
#: bench/relevance.py (0.5, 1.0 and 2.0 side by side: 1.0 raised Chinese topical nDCG@10
#: from 0.899 to 0.908, a name with another word most; 2.0 added little more).
ALL_WORDS_BOOST = 1.0


#: Extra weight of an article whose title holds every word of the query (in any of its
#: forms), relative to the title's own score: a story about something names it in its
#: headline, one that mentions it in passing does not. Measured on bench/relevance.py.
TITLE_BOOST = 3.0


def rank_query(q: wq.Query) -> wq.Query:
    """The query with bonuses that order its matches but never change which articles match.

    Under OR an article holding all of the query's words ranks above one holding some of
    them, even when a single rare word is repeated in the latter (under AND every match
    holds them all). Under either, an article whose title holds all of them ranks higher
    still.
    """
    if isinstance(q, wq.AndNot):
        ranked_a = rank_query(q.a)
        return q if ranked_a is q.a else wq.AndNot(ranked_a, q.b)
    concepts = _concepts(q)
    if not concepts:
        return q
    ranked = q
    if type(q) is wq.Or and len(concepts) > 1 and ALL_WORDS_BOOST:
        every = [_full_weight(_whole(c)) for c in concepts]
        ranked = wq.AndMaybe(ranked, wq.And(every, boost=ALL_WORDS_BOOST))
    titles = [_in_title(_whole(c)) for c in concepts]
    if TITLE_BOOST and all(t is not None for t in titles):
        ranked = wq.AndMaybe(ranked, _all_of(titles, TITLE_BOOST))
    return ranked


def _full_weight(q: wq.Query, other: bool = False) -> wq.Query:
    """A concept with its other forms weighed as the words typed: an article holding every
    word of the query holds them all whichever language or region's form it uses. (A
    Chinese form cut in pieces still counts as one word: its phrase is weighed by piece.)"""
    if isinstance(q, wq.Term | wq.Phrase):
        if not other or q.fieldname not in FIELD_BOOSTS:
            return q
        pieces = len(q.words) if isinstance(q, wq.Phrase) and has_han(q.words[0]) else 1
        return q.with_boost(FIELD_BOOSTS[q.fieldname] / pieces)
    if isinstance(q, wq.AndNot) or not isinstance(q, wq.And | wq.Or):
        return q  # a character fallback, or anything else, as it is
    other = other or isinstance(q, OtherForms)
    return type(q)([_full_weight(c, other) for c in q.children()], boost=q.boost)


def _all_of(parts: list[wq.Query], boost: float) -> wq.Query:
    """Every one of the parts, weighted by `boost` (Whoosh ignores the boost of a compound
    query with one part, so one part carries it itself)."""
    if len(parts) > 1:
        return wq.And(parts, boost=boost)
    return parts[0].with_boost(parts[0].boost * boost)


def _in_title(q: wq.Query) -> wq.Query | None:
    """The part of a concept's query that searches the title, or None if no part does: its
    words in the title field, and its Chinese words' characters in the title's characters
    (a headline holds 莫迪 where the segmenter cut 莫/迪/互 there)."""
    if isinstance(q, wq.Term | wq.Phrase):
        if q.fieldname == CHARACTER_FIELD:
            return _on_field(q, TITLE_CHARACTER_FIELD)
        return q if q.fieldname == TITLE else None
    if isinstance(q, wq.AndNot):
        # Characters searched only where the word is not held: in the title, whether held
        # as a word or not.
        return _in_title(q.a)
    if type(q) is wq.And:
        parts = [_in_title(c) for c in q.children()]
        return None if any(p is None for p in parts) else wq.And(parts, boost=q.boost)
    if isinstance(q, wq.Or):
        found = [p for c in q.children() if (p := _in_title(c)) is not None]
        if not found:
            return None
        words = [p for p in found if _fields(p) == {TITLE}]
        characters = [p for p in found if _fields(p) == {TITLE_CHARACTER_FIELD}]
        if words and characters and len(words) + len(characters) == len(found):
            # The characters count where the title does not hold the word itself.
            found = [*words, wq.AndNot(wq.Or(characters), wq.Or(words))]
        return wq.Or(found, boost=q.boost)
    return None


def _fields(q: wq.Query) -> set[str]:
    return {leaf.fieldname for leaf in q.leaves()}


def _on_field(q: wq.Term | wq.Phrase, fieldname: str) -> wq.Query:
    """A query of the character field on the title's characters, weighted as the word it
    stands for (a headline that holds the characters holds the word)."""
    boost = q.boost / CHARACTER_BOOST
    if isinstance(q, wq.Phrase):
        return wq.Phrase(fieldname, list(q.words), boost=boost)
    return wq.Term(fieldname, q.text, boost=boost)


def _whole(concept: wq.Query) -> wq.Query:
    """A concept as the bonus counts it: a name or term of several words ("Jack Ma", "house
    prices" with its other forms) is held by an article with all its words or another form,
    not by one with only "Ma" or only "prices"."""
    if type(concept) is not wq.Or:
        return concept
    children = list(concept.children())
    words = regroup([c for c in children if not isinstance(c, OtherForms)])
    if len(words) < 2:
        return concept
    others = [c for c in children if isinstance(c, OtherForms)]
    return wq.Or([wq.And(words), *others])


def _concepts(q: wq.Query) -> list[wq.Query]:
    """The words (with their other forms) of a query of words, under OR or AND: each one
    thing the reader asked for."""
    if isinstance(q, wq.Term | wq.Phrase):
        return [q]
    if type(q) not in (wq.Or, wq.And):
        return []
    concepts: list[wq.Query] = []
    for child in regroup(list(q.children())):
        if isinstance(child, OtherForms) and concepts:
            # A word's other forms (华为 → Huawei) follow it: they are the same concept, so
            # an article is not "holding every word" for holding a name in two languages.
            word = concepts[-1]
            parts = list(word.children()) if type(word) is wq.Or else [word]
            concepts[-1] = wq.Or([*parts, child])
        else:
            concepts.append(child)
    return concepts
