"""Routes of the timeline blueprint: a brief's or a client's timeline, print and Markdown."""

from __future__ import annotations

from datetime import UTC

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from briefs import clock, workflow
from briefs.downloads import markdown_download
from briefs.extensions import db
from briefs.models import Brief
from briefs.rules.timeline_report import Sentence
from briefs.timeline.export import brief_timeline_markdown, client_timeline_markdown
from briefs.timeline.forms import LoggedContactForm
from briefs.timeline.loading import agency_calendar
from briefs.timeline.pages import brief_view, client_view
from briefs.timeline.sentences import Context, happened_at, sentence
from briefs.timeline.wording import check_sentence
from briefs.workflow import Actor

bp = Blueprint("timeline", __name__)


@bp.app_template_filter("sentence")
def sentence_html(value: Sentence) -> Markup:
    """Render a timeline sentence as HTML, every value escaped."""
    return Markup(value.render(escape, escape, lambda c: f"<code>{escape(c)}</code>"))


@bp.app_template_global("event_sentence")
def event_sentence(
    event, labels_by_key=None, labels_by_id=None, delivered=None, zone=None, saves=None
) -> Markup:
    """Say what one event records, as HTML (for the brief page's list of events).

    `delivered` (briefs.timeline.sentences.deliveries) folds a message's delivery into its
    queued line, said in `zone`, as the timeline does; `saves` (sentences.save_runs) names
    every question a run of saves touched on its first line.
    """
    ctx = Context(
        labels_by_key=labels_by_key or {},
        labels_by_id=labels_by_id or {},
        delivered=delivered or {},
        zone=zone or UTC,
        saves=saves or {},
    )
    return sentence_html(sentence(event, ctx))


@bp.route("/briefs/<int:brief_id>/timeline", methods=["GET", "POST"])
@login_required
def brief_timeline(brief_id: int):
    """Show a brief's timeline; add a contact that happened outside Briefs."""
    now = clock.utcnow()
    form = LoggedContactForm()
    _cal, tz = agency_calendar(now)
    if form.validate_on_submit() and form.check_not_future(tz, now):
        brief = db.get_or_404(Brief, brief_id)
        promise = form.promise()
        workflow.record(
            brief,
            "contact_logged",
            Actor.user(current_user),
            now,
            occurred_at=form.moment(tz).isoformat(),
            channel=form.channel.data,
            with_whom=(form.with_whom.data or "").strip(),
            note=form.note.data.strip(),
            **({"promise": promise} if promise else {}),
        )
        db.session.commit()
        flash(_("Added to the timeline."), "success")
        return redirect(url_for("timeline.brief_timeline", brief_id=brief_id))
    if not form.is_submitted():
        local = now.astimezone(tz)
        form.day.data, form.time.data = local.date(), local.time().replace(second=0, microsecond=0)
    view = brief_view(brief_id, now)
    status = 422 if form.errors else 200
    return render_template("timeline/brief.html", view=view, form=form, now=now), status


@bp.get("/briefs/<int:brief_id>/timeline/print")
@login_required
def brief_print(brief_id: int):
    """Show a brief's timeline as a page to print."""
    view = brief_view(brief_id, clock.utcnow(), fixed=True)
    return render_template(
        "timeline/print.html", view=view, per_brief=True, check_sentence=check_sentence()
    )


@bp.get("/briefs/<int:brief_id>/timeline.md")
@login_required
def brief_markdown_download(brief_id: int):
    """Download a brief's timeline as Markdown."""
    text, title = brief_timeline_markdown(brief_id, clock.utcnow())
    return markdown_download(text, title, f"brief-{brief_id}", "-timeline.md")


@bp.get("/clients/<int:client_id>/timeline")
@login_required
def client_timeline(client_id: int):
    """Show a client's timeline across all its briefs."""
    now = clock.utcnow()
    return render_template("timeline/client.html", view=client_view(client_id, now), now=now)


@bp.get("/clients/<int:client_id>/timeline/print")
@login_required
def client_print(client_id: int):
    """Show a client's timeline as a page to print."""
    view = client_view(client_id, clock.utcnow(), fixed=True)
    return render_template(
        "timeline/print.html", view=view, per_brief=False, check_sentence=check_sentence()
    )


@bp.get("/clients/<int:client_id>/timeline.md")
@login_required
def client_markdown_download(client_id: int):
    """Download a client's timeline as Markdown."""
    text, title = client_timeline_markdown(client_id, clock.utcnow())
    return markdown_download(text, title, f"client-{client_id}", "-timeline.md")


@bp.app_template_global("event_happened_at")
def event_happened_at(event):
    """Return when an event happened (a hand-added contact's own time)."""
    return happened_at(event)
