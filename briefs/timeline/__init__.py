"""The factual timeline of a brief or a client: who asked, who answered, who waited."""

from flask import Blueprint

bp = Blueprint("timeline", __name__)

from briefs.timeline import routes  # noqa: E402,F401  (routes attach themselves to bp)
