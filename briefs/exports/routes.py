"""Routes of the exports blueprint: the brief as Markdown, and its HTML preview."""

from __future__ import annotations

import tempfile

from flask import Blueprint, render_template, send_file
from flask_login import login_required

from briefs.downloads import disposition, markdown_download
from briefs.exports.assemble import brief_export_markdown, load_brief_for_export
from briefs.exports.brief_zip import entry_names, write_zip
from briefs.exports.preview import render_export_html
from briefs.extensions import db
from briefs.file_storage import get_storage
from briefs.models import Event, Upload

bp = Blueprint("exports", __name__)


@bp.get("/briefs/<int:brief_id>/export.md")
@login_required
def export_markdown(brief_id: int):
    """Download the brief as Markdown."""
    brief = load_brief_for_export(brief_id)
    return markdown_download(brief_export_markdown(brief), brief.title, f"brief-{brief.id}")


@bp.get("/briefs/<int:brief_id>/export.zip")
@login_required
def export_zip(brief_id: int):
    """Download brief.md and the brief's current files as one ZIP."""
    brief = load_brief_for_export(brief_id)
    uploads = db.session.scalars(db.select(Upload).where(Upload.brief_id == brief.id)).all()
    # Stamped with the brief's last change, not the clock: the same brief, the same bytes.
    last_event = db.session.scalar(
        db.select(db.func.max(Event.created_at)).where(Event.brief_id == brief.id)
    )
    # brief.md links each file to its copy in the archive, so it reads offline.
    storage = get_storage()
    markdown = brief_export_markdown(brief, entry_names(brief, list(uploads), storage))
    # Built in a temporary file, not in memory; it is deleted when the response closes.
    archive = tempfile.TemporaryFile()
    write_zip(
        archive,
        brief,
        markdown.encode("utf-8"),
        list(uploads),
        storage,
        stamp=last_event or brief.created_at,
    )
    archive.seek(0)
    response = send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name="brief.zip",
        max_age=0,
    )
    response.headers["Content-Disposition"] = disposition(brief.title, f"brief-{brief.id}", ".zip")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/briefs/<int:brief_id>/preview")
@login_required
def preview(brief_id: int):
    """Preview the Markdown export as HTML."""
    brief = load_brief_for_export(brief_id)
    html = render_export_html(brief_export_markdown(brief))
    return render_template("exports/preview.html", brief=brief, html=html)
