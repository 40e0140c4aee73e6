"""Chinese words matched by their characters, whatever the segmenter did on either side.

A query's Chinese word is searched as its words (the segmenter's cut, finest parts) and,
below them, as the phrase of its characters on the character field
(`indexer.store.schema.CHARACTER_FIELD`): 行动 finds 平安荆楚行动 even where jieba cut
荆楚行/动, and a three-character word cut X/YZ in the query finds the article where the
text was cut WX/YZ. Word matches rank first: an article holding the word also holds its
characters, and the characters weigh less than the word.

Single characters rather than Lucene's overlapping bigrams, by measurement on the full
corpus (bench/index.py): bigrams grew the index by 69% and took a third off the indexing
speed (745 thousand distinct bigrams, most of them in one or two articles); characters
(a few thousand terms) cost about a quarter of that, and a phrase of characters matches
exactly the same runs as a phrase of their bigrams.
"""

from __future__ import annotations

import re

from whoosh import query as wq

from indexer.analysis.fold import HAN
from indexer.analysis.tokens import character_terms
from indexer.search.expand import OtherForms, regroup, word_leaves
from indexer.store.schema import CHARACTER_FIELD

#: Weight of a word's characters relative to the word itself (bench/relevance.py and
#: bench/substring.py).
CHARACTER_BOOST = 0.3
_ALL_HAN = re.compile(rf"[{HAN}]+\Z")


class CharacterForms(OtherForms):
    """A Chinese word as the phrase of its characters, beside the word itself."""


def with_characters(q: wq.Query) -> wq.Query:
    """The query with each free Chinese word also searched by its characters."""
    if isinstance(q, wq.AndNot):
        return wq.AndNot(with_characters(q.a), q.b)
    if type(q) not in (wq.And, wq.Or):
        found = _characters(q)
        return wq.Or([q, found]) if found is not None else q
    new: list[wq.Query] = []
    for child in regroup(list(q.children())):
        found = _characters(child)
        if found is not None:
            leaves = list(child.children()) if type(child) is wq.Or else [child]
            new.append(wq.Or([*leaves, found]))
        elif type(child) is wq.Or and (expanded := _expanded_word(child)) is not None:
            new.append(wq.Or([*child.children(), expanded]))
        elif word_leaves(child) is not None:
            new.append(child)
        elif isinstance(child, wq.AndNot) or type(child) in (wq.And, wq.Or):
            new.append(with_characters(child))
        else:
            new.append(child)
    compound = wq.And if type(q) is wq.And else wq.Or
    return compound(new, boost=getattr(q, "boost", 1.0))


def _characters(node: wq.Query) -> wq.Query | None:
    """The character query of a free word (searched in the body) made only of Han
    characters, or None."""
    word = word_leaves(node)
    if word is None:
        return None
    words, leaves = word
    if not any(getattr(leaf, "fieldname", None) == "body" for leaf in leaves):
        return None  # title:… and author:… stay in their field
    run = "".join(words)
    if not _ALL_HAN.match(run):
        return None
    terms = character_terms(run)
    if len(terms) == 1:
        inner: wq.Query = wq.Term(CHARACTER_FIELD, terms[0], boost=CHARACTER_BOOST)
    else:
        inner = wq.Phrase(CHARACTER_FIELD, terms, boost=CHARACTER_BOOST)
    return CharacterForms([inner])


def _expanded_word(node: wq.Query) -> wq.Query | None:
    """The character query of a word that name expansion wrapped with its other forms."""
    children = list(node.children())
    if not any(isinstance(c, OtherForms) for c in children):
        return None
    if any(isinstance(c, CharacterForms) for c in children):
        return None
    words = [c for c in children if not isinstance(c, OtherForms)]
    group = regroup(words)
    if len(group) != 1:
        return None
    return _characters(group[0])
