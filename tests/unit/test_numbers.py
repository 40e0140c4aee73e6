"""Counts written in Chinese numerals and in digits are the same words."""

from __future__ import annotations

import pytest

from indexer.analysis.numbers import chinese_number, chinese_numeral, other_number_form


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("一家", "1家"),
        ("三人", "3人"),
        ("两人", "2人"),
        ("二十三人", "23人"),
        ("一百零五人", "105人"),
        ("第三届", "第3届"),
        ("一九八七年", "1987年"),
        ("3人", "三人"),
        ("2人", "两人"),
        ("10人", "十人"),
        ("第2", "第二"),
        ("第3届", "第三届"),
        ("2020年", "二〇二〇年"),
        ("105人", None),  # larger counts are written in digits either way
        ("统一", None),  # a numeral inside a word is part of the word
        ("十分", None),
        ("一样", None),
        ("一起", None),
        ("万一", None),
        ("两岸", None),
        ("三四十人", None),  # not one number
        ("中风", None),
    ],
)
def test_other_number_form(word: str, other: str | None) -> None:
    assert other_number_form(word) == other


def test_numerals_and_digits_round_trip_below_ten_thousand() -> None:
    for value in range(10_000):
        assert chinese_number(chinese_numeral(value)) == value


@pytest.mark.parametrize("run", ["", "十十", "三四十", "零三", "百千"])
def test_runs_that_are_not_numbers(run: str) -> None:
    assert chinese_number(run) is None
