"""Main text and metadata from a news page, with BeautifulSoup.

Metadata comes from the most trusted place that has it: JSON-LD, then Open Graph and
``article:`` meta tags, then ``<meta name=…>``, then ``<time datetime>`` and dated
microformats, then the URL, then the text around the headline (bylines, dates written
in English, Chinese or with 民國 years). The body is the block of the page with the most
paragraph text, minus navigation, scripts, share bars, related links and other
boilerplate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bs4 import BeautifulSoup, Tag

from indexer.ingest import encoding
from indexer.ingest.dates import first_date
from indexer.ingest.html_metadata import (
    MODIFIED_META,
    byline_tag,
    canonical,
    editor_byline,
    first_parsed,
    headline_tag,
    is_org,
    json_ld,
    ld_name,
    meta_author,
    meta_tags,
    org_names,
    page_lang,
    page_title,
    published,
    source_byline,
    text_around,
    url_host,
    writer_byline,
)
from indexer.ingest.html_text import block_text, clean, main_block, squash, strip_boilerplate


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
    return extract_text_html(text, url)


def extract_text_html(text: str, url: str | None = None) -> Page:
    """Read a page that is already text."""
    soup = BeautifulSoup(text, "lxml")
    page = Page()
    ld = json_ld(soup)
    metas = meta_tags(soup)
    for tag in soup.find_all(["script", "style", "noscript", "template"]):
        tag.decompose()

    page.url = canonical(soup, metas, ld) or url
    page.lang = page_lang(soup)
    page.source = clean(
        metas.get("og:site_name") or ld_name(ld.get("publisher")) or url_host(page.url or url)
    )
    page.title = page_title(soup, metas, ld, page.source, url_host(page.url or url))
    heading = headline_tag(soup, page.title)
    around = text_around(heading) if heading is not None else ""

    page.published = published(soup, metas, ld, [page.url, url], around)
    # Authors in order of trust: a person in the metadata, a writer's byline, the
    # editor news sites print under the article, a publication named as author, and
    # last the 来源 (where a reprint came from).
    author = meta_author(metas, ld)
    orgs = org_names(soup, metas, page.source)
    person = author if author and not is_org(author, orgs) else None
    if not person:
        person = byline_tag(soup, orgs) or writer_byline(around)
    page_text = squash(soup.body.get_text(" ")) if isinstance(soup.body, Tag) else ""

    strip_boilerplate(soup, heading)
    main = main_block(soup)
    page.body = block_text(main) if main is not None else ""
    if page.title and page.body.startswith(page.title):
        page.body = page.body[len(page.title) :].lstrip()
    if not person:
        person = writer_byline(page.body[:400])
    if not person:
        person = editor_byline(page_text)
    if not person and author:
        person = author
    if not person:
        person = source_byline(around) or source_byline(page_text)
    page.author = clean(person)
    if page.published is None:
        page.published = first_date(page.body[:600])
    if page.published is None:
        page.published = first_parsed(metas.get(k.lower()) for k in MODIFIED_META)
    return page
