"""Numbers in Chinese text: 三人 and 3人, 第三届 and 第3届 are the same words.

Chinese news writes counts both ways, often in one story ("一家三人中风" in one paper,
"1家3中風" in another), and the segmenter cuts them differently (一家 is one word, 1/家
two), so neither form finds the other. A count is a run of numerals before a measure word
(人, 家, 年, 届…) or after 第; `other_number_form` writes it the other way. A numeral run
elsewhere is part of a word (统一, 一样, 十分, 万一) and stays as it is.
"""

from __future__ import annotations

import re

_DIGITS = "零一二三四五六七八九"
_VALUE = {ch: i for i, ch in enumerate(_DIGITS)} | {"〇": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}
#: Measure words a count stands before. Left out on purpose: 分 (十分 "very"), 起 (一起
#: "together"), 点 (一点 "a little"), 些 and 样, whose numeral is part of a common word.
MEASURES = "人名位个家户所座栋间条项件次届年月日天周岁号倍辆架艘只头匹种批例场轮局成"
_NUMERAL_CHARS = f"{_DIGITS}〇两十百千"
#: A count in numerals: a whole run of them before a measure word, or after 第.
_CHINESE_COUNT = re.compile(
    rf"(?<![{_NUMERAL_CHARS}])([{_NUMERAL_CHARS}]+)(?=[{MEASURES}])|(?<=第)([{_NUMERAL_CHARS}]+)"
)
_DIGIT_COUNT = re.compile(
    rf"(?<![0-9.])([0-9]{{1,4}})(?=[{MEASURES}])|(?<=第)([0-9]{{1,4}})(?![0-9.])"
)


def chinese_number(numeral: str) -> int | None:
    """The value of a Chinese numeral below 10,000 (三 3, 二十三 23, 一百零五 105, 两千
    2000, 一九八七 1987), or None when the run is not a number."""
    if not numeral:
        return None
    if all(ch in _VALUE for ch in numeral):
        if len(numeral) > 1 and numeral[0] in "零〇":
            return None
        return int("".join(str(_VALUE[ch]) for ch in numeral))
    total, digit, last_unit = 0, None, 10_000
    for ch in numeral:
        if ch in _VALUE:
            if digit is not None and _VALUE[ch] != 0:
                return None  # 三四十: two digits in a row inside a positional number
            digit = _VALUE[ch] if _VALUE[ch] else None
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit >= last_unit:
                return None
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            return None
    return total + (digit or 0)


def chinese_numeral(value: int) -> str:
    """A number below 10,000 as Chinese writes a count: 3 三, 10 十, 23 二十三, 105 一百零五."""
    if value < 10:
        return _DIGITS[value]
    out: list[str] = []
    for unit, name in ((1000, "千"), (100, "百"), (10, "十")):
        digit, value = divmod(value, unit)
        if digit:
            out.append(("" if unit == 10 and not out and digit == 1 else _DIGITS[digit]) + name)
        elif out and value:
            out.append("零")
    if value:
        out.append(_DIGITS[value])
    return "".join(out).replace("零零", "零")


def other_number_form(word: str) -> str | None:
    """The word with its counts written the other way (一家 → 1家, 第3届 → 第三届), or None
    when it holds no count."""

    def to_digits(match: re.Match[str]) -> str:
        numeral = match.group(1) or match.group(2)
        value = chinese_number(numeral)
        return numeral if value is None else str(value)

    def to_chinese(match: re.Match[str]) -> str:
        digits = match.group(1) or match.group(2)
        value = int(digits)
        if len(digits) == 4 and word[match.end() : match.end() + 1] == "年":
            return "".join("〇" if d == "0" else _DIGITS[int(d)] for d in digits)  # 二〇二〇年
        if value >= 100:
            return digits  # larger counts are written in digits either way
        if match.group(1) and value == 2:
            return "两"  # 2人 is 两人 before a measure word; 第2 is 第二
        return chinese_numeral(value)

    other = _CHINESE_COUNT.sub(to_digits, word)
    if other == word:
        other = _DIGIT_COUNT.sub(to_chinese, word)
    return other if other != word else None
