"""Exports of a brief: Markdown and its HTML preview."""

from flask import Blueprint

bp = Blueprint("exports", __name__)

from briefs.exports import routes  # noqa: E402,F401  (routes attach themselves to bp)
