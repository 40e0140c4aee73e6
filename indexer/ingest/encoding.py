"""Bytes to text: byte-order marks, declared charsets, then detection; never mojibake."""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Declared names that real pages use for a wider encoding than they say.
_WIDER = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in <meta charset> or http-equiv, from its first 4 KiB."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace").lower() if match else None


def normalise(name: str) -> str | None:
    """A Python codec name for a declared charset, widened where pages lie; None if unknown."""
    name = name.strip().lower()
    name = _WIDER.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode bytes strictly: BOM, declared charset, UTF-8, then charset detection.

    Raises UnicodeError when nothing decodes cleanly.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec)
    tried: list[str] = []
    for name in (declared, "utf-8"):
        candidate = normalise(name) if name else None
        if candidate and candidate not in tried:
            tried.append(candidate)
            try:
                return data.decode(candidate)
            except UnicodeDecodeError:
                pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UnicodeError("no character encoding decodes this text cleanly")
    codec = normalise(best.encoding) or best.encoding
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        raise UnicodeError(f"text is not valid {best.encoding}") from None
