"""Foreign names by sound: the English word a Chinese transliteration most likely spells.

Chinese news writes a foreign name by its sound (尤科斯 for Yukos, 阿斯马拉 for Asmara),
and no table holds every such name. The model here is learnt from the transliterated
proper nouns of CC-CEDICT (about five thousand pairs such as 佛罗里达 Florida): the
probability of each spelling ("co", "k", "c"…) of each syllable (ke), found by
expectation maximisation over every way of cutting the English word into one spelling
per syllable, smoothed towards the spellings of the syllable's initial consonant. A
spelling must start with a letter the initial can stand for (k: c, k, q, g, x), which
keeps the alignment from learning noise.

At search time the model does not invent spellings: it walks the archive's own English
words, letter run by letter run, keeping only prefixes some word has, and keeps the word
a Chinese name most probably spells, when it is clearly more probable than any other.
`bench/sounds.py` measures how often that word is right on names held out from training
(figures in `docs/benchmarks.md`).

The tables are built by `python -m indexer.analysis.cedict_build` and shipped as
``data/sound_readings.tsv`` (the syllable of each character and how often it stands in
a transliteration) and ``data/sound_spellings.tsv`` (the spellings of each syllable).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from indexer.analysis.fold import INTERPUNCT
from indexer.analysis.names import tsv_rows

DATA = Path(__file__).resolve().parent / "data"
READINGS_TABLE = DATA / "sound_readings.tsv"
SPELLINGS_TABLE = DATA / "sound_spellings.tsv"

MIN_SYLLABLES, MAX_SYLLABLES = 3, 6  # a name of two characters has too many spellings
MIN_SEEN = 5  # times a character stood in a transliteration before it counts as one
MIN_LOG_PROB = -2.0  # per syllable: the word must be a likely spelling of the name
MIN_MARGIN = 2.0  # log-probability by which it must beat the next word (e² ≈ 7.4×)
MIN_LETTERS = 5  # an English name shorter than this fits too many Chinese words (Bade, Zibo)
MAX_SPELLING = 4  # letters one syllable may be spelt with
SMOOTHING = 3.0  # weight of the initial's spellings beside a syllable's own
MIN_PROBABILITY = 1e-3  # spellings rarer than this are left out of the table
BEAM = 400  # prefixes kept after each syllable

_INITIALS = (
    "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q",
    "x", "r", "z", "c", "s", "y", "w",
)  # fmt: skip
#: The letters a spelling of a syllable may start with, by the syllable's initial.
FIRST_LETTERS = {
    "b": "bpv", "p": "pb", "m": "m", "f": "fvpw", "d": "dt", "t": "td", "n": "n",
    "l": "lr", "g": "gkch", "k": "kcqgx", "h": "hkcgjxaeiou", "j": "jgzyscd",
    "q": "cktqjgx", "x": "sxczhj", "zh": "jgzcs", "ch": "ckqjts", "sh": "sxcj", "r": "rlj",
    "z": "zsct", "c": "ctskz", "s": "sczxt", "y": "yijeaou", "w": "wvuoh", "": "aeiouyhlr",
}  # fmt: skip
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LETTERS = re.compile(r"[a-z]+")
_VOWEL = re.compile(r"[aeiouy]")


def initial(syllable: str) -> str:
    """The initial consonant of a toneless pinyin syllable ("" for 安 an)."""
    return next((i for i in _INITIALS if syllable.startswith(i)), "")


def allowed(syllable: str, spelling: str) -> bool:
    return spelling[:1] in FIRST_LETTERS[initial(syllable)]


# --- learning the model (at build time) ------------------------------------------------

Pair = tuple[tuple[str, ...], str]


@dataclass
class Training:
    """What CC-CEDICT's proper nouns teach: each character's syllable, how often it stands
    in a transliteration, and (syllables, English word) pairs of transliterated names."""

    readings: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    pairs: set[tuple[str, str]] = field(default_factory=set)  # (Chinese word, English word)

    def add(self, forms: Iterable[str], pinyin: str, names: Iterable[str]) -> None:
        syllables = [s.lower().replace("u:", "v") for s in INTERPUNCT.sub(" ", pinyin).split()]
        forms = list(forms)
        for form in forms:
            chars = _HAN_RUN.findall(form)
            if len("".join(chars)) == len(syllables):
                for char, syllable in zip("".join(chars), syllables, strict=True):
                    self.readings[char][syllable] += 1
        spelt = "".join(syllables)
        simp = forms[0]
        parts = INTERPUNCT.split(simp)
        for name in names:
            words = name.split()
            if len(parts) == 1 and len(words) == 1:
                cands = [(simp, words[0])]
            elif len(parts) > 1 and len(parts) == len(words):
                cands = list(zip(parts, words, strict=True))
            else:
                continue
            for chinese, english in cands:
                english = english.lower()
                if not re.fullmatch(r"[\u4e00-\u9fff]{2,6}", chinese):
                    continue
                # A Chinese name in pinyin (Gaotang) is no transliteration.
                if not _LETTERS.fullmatch(english) or english in spelt:
                    continue
                if len(english) >= len(chinese):
                    self.pairs.add((chinese, english))

    def reading(self) -> dict[str, str]:
        return {c: counts.most_common(1)[0][0] for c, counts in sorted(self.readings.items())}

    def examples(self) -> list[Pair]:
        reading = self.reading()
        return [
            (tuple(reading[c] for c in chinese), english)
            for chinese, english in sorted(self.pairs)
            if all(c in reading for c in chinese)
        ]

    def seen(self) -> Counter[str]:
        return Counter(c for chinese, _ in sorted(self.pairs) for c in chinese)


def learn(pairs: list[Pair], rounds: int = 10) -> dict[tuple[str, str], float]:
    """P(spelling | syllable) by expectation maximisation over every cut of each English
    word into one spelling per syllable, then smoothed towards the initial's spellings."""
    prob: dict[tuple[str, str], float] | None = None
    counts: dict[tuple[str, str], float] = {}
    for _ in range(rounds):
        counts = defaultdict(float)
        for syllables, english in pairs:
            for key, weight in _expected(syllables, english, prob).items():
                counts[key] += weight
        prob = _normalised(counts)
    totals: dict[str, float] = defaultdict(float)
    for (syllable, _), count in counts.items():
        totals[syllable] += count
    by_initial: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (syllable, spelling), count in counts.items():
        by_initial[initial(syllable)][spelling] += count
    initial_totals = {i: sum(c.values()) for i, c in by_initial.items()}
    smoothed: dict[tuple[str, str], float] = {}
    for syllable, total in sorted(totals.items()):
        start = initial(syllable)
        spellings = set(by_initial[start])
        for spelling in sorted(spellings):
            backoff = by_initial[start][spelling] / initial_totals[start]
            p = (counts.get((syllable, spelling), 0.0) + SMOOTHING * backoff) / (total + SMOOTHING)
            if p >= MIN_PROBABILITY:
                smoothed[(syllable, spelling)] = p
    return smoothed


