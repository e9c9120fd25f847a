"""Templates: build, import, export and archive questionnaires."""

from flask import Blueprint

bp = Blueprint("brief_templates", __name__, url_prefix="/templates")

from briefs.brief_templates import routes  # noqa: E402,F401  (routes attach themselves to bp)
