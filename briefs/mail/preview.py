"""What a dry run of `send-due` would send, one line per mail, folded as a real run folds.

A real run queues the drafts its plan made (reminders, alerts and the mail about answers
sent back or submitted already come one per person), then folds the invitations waiting
for one contact into one mail, then delivers. The preview says the same: each mail once,
with the briefs it covers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from briefs.accounts import agency_settings
from briefs.extensions import db
from briefs.mail.batching import batch_subject, invitation_groups
from briefs.mail.outbox import Draft, covered_briefs
from briefs.models import Brief, Message
from briefs.telegram.alerts import route


@dataclass(frozen=True)
class PreviewLine:
    """One mail a run would queue or deliver."""

    #: "queue" (decided by this run) or "deliver" (already waiting in the outbox).
    action: str
    kind: str
    to: list[str]
    subject: str
    #: The titles of the briefs it is about, in the order it lists them.
    briefs: list[str]

    def __str__(self) -> str:
        about = (
            f" [{len(self.briefs)} briefs: {'; '.join(self.briefs)}]"
            if len(self.briefs) > 1
            else ""
        )
        return f"would {self.action} {self.kind} to {', '.join(self.to)}: {self.subject}{about}"


def preview(drafts: list[Draft], due: list[Message]) -> list[PreviewLine]:
    """Return one line per mail a run would queue, then per mail it would deliver.

    A teammate who chose Telegram is named with "(Telegram)", and left out of the e-mail
    when Telegram is all they chose.
    """
    lines = [
        PreviewLine(
            "queue",
            draft.kind,
            _recipients(draft),
            draft.subject,
            [
                brief.title
                for brief in ([draft.brief] if draft.brief else [b for b, _ in draft.about])
            ],
        )
        for draft in drafts
    ]
    titles = _titles({brief_id for message in due for brief_id in covered_briefs(message)})
    groups = invitation_groups(due)
    folded = {id(message): group for group in groups.values() for message in group}
    agency = agency_settings().name if groups else ""
    for message in due:
        group = folded.get(id(message))
        if group is not None and message is not group[0]:
            continue  # goes out inside the first one's mail
        if group is not None:
            subject = batch_subject("invitation", len(group), agency, message.locale)
            covered = [titles.get(m.brief_id, "") for m in group]
        else:
            subject = message.subject
            covered = [titles.get(i, "") for i in covered_briefs(message)]
        lines.append(PreviewLine("deliver", message.kind, list(message.to_addrs), subject, covered))
    return lines


def _recipients(draft: Draft) -> list[str]:
    """Return whom a draft would reach: the addresses e-mailed, then those in Telegram."""
    routing = route(draft.kind, draft.audience, list(draft.to))
    return routing.email + [f"{address} (Telegram)" for address in routing.in_telegram]


def _titles(brief_ids: set[int]) -> dict[int, str]:
    """Return the briefs' titles by id (one query)."""
    if not brief_ids:
        return {}
    rows = db.session.execute(select(Brief.id, Brief.title).where(Brief.id.in_(brief_ids)))
    return {brief_id: title for brief_id, title in rows}
