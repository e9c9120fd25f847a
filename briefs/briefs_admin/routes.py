"""Routes of the briefs_admin blueprint (placeholders until the brief pages land)."""

from flask import abort
from flask_login import login_required

from briefs.briefs_admin import bp


@bp.get("/briefs/new")
@login_required
def new_brief():
    """Create a brief."""
    abort(404)


@bp.get("/briefs/<int:brief_id>")
@login_required
def brief(brief_id: int):
    """Show one brief."""
    abort(404)


@bp.get("/briefs/<int:brief_id>/files/<int:upload_id>")
@login_required
def download_upload(brief_id: int, upload_id: int):
    """Download an uploaded file."""
    abort(404)
