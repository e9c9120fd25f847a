"""Clients and their contacts."""

from flask import Blueprint

bp = Blueprint("clients", __name__, url_prefix="/clients")

from briefs.clients import routes  # noqa: E402,F401  (routes attach themselves to bp)
