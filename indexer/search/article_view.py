"""One article as a reader sees it: metadata, text with the query's matches, more like it.

The web page, the JSON API and the citation exports render an ArticleView; the text is
never re-analysed for highlights (the index's stored offsets give the spans).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from indexer.analysis.names import name_table
from indexer.errors import NotFoundError, QueryError
from indexer.search.characters import with_characters
from indexer.search.core import Metadata
from indexer.search.expand import expand_search
from indexer.search.highlight import Snippet, Span, Targets, mark, query_targets, spans
from indexer.search.query import parse_query
from indexer.search.related import like_stories
from indexer.store.archive import Archive
from indexer.store.schema import stored_metadata

MORE_LIKE_THIS = 5
_WARC = re.compile(r"^(?P<file>.+\.(?:warc|arc)(?:\.gz)?)#(?P<offset>\d+)$", re.IGNORECASE)
_PARAGRAPH = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Capture:
    """The web-archive record an article was read from: WARC file name and record offset."""

    file: str
    offset: int

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "offset": self.offset}


@dataclass(frozen=True)
class Related:
    """A short reference to another article ("more like this")."""

    id: str
    title: str
    published: str | None
    source: str | None
    lang: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "published": self.published,
            "source": self.source,
            "lang": self.lang,
        }


@dataclass
class ArticleView(Metadata):
    """An article's metadata and clean text, marked where the query matched."""

    query: str
    title_marked: Snippet
    paragraphs: list[Snippet]
    capture: Capture | None = None
    related: list[Related] = field(default_factory=list)

    @property
    def matched(self) -> list[str]:
        found = list(self.title_marked.matched)
        for paragraph in self.paragraphs:
            found.extend(paragraph.matched)
        return sorted(set(found))

    @property
    def match_count(self) -> int:
        return sum(len(p.matched) for p in self.paragraphs) + len(self.title_marked.matched)

    @property
    def body(self) -> str:
        return "\n".join(p.text("", "") for p in self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.metadata(),
            "query": self.query,
            "body": self.body,
            "paragraphs": [p.html() for p in self.paragraphs],
            "matched": self.matched,
            "capture": self.capture.to_dict() if self.capture else None,
            "related": [r.to_dict() for r in self.related],
        }


def article_page(
    archive: Archive,
    article_id: str,
    q: str = "",
    related: int = MORE_LIKE_THIS,
    expand: bool = True,
) -> ArticleView:
    """The article with this id, its text marked where `q` matches; NotFoundError if absent.

    The query is read and its names expanded as the search does, so the page marks what
    the results page marked ("Jack Ma" for 马云).
    """
    searcher = archive.searcher()
    docnum = searcher.document_number(id=article_id)
    if docnum is None:
        raise NotFoundError("no article with id {id}", id=repr(article_id))
    reader = searcher.reader()
    stored = reader.stored_fields(docnum)
    body, title = stored.get("body", "") or "", stored.get("title", "") or ""
    body_spans: list[Span] = []
    title_spans: list[Span] = []
    targets = _targets(archive, q, expand)
    if targets is not None:
        body_spans = spans(reader, docnum, "body", targets, body)
        title_spans = spans(reader, docnum, "title", targets, title)
    return ArticleView(
        **stored_metadata(stored),
        title=title,
        query=q,
        title_marked=mark(title, title_spans),
        paragraphs=paragraphs(body, body_spans),
        capture=capture_of(stored.get("location") or ""),
        related=related_to(archive, article_id, related) if related else [],
    )


def related_to(archive: Archive, article_id: str, top: int = MORE_LIKE_THIS) -> list[Related]:
    """Other stories like this article's, in any language (see `more_like_this`)."""
    if not 1 <= top <= 50:
        raise QueryError(
            "{name} must be between {least} and {most}", name="related", least=1, most=50
        )
    found, _ = like_stories(archive, article_id, top)
    reader = archive.searcher().reader()
    out = []
    for hit in found:
        stored = reader.stored_fields(hit.docnum)
        shown = stored_metadata(stored)
        out.append(
            Related(
                shown["id"],
                stored.get("title", ""),
                shown["published"],
                shown["source"],
                shown["lang"],
            )
        )
    return out


def _targets(archive: Archive, q: str, expand: bool) -> Targets | None:
    text = q.strip()
    if not text:
        return None
    searcher = archive.searcher()
    query, _ = parse_query(text, searcher.schema, archive.settings)
    if query is None:
        return None
    reader = searcher.reader()
    if expand and archive.settings.expand_names:
        table = name_table(archive.current_dir(), archive.settings.aliases)
        query = expand_search(searcher, query, text, table).query
    query = with_characters(query)
    return query_targets(query, reader)


def paragraphs(body: str, marks: list[Span]) -> list[Snippet]:
    """The body cut at line breaks, each paragraph marked with the spans that fall in it."""
    out: list[Snippet] = []
    for match in _PARAGRAPH.finditer(body):
        start, end = match.span()
        if not match.group().strip():
            continue
        inside = [
            Span(max(s.start, start) - start, min(s.end, end) - start, s.term)
            for s in marks
            if s.start < end and s.end > start
        ]
        out.append(mark(match.group(), inside))
    return out


def capture_of(location: str) -> Capture | None:
    """The WARC record an article came from, when its location names one (file#offset)."""
    match = _WARC.match(location)
    if not match:
        return None
    return Capture(PurePath(match["file"]).name, int(match["offset"]))
