"""Routes of the dashboard blueprint."""

from flask import Blueprint, render_template, request
from flask_login import login_required

from briefs import clock
from briefs.dashboard.board import load_board

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index():
    """Show every open brief, the most stuck first, narrowed by the filters."""
    board = load_board(request.args, clock.utcnow())
    return render_template("dashboard/index.html", board=board)
