"""The OpenAPI 3 description of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from indexer import __version__
from indexer.search.core import SORTS
from indexer.search.query import LANG_FILTERS

from .params import MAX_ID_LENGTH, MAX_OFFSET, MAX_PARAM_LENGTH


def _param(
    name: str, description: str, schema: dict[str, Any], where: str = "query"
) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "in": where, "description": description}
    out["schema"] = schema
    if where == "path":
        out["required"] = True
    return out


def _counts() -> dict[str, Any]:
    return {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"value": {"type": "string"}, "count": {"type": "integer"}},
        },
    }


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _ok(schema: str) -> dict[str, Any]:
    return {
        "description": "OK",
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def openapi_document(server: str) -> dict[str, Any]:
    """The API description, with `server` (this app's /api URL) as its base."""
    text = {"type": "string", "maxLength": MAX_PARAM_LENGTH}
    nullable = {"type": "string", "nullable": True}
    # The fields every article record shares (indexer.search.core.Metadata).
    metadata = {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "url": nullable,
        "source": nullable,
        "author": nullable,
        "published": nullable,
        "lang": {"type": "string"},
    }
    search_params = [
        _param(
            "q",
            'Query: words, "phrases", AND/OR/NOT, title:/author:/source:/lang:, '
            "date:2016-01..2016-03, prefix*",
            {"type": "string"},
        ),
        _param("limit", "Hits per page", {"type": "integer", "minimum": 1}),
        _param("offset", "Hits to skip", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}),
        _param("page", "Page number (instead of offset)", {"type": "integer", "minimum": 1}),
        _param("sort", "Order of hits", {"type": "string", "enum": list(SORTS)}),
        _param("from", "Published on or after (YYYY, YYYY-MM or YYYY-MM-DD)", {"type": "string"}),
        _param("to", "Published on or before (YYYY, YYYY-MM or YYYY-MM-DD)", {"type": "string"}),
        _param("source", "Exact source name (a `source` facet value)", text),
        _param("lang", "Language and script", {"type": "string", "enum": list(LANG_FILTERS)}),
        _param(
            "year",
            "Year published (a `year` facet value)",
            {"type": "string", "pattern": "^[0-9]{4}$"},
        ),
        _param(
            "expand",
            "0 to search the words as typed only, without the other forms of names "
            "(马云 without Jack Ma): the links of the `names` panel",
            {"type": "string", "enum": ["0", "1"]},
        ),
    ]
    errors = {"400": _error("Bad parameter or query"), "503": _error("No index has been built")}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "newsarchive API",
            "version": __version__,
            "description": "Search a bilingual (English/Chinese) news archive. Every error "
            'has the shape {"error": {"status", "message"}} and the matching HTTP status.',
        },
        "servers": [{"url": server}],
        "paths": {
            "/search": {
                "get": {
                    "summary": "Search articles; the same object as `newsarchive search --json`",
                    "parameters": search_params,
                    "responses": {"200": _ok("ResultPage"), **errors},
                }
            },
            "/articles/{id}": {
                "get": {
                    "summary": "One article, marked where `q` matches, with related articles",
                    "parameters": [
                        _param(
                            "id",
                            "Article id (may contain slashes)",
                            {"type": "string", "maxLength": MAX_ID_LENGTH},
                            "path",
                        ),
                        _param("q", "Query whose matches to mark", {"type": "string"}),
                        _param(
                            "related",
                            "How many related articles",
                            {"type": "integer", "minimum": 0, "maximum": 50},
                        ),
                    ],
                    "responses": {
                        "200": _ok("Article"),
                        "404": _error("No such article"),
                        **errors,
                    },
                }
            },
            "/stats": {
                "get": {
                    "summary": "What is in the archive: counts by source, language and year",
                    "responses": {"200": _ok("Stats"), **errors},
                }
            },
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["status", "message"],
                            "properties": {
                                "status": {"type": "integer"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
                "Hit": {
                    "type": "object",
                    "properties": {
                        **metadata,
                        "score": {"type": "number"},
                        "snippet": {
                            "type": "string",
                            "description": "Escaped text with <mark> around matches",
                        },
                        "matched": {"type": "array", "items": {"type": "string"}},
                        "why": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "kind": {
                                        "type": "string",
                                        "enum": ["name", "regional", "translation", "number"],
                                    },
                                    "form": {
                                        "type": "string",
                                        "description": "What matched, as the article writes it",
                                    },
                                    "for": {
                                        "type": "string",
                                        "description": "The query words it stands for",
                                    },
                                    "text": {
                                        "type": "string",
                                        "description": "The same in English: matched 騰訊 for "
                                        "Tencent",
                                    },
                                },
                            },
                            "description": "How other forms of query words matched",
                        },
                    },
                    "additionalProperties": True,
                },
                "ResultPage": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "total": {"type": "integer"},
                        "offset": {"type": "integer"},
                        "limit": {"type": "integer"},
                        "sort": {"type": "string", "enum": list(SORTS)},
                        "took_ms": {"type": "number"},
                        "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                        "facets": {"type": "object", "additionalProperties": _counts()},
                        "suggestions": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "Did you mean: queries that find something",
                        },
                        "names": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Name"},
                            "description": "Names of the query the archive knows in several "
                            "forms (马云 · 馬雲 · Jack Ma · Ma Yun)",
                        },
                        "timeline": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Period"},
                            "description": "Stories by year from the first to the last, or by "
                            "month (YYYY-MM) when they span less than three years; undated "
                            "stories are not counted",
                        },
                    },
                    "additionalProperties": True,
                },
                "Name": {
                    "type": "object",
                    "properties": {
                        "query": {
                            "type": "string",
                            "description": "The words of the query this name stands for",
                        },
                        "forms": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "lang": {"type": "string", "enum": ["en", "zh"]},
                                    "written": {
                                        "type": "array",
                                        "description": "The form as written (a Chinese "
                                        "name in Simplified and Traditional script), each "
                                        "with the query that searches for it alone "
                                        "(with expand=0)",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "text": {"type": "string"},
                                                "query": {"type": "string"},
                                            },
                                        },
                                    },
                                    "counts": {
                                        "type": "object",
                                        "additionalProperties": {"type": "integer"},
                                        "description": "Stories holding the form, by "
                                        "article language (en, zh-Hans, zh-Hant)",
                                    },
                                    "total": {"type": "integer"},
                                },
                            },
                        },
                    },
                },
                "Period": {
                    "type": "object",
                    "properties": {
                        "period": {
                            "type": "string",
                            "description": "A year (YYYY) or a month (YYYY-MM)",
                        },
                        "count": {"type": "integer"},
                    },
                },
                "Article": {
                    "type": "object",
                    "properties": {
                        **metadata,
                        "query": {"type": "string"},
                        "body": {
                            "type": "string",
                            "description": "Plain text, paragraphs separated by newlines",
                        },
                        "paragraphs": {
                            "type": "array",
                            "items": {"type": "string"},
                            "description": "Escaped paragraphs with <mark> around matches",
                        },
                        "matched": {"type": "array", "items": {"type": "string"}},
                        "capture": {
                            "type": "object",
                            "nullable": True,
                            "properties": {
                                "file": {"type": "string"},
                                "offset": {"type": "integer"},
                            },
                        },
                        "related": {"type": "array", "items": {"type": "object"}},
                        "permalink": {"type": "string"},
                    },
                },
                "Stats": {
                    "type": "object",
                    "properties": {
                        "total": {"type": "integer"},
                        "created": nullable,
                        "schema_version": {"type": "integer", "nullable": True},
                        "undated": {"type": "integer"},
                        "counts": {"type": "object", "additionalProperties": _counts()},
                        "index": {
                            "type": "object",
                            "nullable": True,
                            "description": "The live index generation: generation, size_bytes, "
                            "segments, schema_version, segmenter, created, last_update",
                        },
                    },
                },
            }
        },
    }
