"""Error pages: plain, translated, and never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from briefs.response_format import wants_json


def handle_http_error(error: HTTPException):
    """Render an HTTP error as the app's own page (or JSON for script requests)."""
    code = error.code or 500
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


def handle_unexpected(error: Exception):
    """Log the failure and show a calm page instead of a trace."""
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s", request.path)
    if wants_json():
        return jsonify(error="internal", status=500), 500
    return render_template("errors/error.html", code=500, error=None), 500


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    from briefs.workflow import RevisionConflict

    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(RevisionConflict, handle_revision_conflict)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
