"""The API's URL table, its token check, rate limit and problem+json errors."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from briefs.api import answer_views, brief_views, directory, template_files
from briefs.api.auth import TOKEN_KEY, TOKEN_LIMIT, limit_key
from briefs.api.openapi import document
from briefs.api.problems import ApiProblem, from_http_error, problem_response
from briefs.extensions import csrf, db, limiter
from briefs.workflow import BriefClosed, RevisionConflict

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Tokens, not cookies, authorise the API: no form token to check, nothing a page can forge.
csrf.exempt(bp)
limiter.limit(TOKEN_LIMIT, key_func=limit_key)(bp)

#: Path → method → view. One rule per path, so that an id too large for any row is a 404
#: for every method (Werkzeug answers 405 when a sibling rule's method matched first).
RULES = {
    "/templates": {"GET": directory.list_templates},
    "/templates/import": {"POST": template_files.import_template},
    "/templates/<int:template_id>": {"GET": directory.get_template},
    "/templates/<int:template_id>/export": {"GET": template_files.export_template},
    "/clients": {"GET": directory.list_clients, "POST": directory.create_client},
    "/clients/<int:client_id>": {
        "GET": directory.get_client,
        "PATCH": directory.update_client,
        "DELETE": directory.delete_client,
    },
    "/clients/<int:client_id>/contacts": {"POST": directory.create_contact},
    "/clients/<int:client_id>/contacts/<int:contact_id>": {
        "GET": directory.get_contact,
        "PATCH": directory.update_contact,
        "DELETE": directory.delete_contact,
    },
    "/briefs": {"GET": brief_views.list_briefs, "POST": brief_views.create_brief},
    "/briefs/<int:brief_id>": {"GET": brief_views.get_brief, "PATCH": brief_views.update_brief},
    "/briefs/<int:brief_id>/send": {"POST": brief_views.send_brief},
    "/briefs/<int:brief_id>/answers/<field_ref>": {"PUT": answer_views.save_answer},
    "/briefs/<int:brief_id>/fields/<field_key>/review": {"POST": brief_views.review_field},
    "/briefs/<int:brief_id>/close": {"POST": brief_views.close_brief},
    "/briefs/<int:brief_id>/reopen": {"POST": brief_views.reopen_brief},
    "/briefs/<int:brief_id>/export.md": {"GET": brief_views.export_markdown},
    "/briefs/<int:brief_id>/timeline": {"GET": brief_views.timeline},
    "/briefs/<int:brief_id>/events": {"GET": brief_views.events},
    "/events": {"GET": brief_views.event_log},
}


def _dispatch(views: dict):
    """Return one view that hands the request to the view for its method."""
    first = next(iter(views.values()))

    def view(**kwargs):
        return views[request.method](**kwargs)

    view.__name__ = first.__name__
    view.__doc__ = first.__doc__
    return view


for rule, views in RULES.items():
    bp.add_url_rule(rule, view_func=_dispatch(views), methods=list(views))


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
