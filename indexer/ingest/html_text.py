"""The main text of a news page: the block with the most paragraph text, minus
navigation, scripts, share bars, related links and other boilerplate."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, Comment, NavigableString, Tag


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Never article text.


_DROP_TAGS = word_set(
    "script style noscript template nav aside iframe svg canvas button select input "
    "textarea object embed video audio map figcaption"
)
# Page furniture, dropped when the tag itself is page furniture.
_FURNITURE_TAGS = ("header", "footer", "figure")
# Class or id names of boilerplate that is dropped however much text it holds.
_BOILERPLATE = re.compile(
    r"comment|related|recommend|sidebar|side-bar|footer|masthead|\bnav|menu|breadcrumb|"
    r"advert|\bads?\b|\bad-|sponsor|subscribe|newsletter|popup|modal|cookie|pagination|"
    r"copyright|hot-?news|\brank|login|signup|disclaimer",
    re.I,
)
# Class or id names of furniture that is dropped only when it is small or mostly links:
# sites name whole article wrappers "share-area" or "post-header".
_WEAK_BOILERPLATE = re.compile(
    r"share|social|header|toolbar|widget|tags?|promo|topbar|top-bar|print|author-?box",
    re.I,
)
_KEEP = re.compile(r"article|content|story|main|post|entry|body|text|detail", re.I)
BLOCKS = word_set(
    "p div section article main li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr dd dt "
    "dl center form header footer figure"
)
_INLINE = word_set(
    "a span strong b em i u font sup sub small big mark abbr cite code q s strike time "
    "label img br wbr ins del"
)


# --- main text -----------------------------------------------------------------------


def _label(tag: Tag) -> str:
    attrs = tag.attrs or {}
    classes: Any = attrs.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    return " ".join([" ".join(classes), str(attrs.get("id") or "")]).strip()


def _link_density(tag: Tag) -> tuple[int, float]:
    text = len(tag.get_text(strip=True))
    if not text:
        return 0, 1.0
    links = sum(len(a.get_text(strip=True)) for a in tag.find_all("a"))
    return text, links / text


def strip_boilerplate(soup: BeautifulSoup, heading: Tag | None = None) -> None:
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    # The blocks around the headline hold the article, whatever their class names say
    # (a page wrapper named "nosidemenu rightcol" is not a menu).
    around_headline: set[int] = set()
    if heading is not None and heading.name in ("h1", "h2", "h3"):
        around_headline = {id(p) for p in heading.parents}
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body", "article", "main"):
            continue
        label = _label(tag)
        furniture = tag.name in _FURNITURE_TAGS
        if label and _BOILERPLATE.search(label) and not _KEEP.search(label):
            if id(tag) not in around_headline:
                tag.decompose()
        elif furniture or (label and _WEAK_BOILERPLATE.search(label) and not _KEEP.search(label)):
            size, links = _link_density(tag)
            if size < 200 or links > 0.5:
                tag.decompose()


def _own_text(tag: Tag) -> int:
    """Characters of text a block holds itself (text and inline children), links excepted."""
    size = 0
    for child in tag.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, Comment):
                size += len(child.strip())
        elif (
            isinstance(child, Tag)
            and child.name in _INLINE
            and child.name != "a"
            and not child.find(BLOCKS)
        ):
            size += len(child.get_text(strip=True)) - sum(
                len(a.get_text(strip=True)) for a in child.find_all("a")
            )
    return size


def main_block(soup: BeautifulSoup) -> Tag | None:
    """The element holding the article: articleBody, or the block with most paragraph text."""
    marked = soup.find(itemprop="articleBody")
    if isinstance(marked, Tag) and len(marked.get_text(strip=True)) > 100:
        return marked
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}

    def credit(tag: Tag | None, amount: float) -> None:
        if isinstance(tag, Tag) and tag.name not in ("html", "[document]"):
            key = id(tag)
            tags[key] = tag
            scores[key] = scores.get(key, 0.0) + amount

    for block in soup.find_all(["p", "div", "section", "td", "li", "pre", "blockquote", "font"]):
        size = _own_text(block)
        if size < 10:
            continue
        if block.name in ("div", "td", "section", "font") and block.find("br", recursive=False):
            # Text written straight into a container, lines split by <br>: it is the block.
            credit(block, size)
            credit(block.parent, size * 0.4)
        else:
            credit(block.parent, size)
            credit(block.parent.parent if block.parent else None, size * 0.4)
    articles = [a for a in soup.find_all("article") if len(a.get_text(strip=True)) > 100]
    if scores:
        best = tags[max(scores, key=lambda k: scores[k])]
        # An <article> holding the best block is the article, with its headings and lists.
        for article in articles:
            holds = best is article or article in best.parents
            if holds and len(article.get_text(strip=True)) < 3 * len(best.get_text(strip=True)):
                return article
        return best
    if articles:
        return max(articles, key=lambda a: len(a.get_text(strip=True)))
    body = soup.find("body")
    return body if isinstance(body, Tag) else None


def block_text(root: Tag) -> str:
    for br in root.find_all("br"):
        br.replace_with("\n")
    for tag in root.find_all(BLOCKS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    lines = [squash(line) for line in root.get_text().split("\n")]
    return "\n".join(line for line in lines if line)


_SPACES = re.compile(r"[ \t\u00a0\u3000\u200b\r\f\v]+")


def squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def clean(value: str | None) -> str | None:
    if not value:
        return None
    value = squash(value)
    return value or None
