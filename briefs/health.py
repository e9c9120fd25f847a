"""A health check for monitoring and load balancers."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from briefs.extensions import db
from briefs.models import AgencySettings

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Answer ok after a real query on the app's tables; 503 when the database fails.

    A missing schema (a deploy that skipped `flask db upgrade`) fails too, so a load
    balancer never sends clients to a server that would answer them with errors.
    """
    try:
        db.session.execute(select(AgencySettings.id).limit(1)).all()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Health check: the database query failed")
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok")
