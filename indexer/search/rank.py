"""Ranking: BM25F with field boosts, and every word of a concept counted whole."""

from __future__ import annotations

from whoosh import query as wq
from whoosh import scoring

from indexer.search.expand import OtherForms, regroup
from indexer.store.schema import SEARCH_FIELDS

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


def rank_query(q: wq.Query) -> wq.Query:
    """The query with a bonus that orders its matches but never changes which articles match.

    Under OR an article holding all of the query's words ranks above one holding some of
    them, even when a single rare word is repeated in the latter. (Under AND every match
    holds them all: nothing to add.)
    """
    concepts = _concepts(q)
    if len(concepts) < 2 or not ALL_WORDS_BOOST:
        return q
    return wq.AndMaybe(q, wq.And([_whole(c) for c in concepts], boost=ALL_WORDS_BOOST))


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
    """The words (with their other forms) of an OR query: each one thing the reader asked for."""
    if isinstance(q, wq.AndNot):
        q = q.a
    if type(q) is not wq.Or:
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