def _expected(
    syllables: tuple[str, ...], english: str, prob: dict[tuple[str, str], float] | None
) -> dict[tuple[str, str], float]:
    """Expected count of each (syllable, spelling) over the cuts of one pair (forward-backward)."""

    def p(syllable: str, spelling: str) -> float:
        if not allowed(syllable, spelling):
            return 0.0
        return 1.0 if prob is None else prob.get((syllable, spelling), 1e-6)

    n, m = len(syllables), len(english)
    forward = _forward(syllables, english, p)
    total = forward[n][m]
    if not total:
        return {}
    backward = [[0.0] * (m + 1) for _ in range(n + 1)]
    backward[n][m] = 1.0
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            backward[i][j] = sum(
                backward[i + 1][j + k] * p(syllables[i], english[j : j + k])
                for k in range(1, min(MAX_SPELLING, m - j) + 1)
            )
    out: dict[tuple[str, str], float] = defaultdict(float)
    for i in range(n):
        for j in range(m):
            if not forward[i][j]:
                continue
            for k in range(1, min(MAX_SPELLING, m - j) + 1):
                spelling = english[j : j + k]
                w = forward[i][j] * p(syllables[i], spelling) * backward[i + 1][j + k]
                if w:
                    out[(syllables[i], spelling)] += w / total
    return out


def _forward(
    syllables: tuple[str, ...], english: str, p: Callable[[str, str], float]
) -> list[list[float]]:
    """forward[i][j]: the probability that the first i syllables spell the first j letters,
    summed over the ways of cutting them, with `p(syllable, spelling)`."""
    n, m = len(syllables), len(english)
    forward = [[0.0] * (m + 1) for _ in range(n + 1)]
    forward[0][0] = 1.0
    for i in range(1, n + 1):
        for j in range(i, m + 1):
            forward[i][j] = sum(
                forward[i - 1][j - k] * p(syllables[i - 1], english[j - k : j])
                for k in range(1, min(MAX_SPELLING, j) + 1)
                if forward[i - 1][j - k]
            )
    return forward


