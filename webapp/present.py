"""Small presentation helpers the templates call: links that keep the page's state, labels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from indexer.search.expand import REGIONAL, TRANSLATION, Explanation
from indexer.search.forms import form_query

from . import i18n

#: Parameters that describe a search; a link to another state of the page keeps them.
SEARCH_PARAMS = ("q", "from", "to", "source", "lang", "year", "sort", "limit", "hl", "expand")
PAGE_WINDOW = 3


def search_url(endpoint: str = "ui.search_page", _external: bool = False, **changes: Any) -> str:
    """This search with some parameters changed (None removes one); paging restarts."""
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k in SEARCH_PARAMS and v != ""}
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(endpoint, _external=_external, **args)


def switch_hl_url(hl: str) -> str:
    """The current page in another interface language."""
    args: dict[str, Any] = dict(request.args.items())
    args.update(request.view_args or {})
    args["hl"] = hl
    return url_for(request.endpoint or "ui.search_page", **args)


def web_url(url: str | None) -> str | None:
    """A link target only for http(s) URLs: a stored javascript: or data: URL is never linked."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


def language_name(tag: str | None) -> str:
    """An article language tag as the reader's interface names it."""
    names = {
        "en": _("English"),
        "zh": _("Chinese"),
        "zh-Hans": _("Chinese (Simplified)"),
        "zh-Hant": _("Chinese (Traditional)"),
    }
    return names.get(tag or "", tag or _("unknown"))


def versions(hit: Any) -> int:
    """How many versions of the story a hit stands for (1 when duplicates are not grouped)."""
    for name in ("versions", "group_size", "group_count", "duplicates"):
        value = getattr(hit, name, None)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, list | tuple):
            return len(value) + (0 if name == "versions" else 1)
    return 1


def explanation(hit: Any) -> list[str]:
    """Why a hit matched, as readable lines in the interface language: the search's own
    explanation when it gives one."""
    given = getattr(hit, "explanation", None)
    if given:
        return [_line(item) for item in _as_list(given)]
    matched = hit.to_dict().get("matched") or []
    return [_("matched %(words)s", words=", ".join(matched))] if matched else []


def _as_list(value: Any) -> Iterable[Any]:
    return value if isinstance(value, list | tuple) else [value]


def _line(item: Any) -> str:
    if isinstance(item, Explanation):
        if item.kind == TRANSLATION:
            return _(
                "matched %(form)s, a translation of %(query)s", form=item.form, query=item.for_
            )
        if item.kind == REGIONAL:
            return _(
                "matched %(form)s, the other region's word for %(query)s",
                form=item.form,
                query=item.for_,
            )
        return _("matched %(form)s for %(query)s", form=item.form, query=item.for_)
    if isinstance(item, dict):
        return str(item.get("text") or item.get("message") or ", ".join(map(str, item.values())))
    return str(item)


def suggestions(page: Any) -> list[str]:
    """'Did you mean' queries the search offers (strings or {"query": …} objects)."""
    out = []
    for item in getattr(page, "suggestions", None) or []:
        text = item.get("query") or item.get("text") if isinstance(item, dict) else item
        if text:
            out.append(str(text))
    return out


def page_numbers(page: Any, max_offset: int = 10_000) -> list[int | None]:
    """Page numbers around the current one, None where a gap is elided."""
    last = min((page.total - 1) // page.limit, max_offset // page.limit) + 1
    current = page.offset // page.limit + 1
    shown = {1, last} | set(
        range(max(1, current - PAGE_WINDOW), min(last, current + PAGE_WINDOW) + 1)
    )
    out: list[int | None] = []
    previous = 0
    for n in sorted(shown):
        if n - previous > 1:
            out.append(None)
        out.append(n)
        previous = n
    return out


def bar_chart(
    counts: list[tuple[str, int]], width: int = 640, height: int = 150, labels: int = 12
) -> list[dict[str, Any]]:
    """Geometry of an SVG column chart: one bar per value, with a label on every nth bar."""
    if not counts:
        return []
    top = max(n for _, n in counts) or 1
    step = width / len(counts)
    every = max(1, -(-len(counts) // labels))
    bars = []
    for i, (value, n) in enumerate(counts):
        h = max(1.0, n / top * (height - 20))
        bars.append(
            {
                "value": value,
                "count": n,
                "x": round(i * step + step * 0.1, 1),
                "y": round(height - 20 - h, 1),
                "width": round(step * 0.8, 1),
                "height": round(h, 1),
                "label_x": round(i * step + step / 2, 1),
                "label": i % every == 0 or i == len(counts) - 1,
            }
        )
    return bars


def language_count(tag: str, count: int) -> str:
    """ "Simplified 35": how many articles of one language hold a name's form."""
    names = {"en": _("English"), "zh-Hans": _("Simplified"), "zh-Hant": _("Traditional")}
    return _("%(lang)s %(num)d", num=count, lang=names.get(tag, tag))


def timeline_counts(page: Any) -> list[tuple[str, int]]:
    """The result page's timeline as (period, count) pairs for `bar_chart`."""
    return [(bar.period, bar.count) for bar in getattr(page, "timeline", None) or []]


def timeline_url(period: str) -> str:
    """This search narrowed to one bar of its timeline: a year, or a month (YYYY-MM)."""
    if len(period) == 4:
        return search_url(year=period)
    month: dict[str, Any] = {"from": period, "to": period}
    return search_url(**month)


GLOBALS = {
    "language_count": language_count,
    "timeline_counts": timeline_counts,
    "timeline_url": timeline_url,
    "form_query": form_query,
    "bar_chart": bar_chart,
    "search_url": search_url,
    "switch_hl_url": switch_hl_url,
    "language_name": language_name,
    "web_url": web_url,
    "versions": versions,
    "explanation": explanation,
    "suggestions": suggestions,
    "page_numbers": page_numbers,
    "current_hl": i18n.current_hl,
    "interface_languages": i18n.NAMES,
}
