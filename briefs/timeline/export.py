"""The timeline as a Markdown download: the same events always give the same bytes."""

from __future__ import annotations

from datetime import datetime

from flask import abort
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from briefs.accounts import agency_settings
from briefs.extensions import db
from briefs.models import Brief
from briefs.rules.timeline_report import Report, ReportPart, report_markdown
from briefs.timeline import wording
from briefs.timeline.pages import TimelineView, brief_view, client_view


def _report(view: TimelineView, *, per_brief: bool) -> Report:
    if per_brief:
        title = _("Timeline of %(title)s", title=view.title)
        facts = ((_("Client:"), view.client.name), (_("Times:"), str(view.zone.key)))
    else:
        title = _("Timeline of the client %(name)s", name=view.title)
        facts = (
            (_("Briefs:"), ", ".join(p.brief.title for p in view.parts) or "—"),
            (_("Times:"), str(view.zone.key)),
        )
    return Report(
        title=title,
        facts=facts,
        parts=tuple(
            ReportPart(None if per_brief else p.brief.title, p.summary) for p in view.parts
        ),
        days=tuple(view.days),
        zone=view.zone,
        totals_title=None if per_brief else _("All briefs, added up"),
        totals=None if per_brief else view.totals,
        head_event_id=view.head.id if view.head else None,
        head_hash=view.head.hash if view.head else "",
        log_count=view.log.count if view.log else 0,
        log_head=view.log.hash if view.log else "",
    )


def brief_timeline_markdown(brief_id: int, now: datetime) -> tuple[str, str]:
    """Return a brief's timeline as Markdown in its own language, and its title."""
    locale = db.session.scalar(select(Brief.locale).where(Brief.id == brief_id))
    if locale is None:
        abort(404)
    with force_locale(locale):
        view = brief_view(brief_id, now, fixed=True)
        return report_markdown(_report(view, per_brief=True), wording.report_words()), view.title


def client_timeline_markdown(client_id: int, now: datetime) -> tuple[str, str]:
    """Return a client's timeline as Markdown in the agency's language, and the client's name."""
    with force_locale(agency_settings().default_locale or "en"):
        view = client_view(client_id, now, fixed=True)
        return report_markdown(_report(view, per_brief=False), wording.report_words()), view.title
