"""Templates over the API in the template file format: export, and import checked as the page does.

The JSON body is the YAML file's mapping (docs/template-format.md); a YAML file may be sent
as it is, with Content-Type application/yaml, and its problems then name their lines.
"""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from briefs import clock
from briefs.api import representation as rep
from briefs.api.auth import require_token
from briefs.api.problems import ApiProblem
from briefs.extensions import db
from briefs.models import Template
from briefs.template_editing import template_from_data, template_to_data
from briefs.template_yaml import (
    MAX_TEMPLATE_BYTES,
    Problem,
    TemplateData,
    TemplateFormatError,
    load_template,
    read_template_document,
    template_document,
)

#: Media types a template file may be sent as, besides JSON.
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
#: A refused file lists at most this many problems (as the import page does).
SHOWN_PROBLEMS = 50


def export_template(template_id: int):
    """One template in the file format's JSON shape, ready to import elsewhere."""
    require_token()
    template = db.get_or_404(Template, template_id)
    return jsonify(template_document(template_to_data(template)))


def _refused(problems: list[Problem]) -> ApiProblem:
    shown = problems[:SHOWN_PROBLEMS]
    detail = "This file cannot be imported; see errors."
    if len(problems) > len(shown):
        detail += f" {len(problems) - len(shown)} more problems are not listed."
    return ApiProblem(
        422,
        "Invalid template",
        detail,
        errors=[{"field": str(p.where), "message": str(p.message)} for p in shown],
    )


def _read_body() -> TemplateData:
    """Read the template the request carries (JSON or YAML); raise the problems found."""
    raw = request.get_data(cache=False)
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise _refused(
            [
                Problem(
                    "", _l("the file is larger than %(limit)s KB", limit=MAX_TEMPLATE_BYTES // 1024)
                )
            ]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused([Problem("", _l("the file is not UTF-8 text"))]) from None
    if request.mimetype in YAML_TYPES:
        return load_template(text)
    if not request.is_json:
        raise ApiProblem(
            415,
            "Unsupported media type",
            "Send the template as application/json (the file's JSON shape) or application/yaml.",
        )
    try:
        document = request.json_module.loads(text)
    except (ValueError, RecursionError):
        raise ApiProblem(400, "Bad request", "The body is not valid JSON.") from None
    return read_template_document(document)


def import_template():
    """Create a template from a template file; every problem is listed, none imported."""
    require_token()
    try:
        data = _read_body()
    except TemplateFormatError as error:
        raise _refused(error.problems) from None
    template = template_from_data(data, clock.utcnow())
    db.session.commit()
    response = jsonify(rep.template_detail(template))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_template", template_id=template.id)
    return response
