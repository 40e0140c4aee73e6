"""Width and script folding that keeps a map back to the original text.

Kept apart from the analyzer so that parsing (language and script detection) can use
it without importing the index engine.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any

# CJK unified ideographs (basic, extension A, compatibility, extensions B-H).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f"
_HAN_CHAR = re.compile(rf"[{HAN}]")
_LETTER = re.compile(r"[^\W\d_]")


#: The dot between the parts of a transliterated name (比尔·盖茨, 比爾‧蓋茲), which articles
#: also leave out; the analyzer drops every one of them.
INTERPUNCT = re.compile("[·・‧•]")


def without_interpunct(text: str) -> str:
    return INTERPUNCT.sub("", text)


def has_han(text: str) -> bool:
    """Whether text contains at least one Han character."""
    return _HAN_CHAR.search(text) is not None


class _CharFold(dict[int, str]):
    """A str.translate table: code point → its NFKC form, filled on first sight."""

    def __missing__(self, code: int) -> str:
        folded = unicodedata.normalize("NFKC", chr(code))
        self[code] = folded
        return folded


_CHAR_FOLD = _CharFold()
# Marks that compose with the character before them: these need the careful path.
_COMBINING = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0900-\u0903"
    "\u093a-\u094f\u1100-\u11ff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u302a-\u302f"
    "\u3099\u309a\ufe20-\ufe2f]"
)


def _nfkc_with_map(text: str) -> tuple[str, list[int] | None]:
    """NFKC-fold text; when lengths change, also return folded index → original index."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text, None
    if not _COMBINING.search(text):
        # Character by character through a cached table: one C loop, no Python per char.
        folded = text.translate(_CHAR_FOLD)
        if len(folded) == len(text):
            return folded, None
    pieces: list[str] = []
    origin: list[int] = []
    i, n = 0, len(text)
    while i < n:
        # Normalise a base character together with the combining marks that follow it.
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        folded = unicodedata.normalize("NFKC", text[i:j])
        pieces.append(folded)
        if len(folded) == j - i:
            origin.extend(range(i, j))
        else:
            origin.extend([i] * len(folded))
        i = j
    folded_text = "".join(pieces)
    if len(folded_text) == n and origin == list(range(n)):
        return folded_text, None
    return folded_text, origin


_opencc_local = threading.local()


def _opencc() -> Any:
    converter = getattr(_opencc_local, "converter", None)
    if converter is None:
        import opencc

        converter = opencc.OpenCC("t2s")
        _opencc_local.converter = converter
    return converter


def to_simplified(text: str) -> str:
    """Traditional → Simplified with OpenCC, keeping one output character per input character."""
    if not has_han(text):
        return text
    converted: str = _opencc().convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase rule changed the length: convert character by character to stay aligned.
    return "".join(_char_to_simplified(ch) for ch in text)


@lru_cache(maxsize=65536)
def _char_to_simplified(ch: str) -> str:
    out: str = _opencc().convert(ch)
    return out if len(out) == 1 else ch


@lru_cache(maxsize=8)
def fold(text: str) -> tuple[str, list[int] | None]:
    """Width- and script-fold text; return it with a folded→original index map (None: same).

    Cached for the last few texts: indexing folds each field once for its words and
    again for its characters. Callers must not change the map."""
    folded, origin = _nfkc_with_map(text)
    return to_simplified(folded), origin


def detect_language(text: str) -> tuple[str, str | None]:
    """('en', None), ('zh', 'hans') or ('zh', 'hant') from the letters of text."""
    sample = text[:20000]
    han = _HAN_CHAR.findall(sample)
    letters = len(_LETTER.findall(sample))
    # Han characters carry a word's worth of meaning each: weigh them against words, not letters.
    if not han or len(han) * 4 < letters - len(han):
        return "en", None
    han_text = "".join(han)
    changed = sum(a != b for a, b in zip(han_text, to_simplified(han_text), strict=True))
    return "zh", ("hant" if changed >= max(2, len(han) * 0.04) else "hans")
