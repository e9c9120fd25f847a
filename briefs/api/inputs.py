"""JSON bodies read through the UI's own forms, so the API refuses exactly what pages refuse."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import request
from werkzeug.datastructures import MultiDict

from briefs.api.problems import ApiProblem, invalid


def json_body(allowed: Iterable[str], required: Iterable[str] = ()) -> dict:
    """Return the request's JSON object; 400 if it is not one, 422 on unknown or missing keys."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiProblem(
            400, "Bad request", "Send a JSON object with Content-Type application/json."
        )
    allowed = set(allowed)
    errors = [{"field": key, "message": "Unknown field."} for key in body if key not in allowed]
    errors += [
        {"field": key, "message": "This field is required."} for key in required if key not in body
    ]
    for key, value in body.items():
        if isinstance(value, dict) or (
            isinstance(value, list) and any(isinstance(v, dict | list) for v in value)
        ):
            errors.append({"field": key, "message": "Give a plain value or a list of them."})
    if errors:
        raise invalid(errors)
    return body


def _as_form_value(value) -> list[str]:
    """Spell a JSON value the way a browser posts it (a checkbox left off is absent)."""
    if value is None or value is False:
        return []
    if value is True:
        return ["y"]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def form_data(values: Mapping[str, object]) -> MultiDict:
    """Turn JSON values into the posted form data a page would send."""
    data = MultiDict()
    for key, value in values.items():
        for item in _as_form_value(value):
            data.add(key, item)
    return data


def check(form) -> None:
    """Validate a form (unless it already holds errors); raise 422 naming each field's first."""
    if form.errors or not form.validate():
        raise invalid(
            [
                {"field": name, "message": str(messages[0])}
                for name, messages in form.errors.items()
                if messages
            ]
        )
