"""A health check for monitoring."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from briefs.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Answer ok after a real round trip to the database."""
    db.session.execute(text("SELECT 1")).scalar_one()
    return jsonify(status="ok")
