"""Routes of the exports blueprint (placeholders until the exports land)."""

from flask import abort
from flask_login import login_required

from briefs.exports import bp


@bp.get("/briefs/<int:brief_id>/export.md")
@login_required
def export_markdown(brief_id: int):
    """Download the brief as Markdown."""
    abort(404)


@bp.get("/briefs/<int:brief_id>/preview")
@login_required
def preview(brief_id: int):
    """Preview the Markdown export as HTML."""
    abort(404)
