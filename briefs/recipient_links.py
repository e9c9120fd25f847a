"""Each recipient's own link to a brief, and the decision-maker's read-only status link.

A brief's shared link (Brief.token_hash) credits what is done through it to all its
recipients together; a recipient's own link credits it to that one person. A new brief gets
its links when it is created; a recipient added later, and a brief made before links
existed, get theirs when first needed (the brief page, a mail to the recipient), not from
the migration, because tokens are sealed with SECRET_KEY. A contact who
stops being a recipient loses their link with it. Like workflow, nothing here commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from briefs.extensions import db
from briefs.models import Brief, Contact, RecipientLink
from briefs.rules.tokens import new_token, seal


def recipient_links(
    briefs: list[Brief],
    *,
    now: datetime,
    secret_key: str,
    known: dict[tuple[int, int], RecipientLink] | None = None,
) -> dict[tuple[int, int], RecipientLink]:
    """Return every recipient's link by (brief id, contact id), making the missing ones.

    The briefs' recipients should be loaded with them; this reads the links in one query,
    or none when `known` already holds every link these briefs have (it is added to).
    """
    read = known is None
    if known is None:
        ids = [brief.id for brief in briefs]
        known = {
            (link.brief_id, link.contact_id): link
            for link in db.session.scalars(
                select(RecipientLink).where(RecipientLink.brief_id.in_(ids))
            )
        }
    links = known
    for brief in briefs:
        for contact in brief.recipients:
            if (brief.id, contact.id) not in links:
                token, token_hash = new_token()
                link = RecipientLink(
                    brief_id=brief.id,
                    contact_id=contact.id,
                    token_hash=token_hash,
                    token_sealed=seal(token, secret_key),
                    created_at=now,
                )
                db.session.add(link)
                links[(brief.id, contact.id)] = link
    if read:
        # With `known`, many briefs' new links go in one statement at the next flush.
        db.session.flush()
    return links


def ensure_links(brief: Brief, *, now: datetime, secret_key: str) -> bool:
    """Make the brief's missing recipient links and status link; tell whether any was made."""
    had = set(
        db.session.scalars(
            select(RecipientLink.contact_id).where(RecipientLink.brief_id == brief.id)
        )
    )
    missing = any(contact.id not in had for contact in brief.recipients)
    if missing:
        recipient_links([brief], now=now, secret_key=secret_key)
    missing_status = brief.status_token_sealed is None
    status_token_sealed(brief, secret_key)
    return missing or missing_status


def drop_links(brief: Brief, contacts: list[Contact]) -> None:
    """Delete the links of contacts who are no longer the brief's recipients."""
    ids = [contact.id for contact in contacts]
    if ids:
        db.session.execute(
            delete(RecipientLink).where(
                RecipientLink.brief_id == brief.id, RecipientLink.contact_id.in_(ids)
            )
        )


def status_token_sealed(brief: Brief, secret_key: str) -> str:
    """Return the brief's sealed status-link token, making it on first need."""
    if brief.status_token_sealed is None:
        token, brief.status_token_hash = new_token()
        brief.status_token_sealed = seal(token, secret_key)
    return brief.status_token_sealed
