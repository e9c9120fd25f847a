"""Routes of the brief_templates blueprint."""

from flask_login import login_required

from briefs.brief_templates import bp


@bp.get("/")
@login_required
def index():
    """List templates."""
    return "templates"


@bp.post("/starters/<locale>")
@login_required
def install_starter(locale: str):
    """Add the "New service page" starter template."""
    from flask import abort

    abort(404)
