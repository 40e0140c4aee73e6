"""Main text and metadata from a news page, with BeautifulSoup.

Metadata comes from the most trusted place that has it: JSON-LD, then Open Graph and
``article:`` meta tags, then ``<meta name=…>``, then ``<time datetime>``, then the
text and the URL. The body is the block of the page with the most paragraph text,
minus navigation, scripts, share bars, related links and other boilerplate.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from bs4 import BeautifulSoup, Comment, Tag

from . import encoding

_DROP_TAGS = (
    "script style noscript template nav header footer aside form iframe svg canvas "
    "button select input textarea object embed figure figcaption video audio map"
).split()
_BOILERPLATE = re.compile(
    r"comment|share|social|related|recommend|sidebar|side-bar|footer|masthead|header|"
    r"\bnav|menu|breadcrumb|advert|\bads?\b|\bad-|promo|sponsor|subscribe|newsletter|"
    r"popup|modal|cookie|tags?-list|pagination|copyright|toolbar|widget|hot-?news|rank",
    re.I,
)
_KEEP = re.compile(r"article|content|story|main|post|entry|body|text", re.I)
_BLOCKS = (
    "p div section article main li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr "
    "dd dt dl center"
).split()
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "published_time",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "datepublished",
    "citation_publication_date",
    "og:release_date",
    "article:modified_time",
)
_AUTHOR_META = ("author", "article:author", "byl", "byline", "dc.creator", "parsely-author")
_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting", "report"}
_TITLE_SPLIT = re.compile(r"\s+[|\-–—_·]\s+|_|｜|\s+::\s+")
_URL_DATE = re.compile(r"/(19|20)(\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|\b|_)")
_EN_BYLINE = re.compile(r"^\s*By\s+([A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|and|de|van|von))*)")
_ZH_BYLINE = re.compile(
    r"(?:记者|記者|作者|文|编辑|編輯|责任编辑|責任編輯)\s*[:：／/|丨]?\s*"
    r"([\u4e00-\u9fff·]{2,4}(?:[ 、，,][\u4e00-\u9fff·]{2,4}){0,3})"
)
_ZH_DATE = re.compile(
    r"((?:19|20)\d\d)\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})[:：](\d{2}))?"
)
_ROC_DATE = re.compile(r"民國\s*(\d{2,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


@dataclass
class Page:
    """What a page says about itself."""

    title: str = ""
    body: str = ""
    url: str | None = None
    author: str | None = None
    source: str | None = None
    published: datetime | None = None
    lang: str | None = None


def extract_html(data: bytes, url: str | None = None, declared: str | None = None) -> Page:
    """Decode and read a page. Raises UnicodeError when it cannot be decoded cleanly."""
    text = encoding.decode(data, declared or encoding.declared_charset(data))
    soup = BeautifulSoup(text, "lxml")
    page = Page()
    ld = _json_ld(soup)
    metas = _metas(soup)

    page.url = _canonical(soup, metas, ld) or url
    page.lang = _lang(soup)
    page.source = _clean(
        metas.get("og:site_name") or _ld_name(ld.get("publisher")) or _host(page.url or url)
    )
    page.published = _published(soup, metas, ld, page.url or url)

    h1 = soup.find("h1")
    h1_text = _squash(h1.get_text(" ")) if isinstance(h1, Tag) else ""
    page.title = _title(soup, metas, ld, h1_text, page.source)

    author = _ld_name(ld.get("author")) or next(
        (metas[k] for k in _AUTHOR_META if metas.get(k) and not metas[k].startswith("http")),
        None,
    )
    _strip_boilerplate(soup)
    main = _main_block(soup)
    page.body = _block_text(main) if main is not None else ""
    if page.title and page.body.startswith(page.title):
        page.body = page.body[len(page.title) :].lstrip()
    if not author:
        author = _byline(page.body)
    page.author = _clean(author)
    if page.published is None:
        page.published = _text_date(page.body[:600])
    return page


# --- metadata ------------------------------------------------------------------------


def _json_ld(soup: BeautifulSoup) -> dict[str, Any]:
    """The first JSON-LD object of an article type (searching @graph and lists)."""
    for script in soup.find_all("script", type=re.compile(r"ld\+json", re.I)):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                kind = item.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(str(k).lower() in _ARTICLE_TYPES for k in kinds):
                    return item
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [])
    return {}


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_ld_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _metas(soup: BeautifulSoup) -> dict[str, str]:
    out: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if isinstance(key, str) and isinstance(content, str) and content.strip():
            out.setdefault(key.strip().lower(), content.strip())
    return out


def _canonical(soup: BeautifulSoup, metas: dict[str, str], ld: dict[str, Any]) -> str | None:
    link = soup.find("link", rel=lambda v: bool(v) and "canonical" in v)
    href = link.get("href") if isinstance(link, Tag) else None
    for candidate in (href, metas.get("og:url"), ld.get("url")):
        if isinstance(candidate, str) and candidate.startswith(("http://", "https://")):
            return candidate.strip()
    return None


def _lang(soup: BeautifulSoup) -> str | None:
    html = soup.find("html")
    lang = html.get("lang") if isinstance(html, Tag) else None
    if isinstance(lang, str) and lang:
        return "zh" if lang.lower().startswith("zh") else lang.lower()[:2]
    return None


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None


def _published(
    soup: BeautifulSoup, metas: dict[str, str], ld: dict[str, Any], url: str | None
) -> datetime | None:
    candidates: list[Any] = [ld.get("datePublished"), ld.get("dateCreated")]
    candidates += [metas.get(k) for k in _DATE_META]
    time_tag = soup.find("time", datetime=True)
    if isinstance(time_tag, Tag):
        candidates.append(time_tag.get("datetime"))
    for value in candidates:
        if isinstance(value, str):
            parsed = _text_date(value)
            if parsed:
                return parsed
    if url:
        match = _URL_DATE.search(url)
        if match:
            try:
                return datetime(int(match[1] + match[2]), int(match[3]), int(match[4]))
            except ValueError:
                pass
    return None


def _text_date(text: str) -> datetime | None:
    """The first date written in text: ISO and Chinese forms, ROC (民國) years."""
    roc = _ROC_DATE.search(text)
    match = _ZH_DATE.search(text)
    if roc and (not match or roc.start() < match.start()):
        try:
            return datetime(int(roc[1]) + 1911, int(roc[2]), int(roc[3]))
        except ValueError:
            return None
    if not match:
        return None
    try:
        return datetime(
            int(match[1]), int(match[2]), int(match[3]), int(match[4] or 0), int(match[5] or 0)
        )
    except ValueError:
        return None


def _title(
    soup: BeautifulSoup,
    metas: dict[str, str],
    ld: dict[str, Any],
    h1_text: str,
    source: str | None,
) -> str:
    head = soup.find("title")
    head_text = _squash(head.get_text(" ")) if isinstance(head, Tag) else ""
    # An <h1> that the <title> repeats is the headline without the site name.
    if h1_text and head_text and h1_text in head_text:
        return h1_text
    for candidate in (ld.get("headline"), metas.get("og:title"), metas.get("twitter:title")):
        if isinstance(candidate, str) and candidate.strip():
            return _strip_site(_squash(candidate), source)
    if head_text:
        return _strip_site(head_text, source)
    return h1_text


def _strip_site(title: str, source: str | None) -> str:
    parts = [p for p in _TITLE_SPLIT.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    if source:
        kept = [p for p in parts if source.lower() not in p.lower()]
        if kept and len(kept) < len(parts):
            parts = kept
    if len(parts) == 1:
        return parts[0].strip()
    # The headline is the long part; site and section names are short.
    longest = max(parts, key=len)
    return longest.strip() if len(longest) >= 0.5 * len(title) - 3 else parts[0].strip()


def _byline(body: str) -> str | None:
    head = body[:400]
    for line in head.split("\n")[:6]:
        match = _EN_BYLINE.match(line)
        if match and len(line) < 120:
            return match.group(1)
    match = _ZH_BYLINE.search(head)
    return match.group(1) if match else None


# --- main text -----------------------------------------------------------------------


def _strip_boilerplate(soup: BeautifulSoup) -> None:
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body", "article", "main"):
            continue
        attrs = tag.attrs or {}
        label = " ".join(
            [" ".join(attrs.get("class") or []), str(attrs.get("id") or "")]
        ).strip()
        if label and _BOILERPLATE.search(label) and not _KEEP.search(label):
            tag.decompose()


def _main_block(soup: BeautifulSoup) -> Tag | None:
    """The element holding the article: schema.org articleBody, <article>, or most paragraph text."""
    marked = soup.find(attrs={"itemprop": "articleBody"})
    if isinstance(marked, Tag) and len(marked.get_text(strip=True)) > 100:
        return marked
    articles = [a for a in soup.find_all("article") if len(a.get_text(strip=True)) > 100]
    if articles:
        return max(articles, key=lambda a: len(a.get_text(strip=True)))
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    for para in soup.find_all(["p", "br"]):
        parent = para.parent
        if not isinstance(parent, Tag):
            continue
        text_len = len(para.get_text(strip=True)) if para.name == "p" else 0
        if para.name == "br":
            text_len = len(_squash(str(para.next_sibling or "")))
        if text_len < 10:
            continue
        for ancestor, share in ((parent, 1.0), (parent.parent, 0.4)):
            if isinstance(ancestor, Tag):
                key = id(ancestor)
                tags[key] = ancestor
                scores[key] = scores.get(key, 0.0) + text_len * share
    if scores:
        return tags[max(scores, key=lambda k: scores[k])]
    body = soup.find("body")
    return body if isinstance(body, Tag) else None


def _block_text(root: Tag) -> str:
    for br in root.find_all("br"):
        br.replace_with("\n")
    for tag in root.find_all(_BLOCKS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    lines = [_squash(line) for line in root.get_text().split("\n")]
    paragraphs: list[str] = []
    for line in lines:
        if line:
            paragraphs.append(line)
    return "\n".join(paragraphs)


_SPACES = re.compile(r"[ \t\u00a0\u3000\u200b\r\f\v]+")


def _squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = _squash(value)
    return value or None
