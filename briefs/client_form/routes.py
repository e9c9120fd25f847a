"""Routes of the client's form: the page, its saves, autosave, files, comments, hand-overs.

The same routes serve the brief's own link and a colleague's link; a colleague's link
sees only its fields, and every route answers 404 for anything outside that scope.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from briefs import clock, workflow
from briefs.answer_messages import answer_error
from briefs.client_form import page_cache
from briefs.client_form.access import (
    Link,
    field_of,
    open_link,
    speak_links_language,
    upload_of,
)
from briefs.client_form.filling import (
    Outcome,
    cleaning_note,
    note_unreadable_files,
    read_posted,
    remove_file,
    save_fields,
    save_posted,
    store_files,
    store_form_files,
)
from briefs.client_form.fragments import PageFragments
from briefs.client_form.page import build_page, file_views, saved_message, state_json
from briefs.client_form.sharing import check_limits, read_handover_form, scope_fields, share
from briefs.comments import add_comment, clean_body, resolve
from briefs.conflicts import Conflict
from briefs.errors import handle_http_error
from briefs.extensions import db, limiter
from briefs.file_storage import send_stored
from briefs.handovers import handover_of, holders, note_done, withdraw
from briefs.prefill import confirm
from briefs.response_format import wants_json
from briefs.rules.answers import AnswerError
from briefs.rules.completeness import missing_fields
from briefs.rules.tokens import hash_token
from briefs.rules.whose_move import CLIENT
from briefs.uploads import current_uploads
from briefs.url_ids import parse_id

bp = Blueprint("client_form", __name__)

#: Posts from one address, to any links: loose, because a client's office (or a proxy
#: the agency forgot to declare in PROXY_COUNT) puts many people behind one address.
POST_LIMIT = "600 per minute"
#: Posts to one link, from any addresses: generous for autosave of a long form, tight
#: enough to stop a script hammering a link from many addresses.
LINK_POST_LIMIT = "120 per minute"


def _link_key() -> str:
    """Key a limit by the link posted to; hashed, so the limits' storage holds no token."""
    return "link:" + hash_token((request.view_args or {}).get("token", ""))


@bp.after_request
def keep_private(response):
    """Keep the secret link out of caches and out of other sites' Referer headers."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.errorhandler(413)
def too_large(error: HTTPException):
    """Refuse a body over MAX_CONTENT_LENGTH in the link's language, not the browser's."""
    speak_links_language((request.view_args or {}).get("token", ""))
    return handle_http_error(error)


@bp.errorhandler(429)
def held_back(error: HTTPException):
    """Hold back a post over the limits in the link's language; a whole-form save comes
    back as the form with what was typed in it, so nothing is lost while the client waits.
    """
    link = speak_links_language((request.view_args or {}).get("token", ""))
    message = _(
        "You are saving very often. Please wait a minute, then press the button again: "
        "what you typed is still here."
    )
    if wants_json():
        return jsonify(ok=False, error=message, status=429), 429
    # Only the whole form comes back as itself; a link that opens nothing has none to show.
    if request.endpoint != "client_form.save" or link is None:
        return handle_http_error(error)
    seen = set(request.form.getlist("seen"))
    typed = {f.id: read_posted(f, request.form) for f in link.fields if str(f.id) in seen}
    flash(message, "warning")
    return _render(link, 429, typed=typed)


def _back(token: str, field_id: int | None = None, anchor: str | None = None):
    anchor = anchor or (f"field-{field_id}" if field_id else None)
    return redirect(url_for("client_form.form", token=token, _anchor=anchor))


def _render(link: Link, status: int = 200, **kwargs):
    page = build_page(link, **kwargs)
    return render_template(
        "client_form/form.html", page=page, fragments=PageFragments(page)
    ), status


@bp.get("/c/<token>")
def form(token: str):
    """Show the client's form and note that the link was opened."""
    now = clock.utcnow()
    peek = page_cache.peek(token)
    kept = page_cache.reuse(peek, now)
    if kept is not None:
        return kept
    link = open_link(token)
    if not link.is_colleague and workflow.note_link_opened(link.brief, now, link.contact):
        db.session.commit()
    flashed = "_flashes" in session
    html, status = _render(link)
    if peek is not None and link.contact is None and not link.is_colleague:
        page_cache.keep(peek, html, flashed=flashed)
    return html, status


