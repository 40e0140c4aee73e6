"""The pages (search, article, about) and the archivist outputs (feed, exports, OpenSearch)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from indexer.cite import FORMATS, Citable, cite
from indexer.errors import QueryError
from indexer.search.article_view import article_page
from indexer.search.core import ResultPage, SearchRequest, search
from indexer.search.stats import archive_stats

from . import i18n, params
from .errors import http_status

bp = Blueprint("ui", __name__)
ATOM_ENTRIES = 50


def _archive() -> Any:
    return current_app.extensions["archive"]


def permalink(record: Citable) -> str:
    return url_for("ui.article", id=record.id, _external=True)


@bp.get("/")
def search_page() -> Any:
    archive = _archive()
    page: ResultPage | None = None
    error, status = None, 200
    try:
        req = params.search_request(request.args, archive.settings)
        if params.is_search(req):
            page = search(archive, req)
    except QueryError as exc:
        error, status = i18n.error_text(exc), http_status(exc)
    return render_template("search.html", page=page, error=error, args=request.args), status


@bp.get("/articles/<path:id>")
def article(id: str) -> Any:
    archive = _archive()
    view = article_page(archive, *params.article_request(request.args, id, archive.settings))
    return render_template("article.html", article=view, args=request.args)


@bp.get("/article")
def article_by_parameter() -> Any:
    """The same page for ids a path cannot carry well: /article?id=…"""
    return article(params.article_id(request.args))


@bp.get("/about")
def about() -> Any:
    return render_template("about.html", stats=archive_stats(_archive()))


@bp.get("/search.<any(csv, ris, bib):fmt>")
def search_export(fmt: str) -> Response:
    archive = _archive()
    req = params.search_request(request.args, archive.settings, archive.settings.max_limit)
    page = _results(archive, req)
    return _download(cite(fmt, page.hits, permalink), fmt, req.q or "search")


@bp.get("/cite.<any(csv, ris, bib):fmt>")
def cite_article(fmt: str) -> Response:
    view = article_page(_archive(), params.article_id(request.args), related=0)
    return _download(cite(fmt, [view], permalink), fmt, view.title or view.id)


@bp.get("/search.atom")
def search_feed() -> Response:
    archive = _archive()
    args = {**request.args.to_dict(), "sort": "newest", "offset": "0", "page": ""}
    req = params.search_request(args, archive.settings, ATOM_ENTRIES)
    page = _results(archive, req)
    updated = max((h.published for h in page.hits if h.published), default=None)
    body = render_template(
        "feed.atom.xml",
        page=page,
        updated=atom_date(updated),
        atom_date=atom_date,
        args=request.args,
    )
    return Response(body, mimetype="application/atom+xml")


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The icon, for clients that ask the conventional path rather than the page's link."""
    static = current_app.static_folder or ""
    return send_from_directory(static, "favicon.svg", mimetype="image/svg+xml", max_age=86400)


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    body = render_template("opensearch.xml", base=url_for("ui.search_page", _external=True))
    return Response(body, mimetype="application/opensearchdescription+xml")


def _results(archive: Any, req: SearchRequest) -> ResultPage:
    """The search's results; an empty page when the request asks for nothing."""
    if params.is_search(req):
        return search(archive, req)
    return ResultPage(req.q, 0, req.offset, req.limit, req.sort)


def atom_date(value: str | None) -> str:
    """An article date as RFC 3339 (UTC when the source gave no zone); now when undated."""
    if not value:
        return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _download(text: str, fmt: str, name: str) -> Response:
    mimetype, extension = FORMATS[fmt]
    slug = re.sub(r"[^\w]+", "-", name).strip("-")[:60] or "search"
    ascii_slug = re.sub(r"[^A-Za-z0-9_-]+", "", slug).strip("-") or "search"
    response = Response(text, content_type=mimetype)
    # filename for old clients (ASCII), filename* (RFC 6266) with the UTF-8 name for the rest.
    response.headers["Content-Disposition"] = (
        f'attachment; filename="newsarchive-{ascii_slug}.{extension}"; '
        f"filename*=UTF-8''{quote(f'newsarchive-{slug}.{extension}')}"
    )
    return response
