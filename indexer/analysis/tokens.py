"""Bilingual analysis: one analyzer for English and Chinese in the same field.

The text is folded before it is cut: NFKC width folding (ＡＢＣ１２３ → ABC123) and
Traditional → Simplified folding with OpenCC, so that 馬雲 and 马云 reach jieba as the
same string (jieba's dictionary is Simplified: it cuts 馬雲 into 馬/雲 but keeps 马云
whole). Runs of Han characters go to the segmenter; runs of other letters and digits
are words.

Chinese words are indexed at their finest grain: a word of three or more characters
that the dictionary can split (数据中心 → 数据/中心, 大数据 → 大/数据) is indexed as its
parts, and a query word is cut the same way and searched as a phrase of its parts.
The segmenter cuts the same string differently in different contexts (大/数据中心,
大数据/中心); the parts do not move, so 数据 finds 大数据中心 and "数据中心" finds
both cuts. Personal names (马云, 蔡英文) are never split, so 英文 does not find 蔡英文.
Every token keeps its start/end offsets in the *original* text, so
highlights mark what the reader sees, and its position counts tokens (0, 1, 2 …), so
phrase queries work in both languages.

Whoosh pickles the analyzer into the index schema: the classes here must stay at this
import path, and hold no state but their settings. A change to what they produce is a
schema change (bump ``indexer.store.schema.SCHEMA_VERSION``).
"""

from __future__ import annotations

import logging
import math
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Composable, LowercaseFilter, Token, Tokenizer
from whoosh.lang.porter2 import stem as snowball_stem

from indexer.analysis.fold import HAN, fold, has_han
from indexer.config import SEGMENTERS

# A Han run, or a run of other letters/digits (underscore is not a word character here).
_RUNS = re.compile(rf"([{HAN}]+)|([^\W_{HAN}]+)")
_ASCII_WORD = re.compile(r"[a-z]+\Z")

#: English function words, and the terms the analyzer makes of them (lowercased,
#: stemmed: "does" → "doe"). They are indexed (phrases such as "The Who" need them), but a
#: query never expands them into names nor highlights them on their own: "the" is
#: everywhere.
_FUNCTION_WORDS = (
    [
        "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be",
        "been", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has",
        "have", "he", "her", "his", "how", "if", "in", "into", "is", "it", "it's", "its",
        "may", "more", "most", "no", "not", "of", "on", "or", "our", "she", "should", "so",
        "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
        "those", "to", "up", "us", "was", "we", "were", "what", "when", "where", "which",
        "while", "who", "will", "with", "would", "yet", "you", "your",
    ]
)  # fmt: skip
STOP_WORDS = frozenset(_FUNCTION_WORDS) | {str(snowball_stem(w)) for w in _FUNCTION_WORDS}


# --- segmentation --------------------------------------------------------------------

_segmenters: dict[str, Callable[[str], Iterable[str]]] = {}
_segmenter_lock = threading.Lock()


def get_segmenter(name: str) -> Callable[[str], Iterable[str]]:
    """The word segmenter for Han runs, loaded once per process."""
    seg = _segmenters.get(name)
    if seg is not None:
        return seg
    with _segmenter_lock:
        seg = _segmenters.get(name)
        if seg is None:
            seg = _load_segmenter(name)
            _segmenters[name] = seg
    return seg


def _load_segmenter(name: str) -> Callable[[str], Iterable[str]]:
    if name == "jieba":
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        return lambda run: tokenizer.cut(run, HMM=True)
    if name == "rjieba":
        import rjieba

        return lambda run: rjieba.cut(run, hmm=True)
    raise ValueError(f"unknown segmenter {name!r}; choose one of {', '.join(SEGMENTERS)}")


_NAME_TAGS = ("nr", "nrt", "nrfg")  # jieba's tags for personal and transliterated names


class _Dictionary:
    """jieba's word list: frequencies for splitting words, and which words are names."""

    def __init__(self) -> None:
        import jieba

        path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
        self.freq: dict[str, int] = {}
        self.names: set[str] = set()
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) < 2:
                    continue
                word, count = parts[0], int(parts[1])
                self.freq[word] = count
                if len(parts) > 2 and parts[2] in _NAME_TAGS:
                    self.names.add(word)
        self.log_total = math.log(sum(self.freq.values()))


_dictionary: _Dictionary | None = None