@bp.post("/c/<token>")
@limiter.limit(POST_LIMIT)
@limiter.limit(LINK_POST_LIMIT, key_func=_link_key)
def save(token: str):
    """Save every field of the form, then do what the pressed button asks."""
    link = open_link(token)
    brief, actor, now = link.brief, link.actor, clock.utcnow()
    fields = link.fields
    form = request.form
    outcome = save_fields(fields, form, actor=actor, now=now)
    store_form_files(fields, request.files, form, outcome, actor=actor, now=now)
    removed = None
    if remove_id := parse_id(form.get("remove")):
        upload = upload_of(link, remove_id)
        removed = field_of(link, upload.field_id)
        remove_file(removed, upload, outcome, actor=actor, now=now)
    workflow.record_answers_saved(brief, outcome.saved, actor, now)
    for note in outcome.notes.values():
        flash(note, "warning")
    if outcome.errors or outcome.conflicts:
        db.session.commit()
        return _render(
            link, 422, errors=outcome.errors, typed=outcome.typed, conflicts=outcome.conflicts
        )
    action = form.get("action", "save")
    if removed:
        db.session.commit()
        flash(_("File removed."), "success")
        return _back(token, removed.id)
    for name, handler in _BUTTONS.items():
        if name in form:
            return handler(link, form[name], now)
    if action in ("submit", "submit_anyway", "done") and link.is_colleague:
        [holder] = holders(brief, [link.handover])
        note_done(link.handover, brief, holder, now=now)
        db.session.commit()
        flash(_("Thank you! Your answers are saved and the others can see them."), "success")
        return _back(token)
    if action in ("submit", "submit_anyway"):
        missing = missing_fields(fields, link.hidden)
        if missing and action == "submit":
            # Asked first, on the page itself (with JavaScript a dialog asked already).
            db.session.commit()
            return _render(link, confirm_submit=True)
        workflow.submit(brief, actor, now, missing=[f.key for f in missing])
        db.session.commit()
        flash(_("Submitted — thank you!"), "success")
        return _back(token, anchor="submitted")
    db.session.commit()
    flash(_("Saved."), "success")
    return _back(token)


def _comment_button(link: Link, raw: str, now):
    field = field_of(link, _int(raw))
    body = clean_body(request.form.get(f"comment-{field.id}"))
    if body is None:
        db.session.commit()
        flash(_("Please write a comment of up to 5,000 characters."), "error")
        return _back(link.token, field.id)
    add_comment(link.brief, field, body, side=CLIENT, actor=link.actor, now=now)
    db.session.commit()
    flash(_("Comment sent."), "success")
    return _back(link.token, field.id)


def _resolve_button(link: Link, raw: str, now):
    field = field_of(link, _int(raw))
    resolve(link.brief, field, actor=link.actor, now=now)
    db.session.commit()
    flash(_("Marked as resolved."), "success")
    return _back(link.token, field.id)


def _confirm_button(link: Link, raw: str, now):
    field = field_of(link, _int(raw))
    if confirm(link.brief, field, actor=link.actor, now=now):
        flash(_("Answer confirmed."), "success")
    db.session.commit()
    return _back(link.token, field.id)


def _handover_button(link: Link, scope: str, now):
    if link.is_colleague:
        abort(404)  # colleagues answer; handing on stays with the contacts
    typed, fields = read_handover_form(scope, request.form, scope_fields(link, scope))
    if not typed.errors:
        typed = check_limits(link, typed, fields, now)
    if typed.errors:
        db.session.commit()
        return _render(link, 422, handover_form=typed)
    share(link, fields, typed, now)
    db.session.commit()
    flash(_("%(name)s gets an e-mail with a link to these questions.", name=typed.name), "success")
    return _back(link.token, anchor="sharing")


def _withdraw_button(link: Link, raw: str, now):
    if link.is_colleague:
        abort(404)
    handover = handover_of(link.brief, _int(raw))
    if handover is None:
        abort(404)
    if withdraw(handover, link.brief, actor=link.actor, now=now):
        flash(_("The link of %(name)s no longer opens anything.", name=handover.name), "success")
    db.session.commit()
    return _back(link.token, anchor="sharing")


#: Buttons of the whole form that do one more thing after saving, by their name.
_BUTTONS = {
    "comment": _comment_button,
    "resolve": _resolve_button,
    "confirm": _confirm_button,
    "handover": _handover_button,
    "withdraw": _withdraw_button,
}


def _int(raw: str) -> int:
    value = parse_id(raw)
    if value is None:
        abort(404)
    return value


def _conflict_answer(link: Link, conflict: Conflict):
    """Answer 409 with both versions and the conflict view to show beside the field."""
    field = conflict.field
    html = render_template("client_form/_conflict.html", conflict=conflict, field=field)
    body = {
        "ok": False,
        "conflict": True,
        "mine": conflict.mine,
        "theirs": field.value,
        "theirs_by": field.answered_by,
        "merged": conflict.merged,
        "revision": field.revision,
        "conflict_html": html,
        **state_json(link),
    }
    return jsonify(body), 409


@bp.post("/c/<token>/fields/<int:field_id>")
@limiter.limit(POST_LIMIT)
@limiter.limit(LINK_POST_LIMIT, key_func=_link_key)
def save_field(token: str, field_id: int):
    """Save one field as the client types (autosave); answer in JSON."""
    link = open_link(token)
    field = field_of(link, field_id)
    actor, now = link.actor, clock.utcnow()
    posted = read_posted(field, request.form)
    try:
        saved = save_posted(field, posted, actor=actor, now=now)
    except AnswerError as error:
        message = answer_error(error.code)
        body = {"ok": False, "error": message, "revision": field.revision, **state_json(link)}
        return jsonify(body), 422
    if isinstance(saved, Conflict):
        return _conflict_answer(link, saved)
    if saved:
        workflow.record_answers_saved(link.brief, [field], actor, now)
        _commit_kept()
    # From what the save holds in memory, as committed: built after the commit, so the
    # database's write lock is not held while it is.
    body = {
        "ok": True,
        "revision": field.revision,
        "value": field.value,
        "not_applicable": field.not_applicable,
        "message": saved_message(field, now),
        "note": cleaning_note(field, posted),
        **state_json(link),
    }
    return jsonify(body)


