"""The dashboard: every open brief, the most stuck first."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from briefs.dashboard import routes  # noqa: E402,F401  (routes attach themselves to bp)
