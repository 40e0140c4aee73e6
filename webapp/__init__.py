"""The newsarchive web app: pages and archivist outputs (`ui`) and a JSON API (`api`)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import Babel
from flask_babel import gettext as _
from markupsafe import Markup

from indexer.config import Settings, load_settings
from indexer.errors import NewsArchiveError
from indexer.search.highlight import Snippet
from indexer.store.archive import Archive

from . import i18n, present
from .errors import http_status

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HL_COOKIE_SECONDS = 365 * 24 * 3600


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app around one Archive, opened once and shared by every request."""
    app = Flask(__name__)
    settings = settings or load_settings()
    app.config["SETTINGS"] = settings
    app.extensions["archive"] = Archive(settings)
    Babel(app, default_locale="en", locale_selector=i18n.select_locale)
    app.jinja_env.globals.update(present.GLOBALS)

    from .api import bp as api_bp
    from .ui import bp as ui_bp

    app.register_blueprint(ui_bp)
    app.register_blueprint(api_bp, url_prefix="/api")

    @app.template_filter("highlighted")
    def highlighted(snippet: Snippet) -> Markup:
        # The one place HTML is trusted: the highlighter escapes all text around <mark>.
        return Markup(snippet.html())

    @app.before_request
    def check_interface_language() -> None:
        i18n.requested_hl()

    @app.errorhandler(NewsArchiveError)
    def library_error(exc: NewsArchiveError) -> Any:
        return error_response(http_status(exc), str(exc), i18n.error_text(exc))

    @app.errorhandler(404)
    def not_found(exc: Exception) -> Any:
        return error_response(404, "not found", _("not found"))

    @app.errorhandler(405)
    def not_allowed(exc: Exception) -> Any:
        return error_response(405, "method not allowed", _("method not allowed"))

    @app.errorhandler(500)
    def internal(exc: Exception) -> Any:
        return error_response(500, "internal error", _("internal error"))

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response

    @app.after_request
    def remember_interface_language(response: Response) -> Response:
        hl = request.args.get("hl")
        if hl in i18n.LOCALES and request.cookies.get(i18n.COOKIE) != hl:
            response.set_cookie(
                i18n.COOKIE, str(hl), max_age=HL_COOKIE_SECONDS, httponly=True, samesite="Lax"
            )
        return response

    return app


def error_response(status: int, message: str, shown: str | None = None) -> Any:
    """One error shape for the API (in English, for programs), an error page for the UI
    (`shown`: the message in the interface language)."""
    if request.path.startswith("/api/"):
        return jsonify({"error": {"status": status, "message": message}}), status
    return render_template("error.html", status=status, message=shown or message), status
