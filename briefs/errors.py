"""Error pages: plain, translated, and never a stack trace."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, NotFound

from briefs.response_format import wants_json


def handle_http_error(error: HTTPException):
    """Render an HTTP error as the app's own page (or JSON for script requests)."""
    code = error.code or 500
    if request.path.startswith("/api/"):
        # Under /api no route matched (or not for this method): still a problem document.
        from briefs.api.problems import from_http_error

        return from_http_error(error)
    if wants_json():
        return jsonify(error=error.name, status=code), code
    template = "errors/404.html" if code == 404 else "errors/error.html"
    return render_template(template, code=code, error=error), code


def handle_csrf_error(error: CSRFError):
    """Explain an expired or missing form token without losing the visitor."""
    if wants_json():
        return jsonify(error="csrf", status=400), 400
    return render_template("errors/csrf.html", code=400), 400


def handle_revision_conflict(error):
    """Tell whoever lost a race for the same answer, instead of overwriting or failing."""
    from briefs.extensions import db

    db.session.rollback()
    if wants_json() or request.headers.get("X-CSRFToken"):
        return jsonify(error="conflict", field=error.field_id, status=409), 409
    back = (
        request.referrer
        if request.referrer and request.referrer.startswith(request.host_url)
        else request.path
    )
    return render_template("errors/conflict.html", code=409, back=back), 409


#: What the agency is told when a change to a closed brief is refused, by what was refused.
CLOSED_MESSAGES = {
    "send": _l("The brief is closed. Reopen it before sending the link."),
    "review": _l("The brief is closed. Reopen it to review answers."),
    "assign": _l("The brief is closed. Reopen it to assign questions."),
}
CLOSED_MESSAGE = _l("The brief is closed. Reopen it to change it.")


def handle_brief_closed(error):
    """Refuse a change to a closed brief the same way wherever it was asked for."""
    from briefs.extensions import db

    db.session.rollback()
    if request.blueprint == "client_form":
        # A closed brief's links answer like unknown ones: nothing to learn.
        return handle_http_error(NotFound())
    if wants_json():
        return jsonify(error="closed", status=409), 409
    flash(str(CLOSED_MESSAGES.get(error.change, CLOSED_MESSAGE)), "warning")
    return redirect(url_for("briefs_admin.brief", brief_id=error.brief_id))


#: Said when the database refuses a value (such as a NUL byte in text on PostgreSQL).
REFUSED_VALUE = _l(
    "Part of what you sent could not be stored: it may hold invisible control characters. "
    "Please check the text and try again."
)


def handle_refused_value(error):
    """A value the database cannot store is a bad request, not a failure of the app."""
    from flask import current_app

    from briefs.extensions import db

    db.session.rollback()
    current_app.logger.warning("Value refused by the database on %s: %s", request.path, error)
    if wants_json():
        return jsonify(ok=False, error=str(REFUSED_VALUE), status=400), 400
    return render_template("errors/error.html", code=400, error=None, message=REFUSED_VALUE), 400


#: Said when the database is locked past its wait, gone, or every connection is busy.
DATABASE_UNAVAILABLE = _l(
    "The server could not reach its database just now. Please try again in a minute; "
    "if you were saving something, send it again."
)

#: Seconds a refused visitor (or script) is asked to wait before trying again.
RETRY_AFTER = "30"


@contextmanager
def _without_database() -> Iterator[None]:
    """Render the error page with no query: its language and visitor from memory.

    The database just failed: the language is the page's own, the signed-in user's (as
    loaded when the request began, never read again), or the browser's; nobody is signed in
    on the page itself, so it offers no link into pages that would fail the same way.
    """
    from briefs.auth.session import LANGUAGES
    from briefs.extensions import login_manager

    locale = g.get("locale")
    if locale not in LANGUAGES:
        locale = g.get("user_locale")  # set by auth.session.load_user, with no query
    if locale not in LANGUAGES:
        locale = request.accept_languages.best_match(LANGUAGES) or "en"
    visitor = g.pop("_login_user", None)
    g._login_user = login_manager.anonymous_user()
    try:
        with force_locale(locale):
            yield
    finally:
        g.pop("_login_user")
        if visitor is not None:
            g._login_user = visitor


def handle_database_unavailable(error: Exception):
    """The database refused or is gone: 503 and "try again", never a trace or a 500.

    Its connection is dropped with the transaction, so the next request starts afresh on
    a new one (pool pre-ping skips any that died meanwhile): the app recovers by itself.
    """
    from flask import current_app

    from briefs.api.problems import ApiProblem, problem_response
    from briefs.extensions import db

    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is gone: nothing left to undo
        db.session.close()
    reason = getattr(error, "orig", None) or error
    current_app.logger.error("Database unavailable on %s: %s", request.path, reason)
    headers = {"Retry-After": RETRY_AFTER}
    with _without_database():
        if request.path.startswith("/api/"):
            detail = str(DATABASE_UNAVAILABLE)
            return problem_response(ApiProblem(503, "Service Unavailable", detail, headers=headers))
        if wants_json():
            return jsonify(error="unavailable", status=503), 503, headers
        message = DATABASE_UNAVAILABLE
        page = render_template("errors/error.html", code=503, error=None, message=message)
        return page, 503, headers


def handle_unexpected(error: Exception):
    """Log the failure and show a calm page instead of a trace."""
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s", request.path)
    if wants_json():
        return jsonify(error="internal", status=500), 500
    return render_template("errors/error.html", code=500, error=None), 500


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    from briefs.workflow import BriefClosed, RevisionConflict

    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(RevisionConflict, handle_revision_conflict)
    app.register_error_handler(BriefClosed, handle_brief_closed)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DataError, handle_refused_value)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(PoolTimeout, handle_database_unavailable)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
