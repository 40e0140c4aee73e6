"""The article record every reader produces and every later stage consumes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Article:
    """One news article, as read from a file, a JSON line or a web-archive record."""

    id: str
    title: str
    body: str
    url: str | None = None
    author: str | None = None
    source: str | None = None
    published: datetime | None = None
    lang: str = "en"  # "en" or "zh"
    script: str | None = None  # "hans" / "hant" for Chinese
    location: str = ""  # where it was read: path, path:line, or path#offset

    @property
    def language_tag(self) -> str:
        """BCP 47 tag: en, zh-Hans or zh-Hant."""
        if self.lang == "zh" and self.script:
            return "zh-" + self.script.capitalize()
        return self.lang

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (dates as ISO strings)."""
        data = asdict(self)
        data["published"] = format_date(self.published)
        data["lang"] = self.language_tag
        del data["script"]
        return data


@dataclass(frozen=True)
class ItemError:
    """An input item that could not be read: where, and why."""

    location: str
    reason: str
    skipped: bool = False  # True: deliberately passed over (not an article), not a failure
    details: dict[str, int] | None = field(default=None, compare=False)  # e.g. WARC record counts

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "location": self.location,
            "reason": self.reason,
            "skipped": self.skipped,
        }
        if self.details:
            data["details"] = self.details
        return data


def format_date(value: datetime | None) -> str | None:
    """ISO date, with the time only when the source gave one."""
    if value is None:
        return None
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.date().isoformat()
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """ "1 article", "2 articles" (nouns: the plural when not noun + "s")."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"
