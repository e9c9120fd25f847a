"""The agency's side of working together: assign questions, withdraw links, comment, prefill."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from briefs import clock
from briefs.accounts import agency_settings
from briefs.answer_messages import answer_error, characters_removed
from briefs.briefs_admin.forms import AssignForm, ConfirmForm, assign_choices
from briefs.briefs_admin.page import load_page
from briefs.comments import add_comment, clean_body, resolve
from briefs.extensions import db
from briefs.handovers import hand_over_by_mail, handover_of, withdraw
from briefs.models import Brief, BriefField
from briefs.prefill import prefill
from briefs.rules.answers import AnswerError, clean_answer, has_control_characters, plain_text
from briefs.rules.whose_move import AGENCY
from briefs.security_headers import no_store
from briefs.workflow import Actor


def _to_brief(brief_id: int, anchor: str | None = None):
    return redirect(url_for("briefs_admin.brief", brief_id=brief_id, _anchor=anchor))


def _field_or_404(brief_id: int, field_id: int) -> BriefField:
    field = db.get_or_404(BriefField, field_id)
    if field.brief_id != brief_id:
        abort(404)
    return field


@no_store
def _rerender(brief_id: int, **shown_again):
    """Show the brief page again with a refused form and its errors."""
    page = load_page(brief_id, clock.utcnow(), **shown_again)
    return render_template("briefs_admin/brief.html", page=page), 422


def _chosen_fields(brief: Brief, scope: list[str]) -> list[BriefField]:
    picked = set(scope)
    return [
        field
        for section in brief.sections
        for field in section.fields
        if f"s-{section.id}" in picked or f"f-{field.id}" in picked
    ]


@login_required
def assign(brief_id: int):
    """Give one of the client's contacts a link to some questions and e-mail it."""
    brief = db.get_or_404(Brief, brief_id)
    form = AssignForm()
    form.contact_id.choices = [(c.id, c.name) for c in brief.client.contacts]
    form.scope.choices = assign_choices(brief)
    fields = _chosen_fields(brief, form.scope.data or [])
    if not form.validate_on_submit() or not fields:
        if not fields:
            form.scope.errors = [*form.scope.errors, _("Choose at least one question.")]
        return _rerender(brief.id, assign_form=form)
    contact = next(c for c in brief.client.contacts if c.id == form.contact_id.data)
    hand_over_by_mail(
        brief,
        fields,
        agency=agency_settings().name,
        name=contact.name,
        email=contact.email,
        note=plain_text(form.note.data or "").strip(),
        actor=Actor.user(current_user),
        now=clock.utcnow(),
        secret_key=current_app.config["SECRET_KEY"],
        contact_id=contact.id,
    )
    db.session.commit()
    flash(
        _("%(name)s gets an e-mail with a link to these questions.", name=contact.name), "success"
    )
    return _to_brief(brief.id, "who-has-what")


@login_required
def withdraw_handover(brief_id: int, handover_id: int):
    """Stop a colleague's link from opening anything."""
    brief = db.get_or_404(Brief, brief_id)
    handover = handover_of(brief, handover_id)
    if handover is None:
        abort(404)
    if ConfirmForm().validate_on_submit() and withdraw(
        handover, brief, actor=Actor.user(current_user), now=clock.utcnow()
    ):
        db.session.commit()
        flash(_("The link of %(name)s no longer opens anything.", name=handover.name), "success")
    return _to_brief(brief.id, "who-has-what")


@login_required
def comment(brief_id: int, field_id: int):
    """Add the agency's comment to a field's thread."""
    field = _field_or_404(brief_id, field_id)
    raw = request.form.get("body", "")
    body = clean_body(raw)
    if body is None:
        error = _("Write a comment of up to 5,000 characters.")
        return _rerender(brief_id, comment_error=(field.id, error, raw))
    add_comment(
        field.brief, field, body, side=AGENCY, actor=Actor.user(current_user), now=clock.utcnow()
    )
    db.session.commit()
    flash(_("Comment added. The client is told by e-mail in a few minutes."), "success")
    return _to_brief(brief_id, f"field-{field.id}")


@login_required
def resolve_thread(brief_id: int, field_id: int):
    """Mark a field's comment thread resolved."""
    field = _field_or_404(brief_id, field_id)
    if ConfirmForm().validate_on_submit():
        resolve(field.brief, field, actor=Actor.user(current_user), now=clock.utcnow())
        db.session.commit()
    return _to_brief(brief_id, f"field-{field.id}")


@login_required
def prefill_field(brief_id: int, field_id: int):
    """Save an answer the agency already knows, for the client to confirm."""
    field = _field_or_404(brief_id, field_id)
    raw = request.form.get("value", "")
    if field.type == "file":
        abort(404)
    value = raw.splitlines() if field.type == "multiple_choice" else raw
    try:
        cleaned = clean_answer(field.type, list(field.options or []), value, field.brief.locale)
    except AnswerError as error:
        return _rerender(brief_id, prefill_error=(field.id, answer_error(error.code), raw))
    if not cleaned:
        error = _("Write the answer you would suggest.")
        return _rerender(brief_id, prefill_error=(field.id, error, raw))
    if prefill(field.brief, field, cleaned, user=current_user, now=clock.utcnow()):
        db.session.commit()
        flash(_("Suggested answer saved. The client is asked to confirm it."), "success")
        if has_control_characters(value):
            flash(characters_removed(), "warning")
    return _to_brief(brief_id, f"field-{field.id}")
