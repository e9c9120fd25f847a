"""Routes of the exports blueprint: the brief as Markdown, and its HTML preview."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, render_template, url_for
from flask_babel import force_locale
from flask_login import login_required
from slugify import slugify

from briefs.exports import bp
from briefs.exports.assemble import export_data, export_words, load_brief
from briefs.exports.preview import render_export_html
from briefs.markdown_export import render_markdown_export
from briefs.models import Brief, Upload


def _markdown(brief: Brief) -> str:
    """Write the brief's export in the brief's own language."""

    def file_url(upload: Upload) -> str:
        return url_for(
            "briefs_admin.download_upload",
            brief_id=upload.brief_id,
            upload_id=upload.id,
            _external=True,
        )

    data = export_data(brief, file_url)
    with force_locale(brief.locale):
        return render_markdown_export(data, export_words())


def _disposition(brief: Brief) -> str:
    """Name the download after the title: an ASCII name and the full UTF-8 one."""
    ascii_name = slugify(brief.title) or f"brief-{brief.id}"
    unicode_name = slugify(brief.title, allow_unicode=True) or ascii_name
    return (
        f'attachment; filename="{ascii_name}.md"; '
        f"filename*=UTF-8''{quote(unicode_name + '.md', safe='')}"
    )


@bp.get("/briefs/<int:brief_id>/export.md")
@login_required
def export_markdown(brief_id: int):
    """Download the brief as Markdown."""
    brief = load_brief(brief_id)
    response = Response(_markdown(brief), mimetype="text/markdown")
    response.headers["Content-Type"] = "text/markdown; charset=utf-8"
    response.headers["Content-Disposition"] = _disposition(brief)
    return response


@bp.get("/briefs/<int:brief_id>/preview")
@login_required
def preview(brief_id: int):
    """Preview the Markdown export as HTML."""
    brief = load_brief(brief_id)
    html = render_export_html(_markdown(brief))
    return render_template("exports/preview.html", brief=brief, html=html)
