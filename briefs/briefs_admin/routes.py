"""Views of one brief: create it, show it, share its link, review answers, close it.

briefs_admin/blueprint.py maps their URLs.
"""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from briefs import brief_editing, clock, workflow
from briefs.accounts import agency_settings
from briefs.briefs_admin.forms import (
    ConfirmForm,
    EditBriefForm,
    NewBriefForm,
    RegenerateLinkForm,
    ReviewForm,
    template_in_language,
)
from briefs.briefs_admin.page import BriefPage, load_brief_for_page, load_page
from briefs.briefs_admin.reviewing import review_args, wants_review_mode
from briefs.chase_policy import zone
from briefs.confirmation import ask, confirmed
from briefs.extensions import db
from briefs.file_storage import send_stored
from briefs.handovers import active_handovers, withdraw_all
from briefs.models import Brief, BriefField, Client, Template, Upload
from briefs.models.brief import ACCEPTED
from briefs.recipient_links import ensure_links
from briefs.rules.completeness import has_answer
from briefs.security_headers import no_store
from briefs.url_ids import parse_id
from briefs.workflow import Actor

#: Files a browser may show in the page instead of downloading; never SVG or HTML.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}

#: What closing does, said where the agency is asked to confirm it.
CLOSE_DETAIL = _l(
    "It leaves the dashboard and its link stops working until you reopen it. "
    "Answers and files are kept."
)


def _actor() -> Actor:
    return Actor.user(current_user)


def _brief_or_404(brief_id: int) -> Brief:
    return db.get_or_404(Brief, brief_id)


def _to_brief(brief: Brief, anchor: str | None = None, *, review_mode: bool = False):
    return redirect(
        url_for("briefs_admin.brief", brief_id=brief.id, _anchor=anchor, **review_args(review_mode))
    )


@login_required
def new_brief():
    """Create a brief in two steps: pick the client, then everything else."""
    templates = db.session.scalars(
        select(Template).where(Template.archived_at.is_(None)).order_by(func.lower(Template.name))
    ).all()
    client_id = parse_id(request.args.get("client_id"))
    if client_id is None:
        clients = db.session.scalars(select(Client).order_by(func.lower(Client.name))).all()
        return render_template(
            "briefs_admin/choose_client.html", clients=clients, templates=templates
        )
    client = db.get_or_404(Client, client_id)
    form = NewBriefForm()
    form.template_id.choices = [(t.id, t.name) for t in templates]
    form.offer_contacts(client)
    if request.method == "GET":
        # The agency's own language first; decision-makers are told, not asked, so unticked.
        form.template_id.data = template_in_language(templates, agency_settings().default_locale)
        form.recipients.data = [c.id for c in client.contacts if c.role == "contact"]
    if templates and client.contacts and form.validate_on_submit():
        brief = form.create_brief(
            client,
            actor=_actor(),
            now=clock.utcnow(),
            secret_key=current_app.config["SECRET_KEY"],
        )
        db.session.commit()
        flash(_("Brief created. Copy the link below and send it to the client."), "success")
        return _to_brief(brief)
    return render_template(
        "briefs_admin/new.html", form=form, client=client, templates=templates
    ), (422 if form.errors else 200)


@no_store
def _render_page(page: BriefPage | None, status: int = 200):
    if page is None:
        abort(404)
    return render_template("briefs_admin/brief.html", page=page), status


@login_required
def brief(brief_id: int):
    """Show one brief: where it stands, its links, every answer and its record."""
    now = clock.utcnow()
    # Links are made when first needed: for a brief older than them, or a recipient added.
    brief = _brief_or_404(brief_id)
    if ensure_links(brief, now=now, secret_key=current_app.config["SECRET_KEY"]):
        db.session.commit()
    return _render_page(load_page(brief_id, now, review_mode=wants_review_mode(request.args)))


@login_required
def edit_details(brief_id: int):
    """Change an open brief's title, dates, people or language; each change is recorded."""
    brief = load_brief_for_page(brief_id)
    if brief is None:
        abort(404)
    workflow.refuse_if_closed(brief, "edit")
    form = EditBriefForm.for_brief(brief)
    now = clock.utcnow()
    today = now.astimezone(zone(agency_settings().timezone)).date()
    valid = form.validate_on_submit()
    # Checked even when something else is wrong, so every mistake is marked at once.
    if form.check_launch_date(brief, today) and valid:
        added = set(form.recipients.data) - {c.id for c in brief.recipients}
        changes = brief_editing.edit_details(brief, form.details(brief.client), _actor(), now)
        db.session.commit()
        if not changes:
            flash(_("Nothing changed."), "info")
        elif added and brief.sent_at:
            flash(
                _(
                    "Details saved. New recipients get the next reminder; to send them "
                    "the link now, use “E-mail the link again”."
                ),
                "success",
            )
        else:
            flash(_("Details saved."), "success")
        return _to_brief(brief)
    status = 422 if form.errors else 200
    return render_template("briefs_admin/edit.html", form=form, brief=brief), status


