"""Interface language: English, Simplified or Traditional Chinese, with Flask-Babel.

Chosen, in order, from the `hl` URL parameter (so a link can fix the language), the
`hl` cookie the switcher leaves, then the browser's Accept-Language.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext

from indexer.errors import NewsArchiveError, QueryError

#: URL value (BCP 47) -> gettext catalog (webapp/translations/<name>/LC_MESSAGES).
LOCALES = {"en": "en", "zh-Hans": "zh_Hans", "zh-Hant": "zh_Hant"}
#: How each interface language names itself in the switcher.
NAMES = {"en": "English", "zh-Hans": "简体中文", "zh-Hant": "繁體中文"}
COOKIE = "hl"
_TRADITIONAL_REGIONS = ("tw", "hk", "mo", "hant")


def requested_hl() -> str | None:
    """The `hl` URL parameter when it names an interface language; 400 when it does not."""
    hl = request.args.get("hl")
    if hl in (None, ""):
        return None
    if hl not in LOCALES:
        raise QueryError("{name} must be one of {values}", name="hl", values=", ".join(LOCALES))
    return hl


def current_hl() -> str:
    """The interface language of this request, as a BCP 47 tag (en, zh-Hans, zh-Hant)."""
    hl = request.args.get("hl") or request.cookies.get(COOKIE)
    if hl in LOCALES:
        return str(hl)
    for value, _quality in request.accept_languages:
        tag = from_accept_language(value)
        if tag:
            return tag
    return "en"


def from_accept_language(value: str) -> str | None:
    """en-GB -> en; zh, zh-CN, zh-SG, zh-Hans -> zh-Hans; zh-TW, zh-HK, zh-Hant -> zh-Hant."""
    parts = value.lower().replace("_", "-").split("-")
    if parts[0] == "en":
        return "en"
    if parts[0] == "zh":
        return "zh-Hant" if any(p in _TRADITIONAL_REGIONS for p in parts[1:]) else "zh-Hans"
    return None


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    return LOCALES[current_hl()]


def error_text(exc: NewsArchiveError) -> str:
    """A library error's message in the interface language (its template translated, then
    filled in); English when the catalog does not know it."""
    template = gettext(exc.template) if exc.template else str(exc)
    try:
        return template.format(**exc.params) if exc.params else template
    except (KeyError, IndexError, ValueError):  # a translation that lost a field
        return str(exc)
