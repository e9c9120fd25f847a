"""Routes of the clients blueprint."""

from flask_login import login_required

from briefs.clients import bp


@bp.get("/")
@login_required
def index():
    """List clients."""
    return "clients"
