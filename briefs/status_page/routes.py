"""Routes of the decision-maker's read-only status page."""

from __future__ import annotations

from flask import Blueprint, render_template

from briefs import clock
from briefs.status_page.view import load_status, open_status

bp = Blueprint("status_page", __name__)


@bp.after_request
def keep_private(response):
    """Keep the secret link out of caches and out of other sites' Referer headers."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/s/<token>")
def status(token: str):
    """Show where the brief stands; nothing here can be changed."""
    brief = open_status(token)
    return render_template("status_page/status.html", view=load_status(brief, clock.utcnow()))
