"""The JSON API: the same result object as `newsarchive search --json`."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request

from indexer.search import search

from .params import search_request

bp = Blueprint("api", __name__)


@bp.get("/search")
def api_search() -> Any:
    archive = current_app.extensions["archive"]
    page = search(archive, search_request(request.args, archive.settings))
    return jsonify(page.to_dict())