@login_required
def mark_sent(brief_id: int):
    """Record that the agency sent the client link itself."""
    brief = _brief_or_404(brief_id)
    if ConfirmForm().validate_on_submit():
        workflow.mark_sent(brief, _actor(), clock.utcnow())
        db.session.commit()
        flash(_("Noted: the link was sent to the client."), "success")
    return _to_brief(brief)


@login_required
def regenerate_link(brief_id: int):
    """Ask, then replace the client link (and colleagues' links, if asked); old ones stop."""
    brief = _brief_or_404(brief_id)
    form = RegenerateLinkForm()
    handovers = active_handovers(brief.id)
    if form.validate_on_submit():
        now, actor = clock.utcnow(), _actor()
        workflow.regenerate_link(brief, actor, now, current_app.config["SECRET_KEY"])
        stopped = withdraw_all(brief, actor=actor, now=now) if form.withdraw_handovers.data else []
        db.session.commit()
        flash(_("A new link is ready. The previous link no longer opens the brief."), "success")
        if stopped:
            flash(
                _(
                    "Colleagues' links stopped too: %(names)s.",
                    names=", ".join(h.name for h in stopped),
                ),
                "success",
            )
        return _to_brief(brief, "client-link")
    return render_template(
        "briefs_admin/regenerate.html", brief=brief, form=form, handovers=handovers
    )


@login_required
def close(brief_id: int):
    """Close the brief, once the person confirmed it."""
    brief = _brief_or_404(brief_id)
    if not ConfirmForm().validate_on_submit():
        return _to_brief(brief)
    if not brief.is_closed and not confirmed():
        return ask(
            _("Close the brief “%(title)s”?", title=brief.title),
            detail=_(CLOSE_DETAIL),
            button=_("Close the brief"),
            back=url_for("briefs_admin.brief", brief_id=brief.id),
        )
    if workflow.close(brief, _actor(), clock.utcnow()):
        db.session.commit()
        flash(_("The brief is closed. Its link no longer opens the form."), "success")
    return _to_brief(brief)


@login_required
def reopen(brief_id: int):
    """Reopen a closed brief."""
    brief = _brief_or_404(brief_id)
    if ConfirmForm().validate_on_submit() and workflow.reopen(brief, _actor(), clock.utcnow()):
        db.session.commit()
        flash(_("The brief is open again."), "success")
    return _to_brief(brief)


@login_required
def review(brief_id: int, field_id: int):
    """Accept a field's answer, or send it back to the client with a comment."""
    field = db.get_or_404(BriefField, field_id)
    if field.brief_id != brief_id:
        abort(404)
    brief = field.brief
    anchor = f"field-{field.id}"
    reviewing = wants_review_mode(request.form)
    form = ReviewForm(prefix=f"f{field.id}")
    if not form.validate_on_submit():
        if form.errors.keys() - {"comment"}:
            # Not a form this page renders (a stale tab, a hand-made request): start over.
            flash(_("The review could not be saved. Please try again."), "error")
            return _to_brief(brief, anchor, review_mode=reviewing)
        page = load_page(brief.id, clock.utcnow(), failed=(field.id, form), review_mode=reviewing)
        return _render_page(page, 422)
    if not field.revision:
        # A review is about one revision of an answer; there is none yet.
        flash(
            _("“%(label)s” has no answer yet, so there is nothing to review.", label=field.label),
            "warning",
        )
        return _to_brief(brief, anchor, review_mode=reviewing)
    if workflow.is_hidden(field):
        flash(
            _(
                "“%(label)s” is hidden now: its condition is not met by the client's answers, "
                "so it is not reviewed.",
                label=field.label,
            ),
            "warning",
        )
        return _to_brief(brief, anchor, review_mode=reviewing)
    if form.verdict.data == ACCEPTED and not has_answer(field):
        flash(
            _("“%(label)s” has no answer yet, so there is nothing to accept.", label=field.label),
            "warning",
        )
        return _to_brief(brief, anchor, review_mode=reviewing)
    workflow.review(
        field, form.verdict.data, (form.comment.data or "").strip(), _actor(), clock.utcnow()
    )
    db.session.commit()
    if form.verdict.data == ACCEPTED:
        flash(_("Answer to “%(label)s” accepted.", label=field.label), "success")
    elif brief.recipients:
        # briefs.mail.move_mail sends it once the agency stops reviewing for a moment.
        flash(
            _(
                "Changes requested for “%(label)s”. The client sees your comment next to it "
                "and is e-mailed at the next send-out.",
                label=field.label,
            ),
            "success",
        )
    else:
        flash(
            _(
                "Changes requested for “%(label)s”. The client sees your comment next to it.",
                label=field.label,
            ),
            "success",
        )
    return _to_brief(brief, anchor, review_mode=reviewing)


@login_required
def download_upload(brief_id: int, upload_id: int):
    """Send a file the client uploaded to this brief."""
    upload = db.get_or_404(Upload, upload_id)
    if upload.brief_id != brief_id:
        abort(404)
    response = send_stored(
        upload.stored_name,
        mimetype=upload.content_type,
        as_attachment=upload.content_type not in INLINE_TYPES,
        download_name=upload.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Whatever the file holds, it runs nothing in the agency's session.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
