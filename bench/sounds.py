"""Sound-model benchmark: how often a Chinese transliteration finds the right English word.

    .venv/bin/python bench/sounds.py                 # 500 held-out names, seed 1
    .venv/bin/python bench/sounds.py --held-out 800 --seed 3 --show

The model of `indexer.analysis.sounds` is learnt again here without some of CC-CEDICT's
transliterated names (the held-out set, drawn with the seed), then asked, for each of
them, which word of the archive the Chinese name spells, as a search does: the words are
those of the corpus index that `relevance.py` builds in bench/out/, plus the held-out
name's own English word (so that every name can be found), less common English words and
words in fewer than two articles.

Printed:
- names: held-out names of three characters or more whose characters all count as
  transliteration characters (the model answers for nothing else); given: how many it
  gave a word for; right: how many of those were the name's own word, or a word the
  analyzer makes the same term of (hillary, hilari);
- Chinese names: CC-CEDICT's three-character names of Chinese people and places (their
  English is their pinyin, so any single word is wrong), and how many got a word;
- common words: CC-CEDICT's common words of three or four characters, and how many got a
  word. This asks the model alone: a search never asks it about a word of the terms
  table, which these all are.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import relevance  # noqa: E402

from indexer.analysis import sounds  # noqa: E402
from indexer.analysis.names import CEDICT_TABLE, cedict_terms, name_table, read_table  # noqa: E402
from indexer.analysis.tokens import english_term  # noqa: E402
from indexer.search import expand  # noqa: E402


class WithWord:
    """A reader whose body also holds one more word in two articles."""

    def __init__(self, reader: object, word: str) -> None:
        self.reader = reader
        self.word = word

    def leaf_readers(self) -> object:
        return self.reader.leaf_readers()  # type: ignore[attr-defined]

    def doc_frequency(self, field: str, word: str) -> int:
        if word == self.word:
            return 2
        return self.reader.doc_frequency(field, word)  # type: ignore[attr-defined]


class LexiconWith(expand.Lexicon):
    """The archive's words and one more."""

    def __init__(self, base: expand.Lexicon, word: str) -> None:
        self.leaves = base.leaves
        self.lists = [*base.lists, [word]]


def tally(counts: tuple[int, int], found: object, right: object) -> tuple[int, int]:
    """(given, right) counted on with one answer."""
    return counts[0] + (found is not None), counts[1] + bool(right)


def names_line(asked: int, given: int, right: int) -> str:
    return (
        f"names          asked {asked:4}  given {given:4}  right {right:4}"
        f"  ({right / max(given, 1):.2f} of those given, {given / max(asked, 1):.2f} answered)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--held-out", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", action="store_true", help="print every answer")
    args = ap.parse_args(argv)

    archive = relevance.build_ours(relevance.CORPUS, relevance.OUT / "index", False)
    reader = archive.searcher().reader()
    table = name_table(archive.current_dir(), archive.settings.aliases)

    training = sounds.Training()
    chinese_names: set[str] = set()
    in_pinyin: set[str] = set()  # Chinese places and people by their pinyin (Gaotang)
    for simp, trad, pinyin, names in read_table(CEDICT_TABLE):
        training.add([simp, trad], pinyin, [name for name, _ in names])
        spelt = pinyin.replace(" ", "").lower()
        if len(simp) == 3 and any(
            len(n.split()) == 2 and n.replace(" ", "").lower() == spelt for n, _ in names
        ):
            chinese_names.add(simp)
        in_pinyin.update(n for n, _ in names if n.isalpha() and n.lower() == spelt)
    pairs = sorted(training.pairs)
    random.Random(args.seed).shuffle(pairs)
    held, kept = pairs[: args.held_out], pairs[args.held_out :]
    training.pairs = set(kept)
    t0 = time.perf_counter()
    readings, spellings = sounds.table_rows(training)
    learnt = time.perf_counter() - t0
    model = sounds.SoundModel(
        {c: (s, int(n)) for c, s, n in readings},
        {(s, sp): float(p) for s, sp, p in spellings},
    )

    words_of_archive = expand.Lexicon(reader)
    transliterations = words_of_archive.select("bench", lambda w: bool(model.syllables(w)))

    def answer(chinese: str, english: str = "") -> str | None:
        lexicon = LexiconWith(words_of_archive, english)
        found = expand._by_sound(chinese, table, WithWord(reader, english), model, lexicon)
        return found[0].lower() if found else None

    def answer_chinese(english: str, chinese: str = "") -> str | None:
        found = expand._chinese_by_sound(
            english,
            (english_term(english),),
            table,
            WithWord(reader, chinese),
            model,
            [*transliterations, chinese] if chinese else transliterations,
        )
        return found[0] if found else None

    # The held-out names the model answers for, each with its own word in the archive,
    # asked both ways: (given, right) Chinese -> English and English -> Chinese.
    asked = [(c, e) for c, e in held if model.syllables(c) is not None]
    forth = back = (0, 0)
    for chinese, english in asked:
        found = answer(chinese, english)
        forth = tally(forth, found, found and english_term(found) == english_term(english))
        found_back = answer_chinese(english, chinese)
        back = tally(back, found_back, found_back == chinese)
        if args.show:
            print(f"{chinese}\t{english}\t{found}\t{found_back}")

    rng = random.Random(args.seed)
    people = rng.sample(sorted(chinese_names), min(500, len(chinese_names)))
    people_asked = [c for c in people if model.syllables(c) is not None]
    people_given = [(c, a) for c in people_asked if (a := answer(c))]
    words = sorted(w for w in cedict_terms().to_english if 3 <= len(w) <= 4)
    common = rng.sample(words, min(2000, len(words)))
    common_asked = [c for c in common if model.syllables(c) is not None]
    common_given = [(c, a) for c in common_asked if (a := answer(c))]

    pinyin = rng.sample(sorted(in_pinyin), min(500, len(in_pinyin)))
    pinyin_given = [(e, a) for e in pinyin if (a := answer_chinese(e))]

    print(f"model learnt from {len(kept)} names in {learnt:.1f} s; {len(held)} held out")
    print("Chinese -> English")
    print(names_line(len(asked), *forth))
    for label, asked_of, given_of in (
        ("Chinese names", people_asked, people_given),
        ("common words ", common_asked, common_given),
    ):
        print(f"{label}  asked {len(asked_of):4}  given {len(given_of):4}  {given_of[:5]}")
    print("English -> Chinese")
    print(names_line(len(asked), *back))
    print(f"pinyin names   asked {len(pinyin):4}  given {len(pinyin_given):4}  {pinyin_given[:5]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
