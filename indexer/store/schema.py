"""The index schema: a persisted artefact, versioned.

Whoosh pickles this schema, analyzers and formats included, into the index. Bump
SCHEMA_VERSION whenever a field, its format, the codec or what the analyzer produces
changes: an index built with another version is refused with a message that names
`newsarchive reindex`.

Version 3: posting values as packed integers (:mod:`indexer.engine.formats`), in posting blocks
that keep them apart from article numbers (:mod:`indexer.engine.codec`).
Version 5: the character field (`cjk`): the Han characters of the title and body.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Characters

from indexer.analysis.fold import has_han
from indexer.analysis.tokens import bilingual_analyzer, character_analyzer
from indexer.engine.formats import PackedCharacters, PackedPositions
from indexer.ingest.article import Article, format_date

#: 6: Latin letters are indexed without their accents (José → jose).
#: 7: a capitalised English word whose stem differs from it is also indexed unstemmed
#: (indexer.analysis.tokens.name_term: Federer is not federal).
#: 8: the title's characters have a field of their own (`cjk_title`).
SCHEMA_VERSION = 8

#: Text fields a free query searches, with their weight relative to the body (see
#: indexer.search.core.FIELD_BOOSTS for why the title weighs as much as the body).
SEARCH_FIELDS = {"title": 1.0, "body": 1.0, "author": 1.5, "source": 1.0}
#: The character field: every Han character of the title and the body, with positions
#: (indexer.analysis.tokens.character_tokens), which a query's Chinese words also search,
#: below the words (indexer.search.characters).
CHARACTER_FIELD = "cjk"
#: The Han characters of the title alone, the same way: whether a headline holds a word
#: however the segmenter cut it there (indexer.search.rank's headline bonus).
TITLE_CHARACTER_FIELD = "cjk_title"


def build_schema(segmenter: str = "jieba") -> Schema:
    """Fields of an article document; text fields share the bilingual analyzer."""
    analyzer = bilingual_analyzer(segmenter)
    # A query word the analyzer cuts in several (数据中心, U.S., iPhone手机) is a phrase.
    text = {"analyzer": analyzer, "stored": True, "phrase": True, "multitoken_query": "phrase"}
    return Schema(
        id=ID(stored=True, unique=True),
        # Positions and character offsets: phrase queries, and highlights without re-analysis.
        title=_packed(TEXT(chars=True, **text)),
        body=_packed(TEXT(chars=True, **text)),
        author=_packed(TEXT(**text)),
        source=_packed(TEXT(**text)),
        # Positions only: phrases of characters; highlights come from the word fields' offsets
        # or from the text itself.
        cjk=_packed(TEXT(analyzer=character_analyzer(), phrase=True)),
        cjk_title=_packed(TEXT(analyzer=character_analyzer(), phrase=True)),
        # Exact values for facets and filters.
        source_name=ID(sortable=True),
        lang=KEYWORD(stored=True, lowercase=True, scorable=False),
        langtag=ID(sortable=True),
        year=ID(sortable=True),
        published=DATETIME(stored=True, sortable=True),
        url=ID(stored=True),
        location=STORED(),
        # Duplicates (indexer.analysis.dedupe): the story group search collapses, the
        # exact-copy key.
        group=ID(stored=True, sortable=True),
        exact=ID(stored=True),
    )


def _packed(field: TEXT) -> TEXT:
    """The field with its positions (and offsets) in the packed format."""
    fmt = field.format
    assert fmt is not None
    kind = PackedCharacters if isinstance(fmt, Characters) else PackedPositions
    field.format = kind(field_boost=fmt.field_boost)
    return field


def to_document(article: Article) -> dict[str, Any]:
    """The Whoosh document for an article."""
    tag = article.language_tag
    doc: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        # "zh zh-hans": `lang:zh` finds both scripts, `lang:zh-hant` one of them.
        "lang": f"{article.lang} {tag}" if tag != article.lang else tag,
        "_stored_lang": tag,
        "langtag": tag,
        "location": article.location,
    }
    characters = character_text(article)
    if characters:
        doc[CHARACTER_FIELD] = characters
    title = title_characters(article)
    if title:
        doc[TITLE_CHARACTER_FIELD] = title
    if article.author:
        doc["author"] = article.author
    if article.source:
        doc["source"] = article.source
        doc["source_name"] = article.source
    if article.url:
        doc["url"] = article.url
    if article.published:
        doc["published"] = article.published
        doc["year"] = str(article.published.year)
    return doc


def character_text(article: Article) -> str | None:
    """What the character field indexes of an article: its title and body, when they hold
    Han characters (a line break between them, so no phrase spans the two)."""
    text = f"{article.title}\n{article.body}"
    return text if has_han(text) else None


def title_characters(article: Article) -> str | None:
    """What the title's character field indexes of an article: its title, when it holds
    Han characters."""
    return article.title if has_han(article.title) else None


def stored_metadata(stored: dict[str, Any]) -> dict[str, Any]:
    """What a hit, an article page and a related article show of a document's stored
    fields besides its text: id, url, source, author, date (ISO) and language tag."""
    published = stored.get("published")
    return {
        "id": stored["id"],
        "url": stored.get("url"),
        "source": stored.get("source"),
        "author": stored.get("author"),
        "published": format_date(published) if isinstance(published, datetime) else None,
        "lang": stored.get("lang", ""),
    }