def _dict() -> _Dictionary:
    global _dictionary
    if _dictionary is None:
        with _segmenter_lock:
            if _dictionary is None:
                _dictionary = _Dictionary()
    return _dictionary


@lru_cache(maxsize=200_000)
def word_parts(word: str) -> tuple[str, ...]:
    """The finest dictionary split of a Chinese word (the word itself when it has none).

    The most probable split into shorter dictionary words, single characters allowed,
    as jieba scores a path, applied again to parts of three or more characters; names
    and words of one or two characters stay whole.
    """
    n = len(word)
    if n <= 2:
        return (word,)
    d = _dict()
    if word in d.names:
        return (word,)
    # best[i]: (log probability, split) of word[i:]
    best: list[tuple[float, tuple[str, ...]]] = [(0.0, ())] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = []
        for j in range(i + 1, min(n, i + n - 1 if i == 0 else n) + 1):
            piece = word[i:j]
            count = d.freq.get(piece, 0)
            if count or j == i + 1:
                score = math.log(count or 1) - d.log_total + best[j][0]
                options.append((score, (piece, *best[j][1])))
        best[i] = max(options)
    parts = best[0][1]
    if len(parts) == 1:
        return (word,)
    return tuple(fine for part in parts for fine in word_parts(part))


def segment(text: str, segmenter: str = "jieba") -> Iterator[tuple[str, int, int, bool]]:
    """Fold and cut text into (word, start, end, is_han) with offsets into the original text.

    Words are folded (width, script) but not lowercased or stemmed; that is the filters' job.
    """
    folded, origin = fold(text)
    cut = None  # loaded at the first Han run: English text never waits for a dictionary
    for match in _RUNS.finditer(folded):
        han = match.group(1)
        if han is None:
            fstart, fend = match.span()
            word = match.group(2)
            if origin is None:
                yield word, fstart, fend, False
            else:
                yield word, origin[fstart], origin[fend - 1] + 1, False
            continue
        fpos = match.start()
        if cut is None:
            cut = get_segmenter(segmenter)
        for coarse in cut(han):
            for word in word_parts(coarse):
                fend = fpos + len(word)
                if origin is None:
                    yield word, fpos, fend, True
                else:
                    yield word, origin[fpos], origin[fend - 1] + 1, True
                fpos = fend


# --- Whoosh analyzer -------------------------------------------------------------------


class BilingualTokenizer(Tokenizer):  # type: ignore[misc]
    """Fold, then cut: Han runs by the segmenter, other runs at word boundaries."""

    def __init__(self, segmenter: str = "jieba") -> None:
        if segmenter not in SEGMENTERS:
            raise ValueError(f"unknown segmenter {segmenter!r}")
        self.segmenter = segmenter

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.segmenter == self.segmenter  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.segmenter))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Whole-value mode (prefix and wildcard query text): fold, do not cut.
            folded, _ = fold(value)
            t.original = t.text = folded
            t.boost = 1.0
            t.han = has_han(folded)
            t.whole = True  # a prefix is not a word: do not stem it
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        pos = start_pos
        for word, start, end, han in segment(value, self.segmenter):
            t.text = word
            t.han = han
            t.capital = not han and capitalised(word)
            t.whole = False
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    return str(snowball_stem(word))


