"""Errors as `application/problem+json` (RFC 9457), with the fields that were refused."""

from __future__ import annotations

from flask import Response, json
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"


class ApiProblem(Exception):
    """A request the API refuses; rendered as one problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        errors: list[dict] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, title)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


def invalid(errors: list[dict]) -> ApiProblem:
    """The body was read but some fields were refused; each error names its field."""
    return ApiProblem(
        422, "Invalid request", "Some fields were not accepted; see errors.", errors=errors
    )


def problem_response(problem: ApiProblem) -> Response:
    """Render a problem as its JSON document."""
    body = {"type": "about:blank", "title": problem.title, "status": problem.status}
    if problem.detail:
        body["detail"] = problem.detail
    if problem.errors:
        body["errors"] = problem.errors
    response = Response(json.dumps(body), status=problem.status, mimetype=PROBLEM_TYPE)
    response.headers.update(problem.headers)
    return response


def from_http_error(error: HTTPException) -> Response:
    """Turn any HTTP error raised inside the API (404, 405, 429…) into a problem."""
    headers = {}
    if error.code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="briefs"'
    response = problem_response(
        ApiProblem(error.code or 500, error.name, error.description, headers=headers)
    )
    if error.code == 429 and (original := error.get_response()) is not None:
        # Flask-Limiter's response says when to come back.
        for name in ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining"):
            if name in original.headers:
                response.headers[name] = original.headers[name]
    return response
