"""The sound model: the English word of the archive a Chinese transliteration spells."""

from __future__ import annotations

from bisect import bisect_left

import pytest

from indexer.analysis.sounds import SoundModel, Training, learn, sound_model


def words_of(*words: str) -> tuple[object, object]:
    """`has_prefix` and `is_word` over some words, as the archive's lexicon gives them."""
    ordered = sorted(words)

    def has_prefix(prefix: str) -> bool:
        at = bisect_left(ordered, prefix)
        return at < len(ordered) and ordered[at].startswith(prefix)

    return has_prefix, set(words).__contains__


@pytest.fixture(scope="module")
def model() -> SoundModel:
    found = sound_model()
    assert found is not None, "the shipped tables are missing"
    return found


@pytest.mark.parametrize(
    ("chinese", "english"),
    [("尤科斯", "yukos"), ("佛罗里达", "florida"), ("哈瓦那", "havana"), ("阿斯马拉", "asmara")],
)
def test_a_transliteration_finds_the_word_it_spells(
    model: SoundModel, chinese: str, english: str
) -> None:
    has_prefix, is_word = words_of(english, "yokes", "flow", "havoc", "asmat", "kiss", "the")
    assert model.best(chinese, has_prefix, is_word) == english  # type: ignore[arg-type]


def test_the_word_as_written_is_kept_beside_its_stem(model: SoundModel) -> None:
    has_prefix, is_word = words_of("yukos", "yuko")
    stem = {"yukos": "yuko"}.get
    found = model.best("尤科斯", has_prefix, is_word, lambda w: stem(w) or w)  # type: ignore[arg-type]
    assert found == "yukos"


@pytest.mark.parametrize(
    ("description", "chinese", "words"),
    [
        ("two characters: too many spellings", "普京", ("putin", "pujing")),
        ("characters that stand in no transliteration", "周敦颐", ("zhou", "joel")),
        ("an acronym is not a name", "科斯特", ("cst", "costa-rica")),
        ("no word of the archive is a likely spelling", "尤科斯", ("yellow", "kansas")),
    ],
)
def test_no_word_for_what_is_no_transliteration(
    model: SoundModel, description: str, chinese: str, words: tuple[str, ...]
) -> None:
    has_prefix, is_word = words_of(*words)
    assert model.best(chinese, has_prefix, is_word) is None, description  # type: ignore[arg-type]


def test_two_likely_words_are_too_close_to_choose(model: SoundModel) -> None:
    has_prefix, is_word = words_of("havana", "hawana")
    assert model.best("哈瓦那", has_prefix, is_word, lambda w: w) is None  # type: ignore[arg-type]


def test_training_learns_spellings_from_transliterated_names_only() -> None:
    training = Training()
    # Rows as cedict_names.tsv gives them: forms, toneless pinyin, English names.
    training.add(["佛罗里达", "佛羅里達"], "fu luo li da", ["Florida"])
    training.add(["高唐"], "gao tang", ["Gaotang"])  # pinyin: no transliteration
    training.add(["比尔·盖茨", "比爾·蓋茨"], "bi er · gai ci", ["Bill Gates"])
    assert training.pairs == {("佛罗里达", "florida"), ("比尔", "bill"), ("盖茨", "gates")}
    assert training.reading()["罗"] == training.reading()["羅"] == "luo"
    spellings = learn(training.examples())
    assert spellings[("fu", "f")] > spellings.get(("fu", "fl"), 0)
    # A spelling starts with a letter the syllable's initial may stand for.
    assert {spelling[0] for (syllable, spelling) in spellings if syllable == "fu"} <= set("fvpw")


def test_an_english_name_finds_the_chinese_word_written_for_it(model: SoundModel) -> None:
    archive = ["尤科斯", "阿斯马拉", "汤普森", "王小明", "口罩"]
    assert model.best_chinese("Yukos", archive) == "尤科斯"
    assert model.best_chinese("Thompson", archive) == "汤普森"
    assert model.best_chinese("Yukos", ["阿斯马拉", "口罩"]) is None  # none spells it
    assert model.best_chinese("Bade", ["比亚迪"]) is None  # too short to tell
    assert model.best_chinese("U.S.", archive) is None
