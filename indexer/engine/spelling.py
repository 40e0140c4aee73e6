"""Spelling candidates: Whoosh's Levenshtein automaton stepped through a segment's words.

Whoosh's own `terms_within` compares every word of a multi-segment reader; here each
segment's body words are held in memory (:func:`indexer.engine.columns.words`) and the
automaton steps through them with a two-method cursor.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from typing import Any

from whoosh.codec.base import Automata

from indexer.engine import columns


def words_within(reader: Any, word: str, distance: int) -> set[str]:
    """Body words of the index within `distance` edits of `word`, sharing its first letter:
    Whoosh's own Levenshtein automaton, stepped through each segment's words in memory."""
    dfa = Automata.levenshtein_dfa(word, distance, 1)
    found: set[str] = set()
    for leaf, _ in reader.leaf_readers():
        found.update(Automata.find_matches(dfa, WordCursor(columns.words(leaf, "body"))))
    return found


class WordCursor:
    """The two steps of a term cursor the automaton uses, over a sorted list of words."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.at = 0

    def text(self) -> str | None:
        return self.words[self.at] if self.at < len(self.words) else None

    def find(self, word: str) -> None:
        self.at = bisect_left(self.words, word, self.at)


class Lexicon:
    """The body words of an index, each segment's held sorted in memory: whether some word
    starts with a prefix, and whether a word is there (for `indexer.analysis.sounds`)."""

    def __init__(self, reader: Any) -> None:
        self.leaves = [leaf for leaf, _ in reader.leaf_readers()]
        self.lists = [columns.words(leaf, "body") for leaf in self.leaves]

    def select(self, name: str, keep: Callable[[str], bool]) -> list[str]:
        """The words `keep` keeps, worked out once per segment and kept under `name`."""
        found: set[str] = set()
        for leaf, words in zip(self.leaves, self.lists, strict=True):

            def load(words: list[str] = words) -> list[str]:
                return [word for word in words if keep(word)]

            found.update(columns.derived(leaf, f"body\x00{name}", load))
        return sorted(found)

    def has_prefix(self, prefix: str) -> bool:
        return any(word.startswith(prefix) for word in self._from(prefix))

    def __contains__(self, word: str) -> bool:
        return any(found == word for found in self._from(word))

    def _from(self, word: str) -> Iterator[str]:
        """Each segment's first word at or after `word` in sorted order."""
        for words in self.lists:
            at = bisect_left(words, word)
            if at < len(words):
                yield words[at]
