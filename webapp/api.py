"""The JSON API: the same result objects as `newsarchive search --json`, one error shape."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for

from indexer.search.article_view import article_page
from indexer.search.core import search
from indexer.search.stats import archive_stats

from . import params
from .openapi import openapi_document

bp = Blueprint("api", __name__)


def _archive() -> Any:
    return current_app.extensions["archive"]


@bp.get("/search")
def api_search() -> Any:
    archive = _archive()
    page = search(archive, params.search_request(request.args, archive.settings))
    return jsonify(page.to_dict())


@bp.get("/articles/<path:id>")
def api_article(id: str) -> Any:
    archive = _archive()
    view = article_page(archive, *params.article_request(request.args, id, archive.settings))
    return jsonify(
        {**view.to_dict(), "permalink": url_for("ui.article", id=view.id, _external=True)}
    )


@bp.get("/stats")
def api_stats() -> Any:
    return jsonify(archive_stats(_archive()).to_dict())


@bp.get("/openapi.json")
def api_openapi() -> Any:
    return jsonify(openapi_document(url_for("api.api_search", _external=True).rsplit("/", 1)[0]))
