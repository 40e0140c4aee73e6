"""The search page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request

from indexer.errors import QueryError
from indexer.search import ResultPage, search

from .params import search_request

bp = Blueprint("ui", __name__)


@bp.get("/")
def search_page() -> Any:
    archive = current_app.extensions["archive"]
    page: ResultPage | None = None
    error = None
    status = 200
    try:
        req = search_request(request.args, archive.settings)
        if req.q.strip() or req.date_from or req.date_to:
            page = search(archive, req)
    except QueryError as exc:
        error, status = str(exc), exc.status
    return render_template("search.html", page=page, error=error, args=request.args), status
