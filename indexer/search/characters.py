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
    """The query with each free Chinese word, and each Chinese form that name expansion adds
    for a word, also searched by their characters."""
    if isinstance(q, wq.AndNot):
        return wq.AndNot(with_characters(q.a), q.b)
    if type(q) not in (wq.And, wq.Or):
        found = _characters(q)
        return wq.Or([q, found]) if found is not None else q
    new: list[wq.Query] = []
    for child in regroup(list(q.children())):
        found = _characters(child)
        if isinstance(child, OtherForms):
            new.append(_forms_with_characters(child))
        elif found is not None:
            leaves = list(child.children()) if type(child) is wq.Or else [child]
            new.append(wq.Or([*leaves, found]))
        elif type(child) is wq.Or and (expanded := _expanded_word(child)) is not None:
            new.append(wq.Or([*map(_forms_with_characters, child.children()), expanded]))
        elif word_leaves(child) is not None:
            new.append(child)
        elif isinstance(child, wq.AndNot) or type(child) in (wq.And, wq.Or):
            new.append(with_characters(child))
        else:
            new.append(child)
    compound = wq.And if type(q) is wq.And else wq.Or
    return compound(new, boost=getattr(q, "boost", 1.0))


def _forms_with_characters(node: wq.Query) -> wq.Query:
    """A word's other forms (the name 津巴布韦 for 辛巴威), each Chinese one also by its
    characters, but only in articles that do not hold the form as a word (where the
    segmenter cut it otherwise): a form found by its characters is found, and a form
    found as a word is not counted a second time, which would weigh a Chinese form
    above an English one (Zimbabwe) that has no characters to add."""
    if not isinstance(node, OtherForms) or isinstance(node, CharacterForms):
        return node
    children = list(node.children())
    if any(isinstance(c, CharacterForms) for c in children):
        return node
    groups = [(group, word_leaves(group)) for group in regroup(children)]
    # Forms of one run of characters (比尔·盖茨 as the phrase 比尔 盖茨 and as the word
    # 比尔盖茨) share one character query, for articles that hold none of them.
    held: dict[str, list[wq.Query]] = {}
    for _, word in groups:
        if word is not None and _ALL_HAN.match(run := "".join(word[0])):
            held.setdefault(run, []).extend(word[1])
    new: list[wq.Query] = []
    for group, word in groups:
        new.append(group)
        run = "".join(word[0]) if word is not None else ""
        if run in held:
            found = _characters(group, fallback=True, held=held.pop(run))
            if found is not None:
                new.append(found)
    return OtherForms(new, boost=node.boost)


def _characters(
    node: wq.Query, fallback: bool = False, held: list[wq.Query] | None = None
) -> wq.Query | None:
    """The character query of a free word (searched in the body) made only of Han
    characters, or None. With `fallback`, only for articles without the word itself (nor
    any of the `held` leaves: every cut of the same characters), weighted as the word is
    (an other form is weighted below the words as typed)."""
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
    boost = CHARACTER_BOOST
    if fallback:
        boost *= max(leaf.boost for leaf in leaves if leaf.fieldname == "body")
    if len(terms) == 1:
        inner: wq.Query = wq.Term(CHARACTER_FIELD, terms[0], boost=boost)
    else:
        inner = wq.Phrase(CHARACTER_FIELD, terms, boost=boost)
    if fallback:
        inner = wq.AndNot(inner, wq.Or(held or leaves))
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
