"""The API's URL table, its token check, rate limit and problem+json errors."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from briefs.api import brief_views, directory
from briefs.api.auth import TOKEN_KEY, TOKEN_LIMIT, limit_key
from briefs.api.openapi import document
from briefs.api.problems import ApiProblem, from_http_error, problem_response
from briefs.extensions import csrf, db, limiter
from briefs.workflow import BriefClosed, RevisionConflict

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Tokens, not cookies, authorise the API: no form token to check, nothing a page can forge.
csrf.exempt(bp)
limiter.limit(TOKEN_LIMIT, key_func=limit_key)(bp)

RULES = [
    ("/templates", directory.list_templates, ["GET"]),
    ("/templates/<int:template_id>", directory.get_template, ["GET"]),
    ("/clients", directory.list_clients, ["GET"]),
    ("/clients", directory.create_client, ["POST"]),
    ("/clients/<int:client_id>", directory.get_client, ["GET"]),
    ("/clients/<int:client_id>", directory.update_client, ["PATCH"]),
    ("/clients/<int:client_id>", directory.delete_client, ["DELETE"]),
    ("/clients/<int:client_id>/contacts", directory.create_contact, ["POST"]),
    ("/clients/<int:client_id>/contacts/<int:contact_id>", directory.get_contact, ["GET"]),
    ("/clients/<int:client_id>/contacts/<int:contact_id>", directory.update_contact, ["PATCH"]),
    ("/clients/<int:client_id>/contacts/<int:contact_id>", directory.delete_contact, ["DELETE"]),
    ("/briefs", brief_views.list_briefs, ["GET"]),
    ("/briefs", brief_views.create_brief, ["POST"]),
    ("/briefs/<int:brief_id>", brief_views.get_brief, ["GET"]),
    ("/briefs/<int:brief_id>", brief_views.update_brief, ["PATCH"]),
    ("/briefs/<int:brief_id>/send", brief_views.send_brief, ["POST"]),
    ("/briefs/<int:brief_id>/fields/<field_key>/review", brief_views.review_field, ["POST"]),
    ("/briefs/<int:brief_id>/close", brief_views.close_brief, ["POST"]),
    ("/briefs/<int:brief_id>/reopen", brief_views.reopen_brief, ["POST"]),
    ("/briefs/<int:brief_id>/export.md", brief_views.export_markdown, ["GET"]),
    ("/briefs/<int:brief_id>/timeline", brief_views.timeline, ["GET"]),
    ("/briefs/<int:brief_id>/events", brief_views.events, ["GET"]),
    ("/events", brief_views.event_log, ["GET"]),
]
for rule, view, methods in RULES:
    bp.add_url_rule(rule, view.__name__, view, methods=methods)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document describing this API (no token needed to read it)."""
    return jsonify(document())


@bp.after_request
def _after(response):
    # A token's last use is noted even when the request itself changed nothing.
    token = request.environ.get(TOKEN_KEY)
    if token is not None and token in db.session.dirty:
        db.session.commit()
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.errorhandler(ApiProblem)
def _problem(error: ApiProblem):
    db.session.rollback()
    return problem_response(error)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    db.session.rollback()
    return from_http_error(error)


@bp.errorhandler(BriefClosed)
def _closed(error: BriefClosed):
    db.session.rollback()
    return problem_response(
        ApiProblem(409, "Brief closed", "The brief is closed. Reopen it to change it.")
    )


@bp.errorhandler(RevisionConflict)
def _conflict(error: RevisionConflict):
    db.session.rollback()
    return problem_response(ApiProblem(409, "Conflict", "Someone saved a newer answer first."))


@bp.errorhandler(DataError)
def _refused_value(error: DataError):
    db.session.rollback()
    return problem_response(
        ApiProblem(400, "Bad request", "A value could not be stored (control characters?).")
    )
