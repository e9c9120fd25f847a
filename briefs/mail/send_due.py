"""One `send-due` run: queue what the schedule says is due, then deliver the outbox."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app

from briefs.accounts import agency_settings
from briefs.chase_policy import policy_for
from briefs.chase_status import assess
from briefs.extensions import db
from briefs.mail.alerts import AlertLine, alert_drafts, risk_lines
from briefs.mail.batching import batch_reminders, fold_invitations
from briefs.mail.chasing import lookups, open_briefs, plan_brief, risk_changes
from briefs.mail.comment_mail import comment_drafts
from briefs.mail.delivery import deliver_due
from briefs.mail.digests import agency_digests, chase_lines, client_digests, stored_lines
from briefs.mail.due_briefs import (
    digest_news,
    drafted_briefs,
    last_event_id,
    next_due,
    note_empty_digest,
    remember,
    select_due,
)
from briefs.mail.limit_reached import limit_drafts, limit_lines
from briefs.mail.move_mail import move_drafts
from briefs.mail.outbox import Draft, due_messages, queue_all
from briefs.mail.preview import PreviewLine, preview
from briefs.mail.smtp import parse_smtp_url, sender_address
from briefs.mail.stale_reminders import cancel_stale
from briefs.mail.webhook_paused import paused_drafts
from briefs.models import Message, WebhookEndpoint
from briefs.rules.reminders import wants_reminders
from briefs.telegram.delivery import Sent, send_telegram
from briefs.webhooks.delivery import Posted, deliver_webhooks

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    """What a run queued and delivered."""

    planned: list[Draft] = field(default_factory=list)
    queued: list[Message] = field(default_factory=list)
    due: list[Message] = field(default_factory=list)
    delivered: int = 0
    failed: int = 0
    #: Sent, but the server's answer never came: not sent again (see mail.delivery).
    unconfirmed: int = 0
    smtp_configured: bool = False
    #: For a dry run: one line per mail a real run would queue or deliver, folded alike.
    preview: list[PreviewLine] = field(default_factory=list)
    #: What the webhook deliveries after the mail did.
    webhooks: Posted = field(default_factory=Posted)
    #: What Telegram did after them: chats linked, alerts sent.
    telegram: Sent = field(default_factory=Sent)


@dataclass
class Plan:
    """What a run decided at one moment."""

    drafts: list[Draft]
    #: The launch risk each open brief is at now, by brief id.
    levels: dict[int, str | None]
    #: Ids of the briefs that should still be chased (their waiting reminders stand).
    chased: set[int]
    #: When each brief judged with nothing to send is next worth a look, by brief id.
    due: dict[int, datetime] = field(default_factory=dict)
    #: The risk level each judged brief's owners had been told of, by brief id.
    known: dict[int, str | None] = field(default_factory=dict)
    #: The newest event when the run read the briefs (see due_briefs.remember).
    as_of_event: int = 0


def plan(now: datetime) -> Plan:
    """Decide every message due at `now`, each brief's risk, and which are still chased.

    Only the briefs that can be due at `now` are judged (mail/due_briefs.py).
    """
    settings = agency_settings()
    as_of_event = last_event_id()
    chosen = select_due(settings, now)
    ids = chosen.ids
    briefs = open_briefs(sorted(ids)) if ids else []
    chases, cal = assess(briefs, settings, now)
    # The digest lists every open brief, from the summaries stored on them (not judged).
    weigh = chosen.digest_due and (
        chosen.digest_unweighed or digest_news(chase_lines(chases), settings, cal, now)
    )
    drafts: list[Draft] = []
    alerts: list[AlertLine] = []
    levels: dict[int, str | None] = {}
    chased: set[int] = set()
    # Links and wordings for every judged brief at once, not one query per mail.
    looked_up = lookups([chase.summary.brief for chase in chases])
    for chase in chases:
        brief = chase.summary.brief
        if wants_reminders(chase.state, policy_for(brief, settings)):
            chased.add(brief.id)
        drafts += plan_brief(chase, settings=settings, cal=cal, now=now, known=looked_up)
        level, late_drafts = risk_changes(chase, settings, cal, now, looked_up)
        drafts += late_drafts
        drafts += limit_drafts(chase, settings=settings, cal=cal, now=now)
        alerts += limit_lines(chase, settings=settings, cal=cal, now=now)
        if level and level != brief.risk_notified:
            alerts += risk_lines(chase, level)
        levels[brief.id] = level
    # One reminder per contact, listing every brief they are reminded of in this run.
    drafts = batch_reminders(drafts)
    # One alert per teammate, listing every brief that needs them after this run.
    drafts += alert_drafts(alerts, settings)
    drafts += move_drafts(chases, settings, now)
    if weigh:
        digests = agency_digests(
            stored_lines(settings, cal, now), settings=settings, cal=cal, now=now
        )
        if not digests:
            note_empty_digest(settings, now)
        drafts += digests
    drafts += client_digests(chases, settings=settings, cal=cal, now=now)
    # Marks its comments as told in the session; a dry run rolls that back.
    drafts += comment_drafts(now)
    drafted = drafted_briefs(drafts)
    due = {
        chase.summary.brief.id: next_due(chase, settings, cal, now)
        for chase in chases
        if chase.summary.brief.id not in drafted
    }
    known = {chase.summary.brief.id: chase.summary.brief.risk_notified for chase in chases}
    return Plan(drafts, levels, chased, due, known, as_of_event)


def run(
    now: datetime, *, dry_run: bool = False, wall: Callable[[], datetime] | None = None
) -> RunReport:
    """Queue what is due and deliver the outbox; with dry_run, change nothing.

    `wall` reads the moment delivery claims are timed against (the clock, from the
    command); without it they are timed at `now`.
    """
    smtp = parse_smtp_url(current_app.config["SMTP_URL"])
    report = RunReport(smtp_configured=smtp is not None)
    decided = plan(now)
    report.planned = decided.drafts
    if dry_run:
        report.due = due_messages(now)
        report.preview = preview(decided.drafts, report.due)
        db.session.rollback()
        return report
    # One transaction for the step: a message is stored before anything tries to deliver it.
    report.queued = queue_all(decided.drafts, now)
    # One invitation per contact, listing every brief sent to them since the last run.
    report.queued += fold_invitations(now)
    # One statement each, without reading the briefs again after queue()'s commits.
    remember(decided.due, decided.levels, decided.known, decided.as_of_event)
    db.session.commit()
    cancel_stale(now, decided.chased)
    run_id = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    if smtp is None:
        # Logged once, when queued; the Outbox page lists everything that waits.
        for message in report.queued:
            log.warning(
                "No SMTP_URL, so this waits in the outbox: %s to %s: %s",
                message.kind,
                ", ".join(message.to_addrs),
                message.subject,
            )
        report.due = due_messages(now)
        report.webhooks = _post_webhooks(now, wall, run_id)
        report.telegram = send_telegram(now, wall or (lambda: now), run_id)
        return report
    settings = agency_settings()
    sender = sender_address(current_app.config["MAIL_FROM"], settings.name)
    reply_to = settings.reply_to
    # Nothing may stay open in the database while the server is talked to.
    db.session.commit()
    done = deliver_due(now, wall or (lambda: now), smtp, sender, reply_to, run_id)
    report.delivered, report.failed, report.unconfirmed = done.sent, done.failed, done.unconfirmed
    report.webhooks = _post_webhooks(now, wall, run_id)
    report.telegram = send_telegram(now, wall or (lambda: now), run_id)
    return report


def _post_webhooks(now: datetime, wall: Callable[[], datetime] | None, run_id: str) -> Posted:
    """Post the due webhook deliveries, after the mail (a slow receiver never delays it)."""
    db.session.commit()
    allow_private = bool(current_app.config.get("ALLOW_PRIVATE_WEBHOOKS"))
    posted = deliver_webhooks(
        now,
        wall or (lambda: now),
        run_id,
        allow_private=allow_private,
        secret_key=current_app.config["SECRET_KEY"],
    )
    # The owners hear of a pause by mail, queued now and delivered by the next run.
    settings = agency_settings()
    drafts = []
    for endpoint_id in posted.paused:
        endpoint = db.session.get(WebhookEndpoint, endpoint_id)
        drafts += paused_drafts(endpoint, settings) if endpoint else []
    queue_all(drafts, now)
    return posted