def _commit_kept() -> None:
    """Commit without expiring what the session holds, which is what it committed: the
    reply is read from it (about 45 objects a save; expired, they would all be loaded
    again). The session is the request's own and is closed with it."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


@bp.post("/c/<token>/fields/<int:field_id>/confirm")
@limiter.limit(POST_LIMIT)
@limiter.limit(LINK_POST_LIMIT, key_func=_link_key)
def confirm_field(token: str, field_id: int):
    """Take the agency's suggested answer as the client's own."""
    link = open_link(token)
    field = field_of(link, field_id)
    now = clock.utcnow()
    confirmed = confirm(link.brief, field, actor=link.actor, now=now)
    db.session.commit()
    if wants_json():
        return jsonify(ok=confirmed, revision=field.revision, **state_json(link))
    if confirmed:
        flash(_("Answer confirmed."), "success")
    return _back(token, field.id)


@bp.post("/c/<token>/fields/<int:field_id>/comments")
@limiter.limit(POST_LIMIT)
@limiter.limit(LINK_POST_LIMIT, key_func=_link_key)
def comment(token: str, field_id: int):
    """Add a comment to a field's thread."""
    link = open_link(token)
    field = field_of(link, field_id)
    body = clean_body(request.form.get("body") or request.form.get(f"comment-{field.id}"))
    if body is None:
        if wants_json():
            return jsonify(ok=False, error=_("Please write a comment.")), 422
        flash(_("Please write a comment of up to 5,000 characters."), "error")
        return _back(token, field.id)
    add_comment(link.brief, field, body, side=CLIENT, actor=link.actor, now=clock.utcnow())
    db.session.commit()
    if wants_json():
        return jsonify(ok=True)
    flash(_("Comment sent."), "success")
    return _back(token, field.id)


def _files_answer(link: Link, field, outcome: Outcome, done: str):
    """Answer a file change: JSON with the new list for scripts, else back to the form."""
    error = outcome.errors.get(field.id)
    if wants_json():
        files_html = render_template(
            "client_form/_files.html",
            files=file_views(link.token, current_uploads(field)),
            field=field,
        )
        body = {
            "ok": error is None,
            "error": error,
            "revision": field.revision,
            "files_html": files_html,
            "message": done if outcome.saved else "",
            **state_json(link),
        }
        return jsonify(body), (422 if error else 200)
    if error:
        flash(error, "error")
    elif outcome.saved:
        flash(done, "success")
    return _back(link.token, field.id)


@bp.post("/c/<token>/fields/<int:field_id>/files")
@limiter.limit(POST_LIMIT)
@limiter.limit(LINK_POST_LIMIT, key_func=_link_key)
def upload_files(token: str, field_id: int):
    """Store the files sent for a file field."""
    link = open_link(token)
    field = field_of(link, field_id)
    if field.type != "file":
        abort(404)
    actor, now = link.actor, clock.utcnow()
    outcome = Outcome()
    names = ["files", f"files-{field.id}"]
    files = [storage for name in names for storage in request.files.getlist(name)]
    store_files(field, files, outcome, actor=actor, now=now)
    note_unreadable_files(field, request.form, names, outcome)
    workflow.record_answers_saved(link.brief, outcome.saved, actor, now)
    db.session.commit()
    return _files_answer(link, field, outcome, _("File uploaded."))


@bp.post("/c/<token>/files/<int:upload_id>/remove", endpoint="remove_file")
@limiter.limit(POST_LIMIT)
@limiter.limit(LINK_POST_LIMIT, key_func=_link_key)
def remove_upload(token: str, upload_id: int):
    """Take a file off its field; it stays in the history."""
    link = open_link(token)
    upload = upload_of(link, upload_id)
    field = field_of(link, upload.field_id)
    actor, now = link.actor, clock.utcnow()
    outcome = Outcome()
    remove_file(field, upload, outcome, actor=actor, now=now)
    workflow.record_answers_saved(link.brief, outcome.saved, actor, now)
    db.session.commit()
    return _files_answer(link, field, outcome, _("File removed."))


@bp.get("/c/<token>/files/<int:upload_id>")
def download(token: str, upload_id: int):
    """Send one of the link's own files back, always as a download."""
    link = open_link(token)
    upload = upload_of(link, upload_id)
    response = send_stored(
        upload.stored_name,
        mimetype=upload.content_type,
        as_attachment=True,
        download_name=upload.original_name,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
