"""Routes of the dashboard blueprint."""

from flask import render_template
from flask_login import login_required

from briefs.dashboard import bp


@bp.get("/")
@login_required
def index():
    """Show every open brief."""
    return render_template("dashboard/index.html")
