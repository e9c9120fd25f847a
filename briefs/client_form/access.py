"""Who may open a brief through its link, and who they are on the record."""

from __future__ import annotations

from flask import abort, g
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from briefs.extensions import db
from briefs.models import Brief, BriefField, BriefSection, Upload
from briefs.tokens import hash_token
from briefs.workflow import Actor


def open_brief(token: str) -> Brief:
    """Return the brief the token opens and switch the page to its language, else 404."""
    brief = db.session.scalar(
        select(Brief)
        .where(Brief.token_hash == hash_token(token))
        .options(
            joinedload(Brief.client),
            selectinload(Brief.recipients),
            selectinload(Brief.sections).selectinload(BriefSection.fields),
        )
    )
    # Unknown, regenerated and closed links look the same: nothing to learn from a 404.
    if brief is None or brief.status == "closed":
        abort(404)
    g.locale = brief.locale
    g.timezone = brief.client.timezone
    return brief


def field_of(brief: Brief, field_id: int) -> BriefField:
    """Return one of the brief's fields, else 404."""
    for section in brief.sections:
        for field in section.fields:
            if field.id == field_id:
                return field
    abort(404)


def client_actor(brief: Brief) -> Actor:
    """Name whoever holds the link after the people it was sent to."""
    names = ", ".join(contact.name for contact in brief.recipients)
    return Actor.client(names or brief.client.name)


def upload_of(brief: Brief, upload_id: int) -> Upload:
    """Return one of the brief's current files, else 404."""
    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.brief_id != brief.id or upload.removed_at is not None:
        abort(404)
    return upload