#: Latin letters that do not decompose into a base letter and a mark.
_LATIN_LETTERS = str.maketrans(
    {"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


@lru_cache(maxsize=20_000)
def _unaccented(word: str) -> str:
    """A lowercase word with its Latin letters' accents taken off, when that leaves an
    English word (José → jose, Wałęsa → walesa); otherwise the word as it is."""
    if word.isascii():
        return word
    plain = "".join(
        ch
        for ch in unicodedata.normalize("NFKD", word.translate(_LATIN_LETTERS))
        if not unicodedata.combining(ch)
    )
    return plain if _ASCII_WORD.match(plain) else word


@lru_cache(maxsize=20_000)
def english_term(word: str) -> str:
    """The term of a lowercase word that is not Chinese: Latin letters lose their accents
    (José → jose, Schröder → schroder, Wałęsa → walesa: readers type names both ways)
    and English words are stemmed; other scripts and digits stay as they are."""
    word = _unaccented(word)
    return _stem(word) if _ASCII_WORD.match(word) else word


def name_term(word: str) -> str | None:
    """The second term indexed for a capitalised English word whose stem is another word's
    too: the word itself, unstemmed (Federer, whose stem "feder" is federal's; Cannes, whose
    "cann" is a ticker's). A name found by this term is not found in every article that
    holds the stem. None when the stem is the word (Merkel)."""
    plain = _unaccented(word)
    if not _ASCII_WORD.match(plain):
        return None
    return plain if _stem(plain) != plain else None


def capitalised(word: str) -> bool:
    """Whether a word is written with a capital first letter (a name, or a sentence's first
    word)."""
    return word[:1].isupper()


class EnglishStemFilter(Composable):  # type: ignore[misc]
    """Fold Latin accents and stem English words (Snowball English): `english_term`;
    leave Chinese, digits and other scripts alone."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            if t.han or t.whole:
                yield t
                continue
            word = t.text
            t.text = english_term(word)
            yield t
            # Indexing a capitalised word, also the word unstemmed, in the same place.
            if t.mode == "index" and getattr(t, "capital", False):
                name = name_term(word)
                if name is not None:
                    t.text = name
                    yield t


def bilingual_analyzer(segmenter: str = "jieba") -> Any:
    """The analyzer for every text field: fold, segment, lowercase, stem English."""
    return BilingualTokenizer(segmenter) | LowercaseFilter() | EnglishStemFilter()


def index_tokens(text: str, segmenter: str = "jieba") -> list[tuple[str, int, int, int]]:
    """(term, position, start, end) of every token the field analyzer indexes for text.

    The analyzer's own steps (segment, lowercase, stem English) in one loop, without a
    Token object passing through a chain of generators: the indexing pipeline's fast
    path. Tests hold it to the analyzer's output.
    """
    out = []
    for pos, (word, start, end, han) in enumerate(segment(text, segmenter)):
        if han:
            out.append((word.lower(), pos, start, end))
            continue
        lower = word.lower()
        out.append((english_term(lower), pos, start, end))
        if capitalised(word) and (name := name_term(lower)) is not None:
            out.append((name, pos, start, end))
    return out


def name_terms(name: str, segmenter: str = "jieba") -> tuple[str, ...]:
    """The terms that find an English name as articles write it, capitalised: each word
    unstemmed where the index holds it so (`name_term`), else its usual term. Federer →
    federer, not the stem "feder" that federal shares."""
    found: dict[int, str] = {}
    for term, pos, _, _ in index_tokens(name, segmenter):
        found[pos] = term  # the unstemmed term follows the stem in its place
    return tuple(found[pos] for pos in sorted(found))


# --- characters ------------------------------------------------------------------------

_HAN_RUN = re.compile(rf"[{HAN}]+")


def character_tokens(text: str, start_pos: int = 0) -> list[tuple[str, int, int, int]]:
    """(term, position, start, end) of the character field: every Han character, folded.

    Whatever the segmenter did, a run of characters in a query stands in sequence here
    wherever it stands in the text: 平安荆楚行动 holds 行 and 动 side by side even where
    jieba cut 荆楚行/动. Runs are one position apart, so no phrase crosses from one to
    the next; offsets point into the original text.
    """
    folded, origin = fold(text)
    out: list[tuple[str, int, int, int]] = []
    pos = start_pos
    for match in _HAN_RUN.finditer(folded):
        first, last = match.span()
        count = last - first
        if origin is None:
            starts: Iterable[int] = range(first, last)
            ends: Iterable[int] = range(first + 1, last + 1)
        else:
            starts = origin[first:last]
            ends = [e + 1 for e in origin[first:last]]
        out.extend(zip(match.group(0), range(pos, pos + count), starts, ends, strict=True))
        pos += count + 1
    return out


def character_terms(run: str) -> list[str]:
    """The character-field terms of one folded Han run, in order (what a query searches)."""
    return list(run)


def run_of(terms: list[str]) -> str:
    """The Han run a phrase of character-field terms spells (the inverse of
    `character_terms`)."""
    return "".join(terms)


class CharacterTokenizer(Tokenizer):  # type: ignore[misc]
    """The character field's tokenizer: `character_tokens` as Whoosh tokens."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, pos, start, end in character_tokens(value, start_pos):
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]  # type: ignore[attr-defined]
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


def character_analyzer() -> Any:
    """The analyzer of the character field (each Han character, after folding)."""
    return CharacterTokenizer()


def terms(text: str, segmenter: str = "jieba") -> list[str]:
    """The index terms the analyzer makes of text (a convenience for tests and tools)."""
    return [t.text for t in bilingual_analyzer(segmenter)(text)]
