"""What a news page says about itself: canonical URL, language, title without the site's
name, author and publication date, from the most trusted place that has them."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from indexer.ingest.dates import first_date
from indexer.ingest.html_text import BLOCKS, squash, word_set

_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "firstpublishedtime",
    "date",
    "dc.date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.created",
    "dcterms.issued",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "citation_publication_date",
    "og:release_date",
)
MODIFIED_META = ("article:modified_time", "og:updated_time", "lastmodifiedtime", "dateModified")
_AUTHOR_META = ("author", "article:author", "byl", "byline", "dc.creator", "parsely-author")
_ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "blogposting",
    "report",
    "webpage",
}
_TITLE_SPLIT = re.compile(r"\s+[|\-–—_·:»«›‹~]{1,2}\s+|_+|｜|\s*[»«›‹]\s*|\s+::\s+|——")
_URL_DATE = re.compile(r"/(19|20)(\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|\b|_)")
_NAME_WORD = r"[A-Z][\w.'’-]*"
_EN_BYLINE = re.compile(
    rf"(?:^|[\s|(])(?:By|BY|by)\s+(?:the\s+)?({_NAME_WORD}(?:\s+(?:{_NAME_WORD}|and|de|da|van|von|der|la|le|bin)){{0,5}})"
)
_HAN_NAME = r"[\u4e00-\u9fff·•]{2,4}"
# Writer bylines: 记者 张三 / 作者：李四 / 文｜王五 / 撰文 / 原创.
_ZH_WRITER = re.compile(
    r"(?:记者|記者|作者|撰文|撰稿|文\s*[/／｜|丨:：]|原创\s*[:：])\s*[:：/／|｜丨]?\s*"
    rf"({_HAN_NAME}(?:[ 、，,](?!报道|報導|摄|攝){_HAN_NAME}){{0,3}})"
    r"(?=$|[\s_\]）)】,，。;；|｜/／A-Za-z0-9]|报道|報導|摄|攝)"
)
# Editor bylines, which news sites print under the article: 责任编辑：张三.
_ZH_EDITOR = re.compile(
    r"(?:责任编辑|責任編輯|责编|責編|编辑|編輯)\s*[:：/／|｜丨]\s*"
    rf"({_HAN_NAME}|[A-Za-z][\w.-]{{1,20}})(?=$|[\s_\]）)】,，。;；|｜/A-Za-z0-9])"
)
# Where a reprint came from: 来源：新华网.
_ZH_SOURCE = re.compile(
    r"(?:来源|來源|稿源)\s*[:：]\s*([\u4e00-\u9fffA-Za-z·]{2,16})(?=$|[\s_\]）)】,，。;；|｜/])"
)
# An author field holding a publication, not a person.
_ORG_AUTHOR = re.compile(
    r"(网|網|报|報|新闻|新聞|日报|晚报|社|台|频道|頻道|科技|财经|財經|传媒|媒體|媒体|"
    r"\.com|\.net|\.cn|news|press|times|post|daily|staff|editor|admin)\s*$",
    re.I,
)
_PLACEHOLDER_AUTHOR = re.compile(r"@|https?://|^name\b|^admin$|^author$|^unknown$", re.I)


# --- metadata ------------------------------------------------------------------------


def json_ld(soup: BeautifulSoup) -> dict[str, Any]:
    """The first JSON-LD object of an article type (searching @graph and lists)."""
    fallback: dict[str, Any] = {}
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
                kinds = {str(k).lower() for k in (kind if isinstance(kind, list) else [kind])}
                if kinds & _ARTICLE_TYPES - {"webpage"}:
                    return item
                if "webpage" in kinds and not fallback:
                    fallback = item
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [])
    return fallback


def ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (ld_name(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    out: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if isinstance(key, str) and isinstance(content, str) and content.strip():
            out.setdefault(key.strip().lower(), content.strip())
    return out


def canonical(soup: BeautifulSoup, metas: dict[str, str], ld: dict[str, Any]) -> str | None:
    link = soup.find("link", rel=lambda v: bool(v) and "canonical" in v)
    href = link.get("href") if isinstance(link, Tag) else None
    for candidate in (href, metas.get("og:url"), ld.get("url")):
        if isinstance(candidate, str) and candidate.startswith(("http://", "https://")):
            return candidate.strip()
    return None


def page_lang(soup: BeautifulSoup) -> str | None:
    html = soup.find("html")
    lang = html.get("lang") if isinstance(html, Tag) else None
    if isinstance(lang, str) and lang:
        return "zh" if lang.lower().startswith("zh") else lang.lower()[:2]
    return None


def url_host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None


def meta_author(metas: dict[str, str], ld: dict[str, Any]) -> str | None:
    candidates = [ld_name(ld.get("author"))] + [metas.get(k) for k in _AUTHOR_META]
    for value in candidates:
        if value and not _PLACEHOLDER_AUTHOR.search(value) and len(value) <= 100:
            return value
    return None


def first_parsed(values: Any) -> datetime | None:
    for value in values:
        if isinstance(value, str):
            parsed = first_date(value)
            if parsed:
                return parsed
    return None


_PUB_META = re.compile(r"pub.*(?:time|date)|(?:time|date).*pub", re.I)
_DATE_CLASS = re.compile(r"date|time|publish|posted|pubtime|dateline", re.I)


def published(
    soup: BeautifulSoup,
    metas: dict[str, str],
    ld: dict[str, Any],
    urls: list[str | None],
    around: str,
) -> datetime | None:
    """The publication date, from the most trusted place that gives one."""
    found = first_parsed([ld.get("datePublished"), ld.get("dateCreated")])
    found = found or first_parsed(metas.get(k) for k in _PUBLISHED_META)
    # Other names sites give the publication time: "apub:time", "publishtime", "pub_date".
    found = found or first_parsed(v for k, v in metas.items() if _PUB_META.search(k))
    if found:
        return found
    # <time datetime>, schema.org microdata and hAtom's <abbr class="published" title=…>.
    for tag in soup.find_all(["time", "abbr", "span", "meta"], limit=4000):
        if tag.name == "time":
            value = tag.get("datetime") or (tag.get_text() if tag.has_attr("pubdate") else "")
        elif tag.get("itemprop") in ("datePublished", "dateCreated"):
            value = tag.get("content") or tag.get("datetime") or tag.get_text()
        elif tag.name == "abbr" and set(tag.get("class") or []) & {"published", "dtstart"}:
            value = tag.get("title") or tag.get_text()
        else:
            continue
        parsed = first_date(str(value))
        if parsed:
            return parsed
    for url in urls:
        match = _URL_DATE.search(url or "")
        if match:
            try:
                return datetime(int(match[1] + match[2]), int(match[3]), int(match[4]))
            except ValueError:
                pass
    # The line under (or just over) the headline is where news pages print the date.
    parsed = first_date(around)
    if parsed:
        return parsed
    for tag in soup.find_all(class_=_DATE_CLASS, limit=50):
        text = tag.get_text(" ")
        if len(text) < 200:
            parsed = first_date(text)
            if parsed:
                return parsed
    return None


def page_title(
    soup: BeautifulSoup,
    metas: dict[str, str],
    ld: dict[str, Any],
    source: str | None,
    host: str | None = None,
) -> str:
    head = soup.find("title")
    head_text = squash(head.get_text(" ")) if isinstance(head, Tag) else ""
    publication = _publication_names(metas, source, host)
    sites = _site_names(soup)
    stripped = _strip_site(head_text, publication, sites) if head_text else ""
    parts = [p.strip() for p in _TITLE_SPLIT.split(head_text) if p.strip()]
    core = _headline_part(head_text, parts) if parts else ""
    # The headline the page declares (JSON-LD, og:title), without a site name of its own.
    declared = [
        _strip_site(squash(html.unescape(c)), publication, sites)
        for c in (ld.get("headline"), metas.get("og:title"), metas.get("twitter:title"))
        if isinstance(c, str) and c.strip()
    ]
    declared = [d for d in declared if len(d) >= 2 and not _names_site(d, publication)]
    # A heading that the <title> repeats is the headline without the site name, unless it
    # is the site name itself (a logo in an <h1>).
    if head_text:
        headings = [
            squash(h.get_text(" "))
            for h in soup.find_all(["h1", "h2", "h3"], limit=30)
            if isinstance(h, Tag)
        ]
        fitting = [
            h
            for h in headings
            if len(h) >= 4
            and h in head_text
            and (len(h) >= 0.8 * min(len(stripped), len(core)) or len(h) >= 0.5 * len(head_text))
            and not _names_site(h, publication)
        ]
        # The page's <h1> that begins its <title> names the page ("Mercury General" in
        # "Mercury General news, photos and video").
        h1 = soup.find("h1")
        name = squash(h1.get_text(" ")) if isinstance(h1, Tag) else ""
        rest = stripped[len(name) :]
        if (
            len(name) >= 4
            and stripped.startswith(name)
            and 2 * len(name) >= len(stripped)
            and not rest[:1].isalnum()
            and not _names_site(name, publication)
        ):
            fitting.append(name)
        if fitting:
            best = max(fitting, key=len)
            # A declared headline that the <title> holds too settles which heading is the
            # headline: blogs and journals put their own name in a heading as well.
            for og in declared:
                if og in head_text and og not in best:
                    return og
            return best
    if declared:
        return declared[0]
    if stripped:
        return stripped
    h1 = soup.find("h1")
    return squash(h1.get_text(" ")) if isinstance(h1, Tag) else ""


# Chinese publication names end with 网, 报, 传媒…: 新华网, 当代商报, 富达传媒, 中国政府网.
_ZH_PUBLICATION = re.compile(
    r"(网|網|网站|網站|官网|官網|报|報|时报|時報|传媒|傳媒|媒体|媒體|新闻|新聞|频道|頻道|在线|在線|"
    r"电视台|電視台|广播|廣播|杂志|雜誌)$"
)
_DOMAIN = re.compile(r"\b[\w-]+\.(?:com|net|org|cn|hk|tw|co|info|tv|ru|uk|us|io|gov|edu)\b", re.I)
_GENERIC_HOST_LABELS = word_set("www com net org cn co uk edu gov blog blogs news m")


_ROOT_HREF = re.compile(r"^(?:(?:https?:)?//[^/?#]+)?/?(?:index\.\w+)?$", re.I)
_LOGO = re.compile(r"logo|brand|site-?name|site-?title|blog-?title", re.I)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright|版权所有|版權所有)\s*(?:[\d\s~\-–,]*)(.{2,60})", re.I
)


def _publication_names(metas: dict[str, str], source: str | None, host: str | None) -> list[str]:
    """The names the page gives its publication: og:site_name or publisher, application
    name, the labels of its host."""
    names = [source or "", metas.get("application-name", ""), metas.get("og:site_name", "")]
    names += [label for label in (host or "").split(".") if label not in _GENERIC_HOST_LABELS]
    return [squash(n).lower() for n in names if len(squash(n)) >= 2]


def _site_names(soup: BeautifulSoup) -> list[str]:
    """Where else a page names its site (or blog, or section): feed titles, the titles of
    links to the home page, the logo, the copyright line."""
    names: list[str] = []
    for link in soup.find_all("link", limit=60):
        rel = " ".join(link.get("rel") or []).lower()
        title = link.get("title")
        if isinstance(title, str) and rel in ("alternate", "start", "home", "index"):
            # "Site » Comments Feed", "Site » Post title Comments Feed": the site comes first.
            site = re.split(r"\s+[»|\-–—:]\s+|\s*\b(?:rss|atom|feed)\b", title, flags=re.I)[0]
            names.append(site)
    for anchor in soup.find_all("a", href=_ROOT_HREF, limit=40):
        for value in (anchor.get("title"), anchor.get_text(" ", strip=True)):
            if isinstance(value, str) and value.lower() not in ("home", "首页", "首頁", ""):
                names.append(value)
        img = anchor.find("img")
        alt = img.get("alt") if isinstance(img, Tag) else None
        if isinstance(alt, str):
            names.append(alt)
    for tag in soup.find_all(class_=_LOGO, limit=10) + soup.find_all(id=_LOGO, limit=10):
        text = squash(tag.get_text(" "))
        if 2 <= len(text) <= 80:
            names.append(text)
        for img in tag.find_all("img", limit=3):
            alt = img.get("alt")
            if isinstance(alt, str):
                names.append(alt)
    for text in soup.find_all(string=re.compile(r"©|copyright|版权所有|版權所有", re.I), limit=10):
        match = _COPYRIGHT.search(str(text))
        if match:
            names.append(match.group(1))
    return [squash(n).lower() for n in names if isinstance(n, str) and len(squash(n)) >= 2]


def _names_site(part: str, sites: Sequence[str]) -> bool:
    """Whether a part of a <title> (or a heading) is the name of the site, not a headline.

    Evidence only: the page's own site name or host, a domain name, or a Chinese
    publication name (…网, …报) short enough not to be a sentence.
    """
    low = part.lower().strip()
    if not low:
        return False
    squashed = re.sub(r"[\W_]+", "", low)
    for site in sites:
        site_squashed = re.sub(r"[\W_]+", "", site)
        if not site_squashed:
            continue
        # The part is (most of) a site name, or lies within one: "Sina shares rise" is a
        # headline on sina.com.cn, "Mustang Daily" is part of "Mustang Daily – News for…".
        if low in site and len(low) >= 3 or len(squashed) >= 4 and squashed in site_squashed:
            return True
        if 2 * len(site_squashed) >= len(squashed) and (site in low or site_squashed in squashed):
            return True
    if _DOMAIN.search(part) and len(part) <= 40:
        return True
    return (
        len(part) <= 16
        and bool(_ZH_PUBLICATION.search(part))
        and not re.search(r"[，。！？：,!?]", part)
    )


def _strip_site(title: str, publication: list[str], others: Sequence[str] = ()) -> str:
    """The title without its site-name (and section) parts, only when a part names the site.

    ``publication`` holds the names the page gives its publication, ``others`` where else
    it names a site, blog or section (feeds, home links, logo, copyright line).
    """
    sites = [*publication, *others]
    title = _strip_zh_site_suffix(title, sites)
    parts = [p.strip() for p in _TITLE_SPLIT.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    kept = [p for p in parts if not _names_site(p, sites)]
    if not kept:
        # Every part names a site, blog or section ("Sacramento Bee -- Capitol Alert"):
        # only the publication's own names go.
        kept = [p for p in parts if not _names_site(p, publication)]
    if not kept or len(kept) == len(parts):
        # Nothing here names the site: "Don't be fooled – vote no" is one headline.
        return title
    return _headline_part(title, kept)


def _headline_part(title: str, parts: list[str]) -> str:
    """The headline among the parts of a <title>: the long one, site and sections are short."""
    if len(parts) == 1:
        return parts[0]
    # A headline may itself contain the separator ("Brazil: Amplified…"): keep the joined
    # long run.
    longest = max(parts, key=len)
    if len(longest) >= 0.5 * len(title) - 3:
        start = title.find(longest)
        return _rejoin(title, parts, longest) if start >= 0 else longest
    return parts[0]


_ZH_SITE_SUFFIX = re.compile(r"(?<=[^\s\d-])-{1,2}([^-\s][^-]{1,29})$")


def _strip_zh_site_suffix(title: str, sites: Sequence[str]) -> str:
    """A site name joined by a bare hyphen: 标题-新华网, 标题--当代商报."""
    match = _ZH_SITE_SUFFIX.search(title)
    if match and _names_site(match.group(1), sites) and match.start() >= 4:
        return title[: match.start()].strip()
    return title


def _rejoin(title: str, parts: list[str], longest: str) -> str:
    """The longest part, extended over neighbours joined to it by ': ' (part of headlines)."""
    start = title.find(longest)
    end = start + len(longest)
    # "Brazil: Amplified conversations" was split on ': ' only when a site name followed;
    # keep colon-joined neighbours that are not short site names.
    for part in parts:
        pos = title.find(part)
        if pos >= 0 and title[pos + len(part) : start].strip() == ":" and len(part) < 40:
            start = pos
    return title[start:end].strip()


def headline_tag(soup: BeautifulSoup, title: str) -> Tag | None:
    """The element that shows the headline in the page (else the first <h1>)."""
    if title:
        for tag in soup.find_all(["h1", "h2", "h3", "div", "p", "span", "td"], limit=3000):
            text = tag.get_text(" ", strip=True)
            fits = len(text) <= len(title) + 20 and title in squash(text)
            if fits and (tag.name in ("h1", "h2", "h3") or not tag.find(["div", "p", "table"])):
                return tag
    h1 = soup.find("h1")
    return h1 if isinstance(h1, Tag) else None


def _block_of(node: NavigableString) -> Tag | None:
    return next((p for p in node.parents if p.name in BLOCKS), None)


def text_around(heading: Tag, after: int = 400, before: int = 120) -> str:
    """Text just before and after the headline, where dates and bylines are printed.

    Text of different blocks goes on different lines, so a byline never runs on into
    the first sentence of the article.
    """
    pieces: list[str] = []
    size = 0
    block: Tag | None = None
    for node in heading.next_elements:
        if isinstance(node, NavigableString) and not isinstance(node, Comment):
            if heading in node.parents:
                continue
            text = squash(str(node))
            if text:
                here = _block_of(node)
                if pieces and here is not block:
                    pieces.append("\n")
                block = here
                pieces.append(text)
                size += len(text)
                if size >= after:
                    break
    prior: list[str] = []
    size = 0
    for node in heading.previous_elements:
        if isinstance(node, NavigableString) and not isinstance(node, Comment):
            text = squash(str(node))
            if text:
                prior.append(text)
                size += len(text)
                if size >= before:
                    break
    return " ".join(pieces).replace(" \n ", "\n") + "\n" + " ".join(reversed(prior))


_BYLINE_CLASS = re.compile(r"author|byline|by-line|writer|reporter", re.I)


def byline_tag(soup: BeautifulSoup, orgs: list[str]) -> str | None:
    """A person named by rel=author, itemprop=author or an author/byline element."""
    candidates = soup.find_all(rel="author", limit=5)
    candidates += soup.find_all(itemprop="author", limit=5)
    candidates += soup.find_all(class_=_BYLINE_CLASS, limit=10)
    for tag in candidates:
        if not isinstance(tag, Tag):
            continue
        text = squash(tag.get_text(" "))
        if not text or len(text) > 80:
            continue
        match = _EN_BYLINE.search(" " + text)
        name = match.group(1) if match else text
        name = re.split(r"\s*[|,/]\s*|\s+(?:on|at|in|for|posted|updated)\s+", name)[0].strip()
        plausible = 2 <= len(name) <= 50 and not first_date(name) and not is_org(name, orgs)
        looks_like_name = re.fullmatch(r"[A-Z][\w.'’-]*(?:\s+[\w.'’-]+){0,4}", name) or (
            re.fullmatch(_HAN_NAME, name)
        )
        if plausible and looks_like_name:
            return name
    return None


# Words that follow 记者/作者 in running text and are not names (记者获悉: "reporters learnt").
_NOT_NAMES = re.compile(
    r"^(获悉|獲悉|表示|了解|瞭解|注意|发现|發現|采访|採訪|调查|調查|从|從|在|近日|日前|看到|走访|"
    r"走訪|观察|觀察|梳理|统计|統計|查询|查詢|联系|聯繫|致电|致電|询问|詢問|证实|證實|独家|獨家|"
    r"手记|手記|简介|簡介|注|本人|团队|團隊|专栏|專欄|的)"
)


def writer_byline(text: str) -> str | None:
    for line in text.split("\n"):
        match = _EN_BYLINE.search(" " + line[:200])
        if match:
            return match.group(1)
    for match in _ZH_WRITER.finditer(text):
        if not _NOT_NAMES.match(match.group(1)):
            return match.group(1)
    return None


def editor_byline(text: str) -> str | None:
    for match in _ZH_EDITOR.finditer(text):
        if not _NOT_NAMES.match(match.group(1)):
            return match.group(1)
    return None


def org_names(soup: BeautifulSoup, metas: dict[str, str], source: str | None) -> list[str]:
    """Names of the publication: og:site_name, copyright, the <title>'s site suffix, host."""
    names = [source or "", metas.get("copyright", ""), metas.get("sitename", "")]
    head = soup.find("title")
    if isinstance(head, Tag):
        parts = [p.strip() for p in _TITLE_SPLIT.split(squash(head.get_text(" "))) if p.strip()]
        names += [p for p in parts[1:] if len(p) <= 20]
    return [n.lower() for n in names if n]


def is_org(author: str, orgs: list[str]) -> bool:
    """An author field that names the publication, not a person (网易, CSDN.NET, Staff)."""
    if _ORG_AUTHOR.search(author) or author.strip().isdigit():
        return True
    low = author.lower().strip()
    return any(low in org or (len(org) >= 2 and org in low) for org in orgs)


def source_byline(text: str) -> str | None:
    match = _ZH_SOURCE.search(text)
    return match.group(1) if match else None
