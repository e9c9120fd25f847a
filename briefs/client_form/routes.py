"""Routes of the client's form: the page, its saves, autosave and files."""

from __future__ import annotations

import os

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from briefs import clock, workflow
from briefs.answer_messages import answer_error
from briefs.answers import AnswerError
from briefs.client_form import bp
from briefs.client_form.access import client_actor, field_of, open_brief, upload_of
from briefs.client_form.filling import (
    Outcome,
    read_posted,
    remove_file,
    save_fields,
    save_posted,
    store_files,
    store_form_files,
)
from briefs.client_form.page import build_page, file_views, saved_message, state_json
from briefs.completeness import missing_fields
from briefs.extensions import db, limiter
from briefs.overview import brief_fields
from briefs.uploads import current_uploads, upload_path

#: Generous for autosave of a long form, tight enough to stop a script hammering a link.
POST_LIMIT = "120 per minute"


@bp.after_request
def keep_private(response):
    """Keep the secret link out of caches and out of other sites' Referer headers."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(("text/html", "application/json")) == (
        "application/json"
    )


def _back(token: str, field_id: int | None = None):
    anchor = f"field-{field_id}" if field_id else None
    return redirect(url_for("client_form.form", token=token, _anchor=anchor))


@bp.get("/c/<token>")
def form(token: str):
    """Show the client's form and note that the link was opened."""
    brief = open_brief(token)
    if workflow.note_link_opened(brief, clock.utcnow()):
        db.session.commit()
    return render_template("client_form/form.html", page=build_page(brief, token))


@bp.post("/c/<token>")
@limiter.limit(POST_LIMIT)
def save(token: str):
    """Save every field of the form (Save), then submit the brief if asked (Submit)."""
    brief = open_brief(token)
    actor, now = client_actor(brief), clock.utcnow()
    fields = brief_fields(brief)
    outcome = save_fields(fields, request.form, actor=actor, now=now)
    store_form_files(fields, request.files, outcome, actor=actor, now=now)
    removed = None
    if remove_id := request.form.get("remove", type=int):
        upload = upload_of(brief, remove_id)
        removed = field_of(brief, upload.field_id)
        remove_file(removed, upload, outcome, actor=actor, now=now)
    workflow.record_answers_saved(brief, outcome.saved, actor, now)
    submitting = request.form.get("action") == "submit" and not outcome.errors
    if submitting:
        missing = [field.key for field in missing_fields(fields)]
        workflow.submit(brief, actor, now, missing=missing)
    db.session.commit()
    if outcome.errors:
        page = build_page(brief, token, errors=outcome.errors, typed=outcome.typed)
        return render_template("client_form/form.html", page=page), 422
    if submitting:
        flash(_("Submitted — thank you!"), "success")
    elif removed:
        flash(_("File removed."), "success")
        return _back(token, removed.id)
    else:
        flash(_("Saved."), "success")
    return _back(token)


@bp.post("/c/<token>/fields/<int:field_id>")
@limiter.limit(POST_LIMIT)
def save_field(token: str, field_id: int):
    """Save one field as the client types (autosave); answer in JSON."""
    brief = open_brief(token)
    field = field_of(brief, field_id)
    actor, now = client_actor(brief), clock.utcnow()
    try:
        saved = save_posted(field, read_posted(field, request.form), actor=actor, now=now)
    except AnswerError as error:
        message = answer_error(error.code)
        body = {"ok": False, "error": message, "revision": field.revision, **state_json(brief)}
        return jsonify(body), 422
    if saved:
        workflow.record_answers_saved(brief, [field], actor, now)
        db.session.commit()
    return jsonify(
        ok=True,
        revision=field.revision,
        value=field.value,
        not_applicable=field.not_applicable,
        message=saved_message(field, now),
        **state_json(brief),
    )


def _files_answer(token: str, brief, field, outcome: Outcome, done: str):
    """Answer a file change: JSON with the new list for scripts, else back to the form."""
    error = outcome.errors.get(field.id)
    if _wants_json():
        files_html = render_template(
            "client_form/_files.html", files=file_views(token, current_uploads(field)), field=field
        )
        body = {
            "ok": error is None,
            "error": error,
            "revision": field.revision,
            "files_html": files_html,
            "message": done if outcome.saved else "",
            **state_json(brief),
        }
        return jsonify(body), (422 if error else 200)
    if error:
        flash(error, "error")
    elif outcome.saved:
        flash(done, "success")
    return _back(token, field.id)


@bp.post("/c/<token>/fields/<int:field_id>/files")
@limiter.limit(POST_LIMIT)
def upload_files(token: str, field_id: int):
    """Store the files sent for a file field."""
    brief = open_brief(token)
    field = field_of(brief, field_id)
    if field.type != "file":
        abort(404)
    actor, now = client_actor(brief), clock.utcnow()
    outcome = Outcome()
    files = request.files.getlist("files") + request.files.getlist(f"files-{field.id}")
    store_files(field, files, outcome, actor=actor, now=now)
    workflow.record_answers_saved(brief, outcome.saved, actor, now)
    db.session.commit()
    return _files_answer(token, brief, field, outcome, _("File uploaded."))


@bp.post("/c/<token>/files/<int:upload_id>/remove", endpoint="remove_file")
@limiter.limit(POST_LIMIT)
def remove_upload(token: str, upload_id: int):
    """Take a file off its field; it stays in the history."""
    brief = open_brief(token)
    upload = upload_of(brief, upload_id)
    field = field_of(brief, upload.field_id)
    actor, now = client_actor(brief), clock.utcnow()
    outcome = Outcome()
    remove_file(field, upload, outcome, actor=actor, now=now)
    workflow.record_answers_saved(brief, outcome.saved, actor, now)
    db.session.commit()
    return _files_answer(token, brief, field, outcome, _("File removed."))


@bp.get("/c/<token>/files/<int:upload_id>")
def download(token: str, upload_id: int):
    """Send one of the client's own files back, as a download."""
    brief = open_brief(token)
    upload = upload_of(brief, upload_id)
    path = upload_path(upload)
    if not os.path.isfile(path):
        abort(404)
    response = send_file(
        path,
        mimetype=upload.content_type,
        as_attachment=True,
        download_name=upload.original_name,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
