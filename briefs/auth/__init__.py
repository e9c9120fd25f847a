"""Signing in, the first-run setup, teammates and agency settings."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from briefs.auth import routes  # noqa: E402,F401  (routes attach themselves to bp)