def _normalised(counts: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    totals: dict[str, float] = defaultdict(float)
    for (syllable, _), count in counts.items():
        totals[syllable] += count
    return {
        key: count / totals[key[0]]
        for key, count in counts.items()
        if count / totals[key[0]] >= MIN_PROBABILITY
    }


# --- the shipped model -----------------------------------------------------------------


class SoundModel:
    """The spellings of each syllable, and the reading of each character of a name."""

    def __init__(
        self,
        readings: dict[str, tuple[str, int]],
        spellings: dict[tuple[str, str], float],
    ) -> None:
        self.readings = readings  # character → (syllable, times seen in a transliteration)
        self.probability = spellings  # (syllable, spelling) → its probability
        self.spellings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for (syllable, spelling), p in spellings.items():
            self.spellings[syllable].append((spelling, p))

    def syllables(self, chinese: str) -> tuple[str, ...] | None:
        """The syllables of a word that may be a transliteration: three to six characters,
        each one that often stands in one. None otherwise (口罩, 王小明)."""
        if not MIN_SYLLABLES <= len(chinese) <= MAX_SYLLABLES or chinese[0] not in self.readings:
            return None
        found = [self.readings.get(c) for c in chinese]
        if any(r is None or r[1] < MIN_SEEN for r in found):
            return None
        return tuple(r[0] for r in found if r)

    def spellings_of(
        self, syllables: tuple[str, ...], has_prefix: Callable[[str], bool]
    ) -> dict[str, float]:
        """Every word of the archive (as far as `has_prefix` tells) the syllables may spell,
        with its log-probability: the sum over its cuts, as in training."""
        states: dict[str, float] = {"": 1.0}
        for syllable in syllables:
            options = self.spellings.get(syllable, [])
            following: dict[str, float] = defaultdict(float)
            for prefix, p in states.items():
                for spelling, q in options:
                    longer = prefix + spelling
                    if longer in following or has_prefix(longer):
                        following[longer] += p * q
            kept = sorted(following.items(), key=lambda kv: -kv[1])[:BEAM]
            states = dict(kept)
        return {word: math.log(p) for word, p in states.items()}

    def best(
        self,
        chinese: str,
        has_prefix: Callable[[str], bool],
        is_word: Callable[[str], bool],
        same_word: Callable[[str], str] = lambda w: w,
    ) -> str | None:
        """The word of the archive a Chinese name most likely spells, when it is likely
        enough and clearly ahead of any other (by `same_word`, its stem: Yukos and yuko
        are one word). None for a word that is no transliteration."""
        syllables = self.syllables(chinese)
        if syllables is None:
            return None
        scored: dict[str, tuple[float, str]] = {}
        for word, logp in self.spellings_of(syllables, has_prefix).items():
            if not spells_a_name(word, len(syllables)) or not is_word(word):
                continue
            key = same_word(word)
            best, written = scored.get(key, (logp, word))
            # The word as articles write it (yukos), rather than its stem (yuko).
            scored[key] = (max(best, logp), written if written != key else word)
        return _clear_winner([(logp, word, len(syllables)) for logp, word in scored.values()])

    def log_probability(self, syllables: tuple[str, ...], english: str) -> float:
        """log P(english | syllables), summed over the ways of cutting the word into one
        spelling per syllable (as in training); -inf when there is none."""
        found = _forward(
            syllables, english, lambda s, spelling: self.probability.get((s, spelling), 0.0)
        )[-1][-1]
        return math.log(found) if found else -math.inf

    def best_chinese(self, english: str, words: Iterable[str]) -> str | None:
        """The Chinese word of the archive most likely written for an English name (Yukos →
        尤科斯), among `words`, by the same rule as `best`. None when the name does not
        look like one spelt by sound, or no word is clearly the likeliest."""
        english = english.lower()
        if not _LETTERS.fullmatch(english) or len(english) < MIN_LETTERS:
            return None
        scored = []
        for chinese in words:
            syllables = self.syllables(chinese)
            if syllables is None or not spells_a_name(english, len(syllables)):
                continue
            if len(english) > MAX_SPELLING * len(syllables) or not allowed(syllables[0], english):
                continue
            logp = self.log_probability(syllables, english)
            if logp > -math.inf:
                scored.append((logp, chinese, len(syllables)))
        return _clear_winner(scored)


def spells_a_name(word: str, syllables: int) -> bool:
    """Whether an English word can be a name spelt by that many syllables: more letters than
    syllables, and a vowel for every other one at least (CST and CSIS are acronyms)."""
    return len(word) > syllables and 2 * len(_VOWEL.findall(word)) >= syllables


def _clear_winner(scored: list[tuple[float, str, int]]) -> str | None:
    """The likeliest of (log-probability, word, syllables), when likely enough for its
    syllables and ahead of the next by `MIN_MARGIN`."""
    ranked = sorted(scored, reverse=True)
    if not ranked or ranked[0][0] < MIN_LOG_PROB * ranked[0][2]:
        return None
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < MIN_MARGIN:
        return None
    return ranked[0][1]


def table_rows(training: Training) -> tuple[list[list[str]], list[list[str]]]:
    """The rows of the two shipped tables, as the build writes them."""
    seen = training.seen()
    readings = [[c, s, str(seen.get(c, 0))] for c, s in training.reading().items()]
    spellings = [
        [syllable, spelling, f"{p:.4g}"]
        for (syllable, spelling), p in sorted(learn(training.examples()).items())
    ]
    return readings, spellings


@lru_cache(maxsize=1)
def sound_model() -> SoundModel | None:
    """The shipped model, read once per process; None in a checkout without the tables."""
    if not (READINGS_TABLE.is_file() and SPELLINGS_TABLE.is_file()):
        return None
    readings = {c: (s, int(n)) for c, s, n in tsv_rows(READINGS_TABLE)}
    spellings = {(s, sp): float(p) for s, sp, p in tsv_rows(SPELLINGS_TABLE)}
    return SoundModel(readings, spellings)
