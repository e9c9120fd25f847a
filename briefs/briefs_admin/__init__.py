"""The agency's side of one brief: create, send, review."""

from flask import Blueprint

bp = Blueprint("briefs_admin", __name__)

from briefs.briefs_admin import collaboration, routes, sending  # noqa: E402,F401  (routes attach to bp)
