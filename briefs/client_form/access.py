"""Who may open a brief through a link, which fields they see, and who they are on record.

A link is the brief's shared one (the client contacts together: every field), one
recipient's own (that contact: every field), or a colleague's handover link (only the fields
handed to them). Anything outside a link's scope answers
with the same plain 404 as an unknown link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from flask import abort, g, make_response, render_template
from flask_babel import refresh
from sqlalchemy import bindparam, select
from werkzeug.exceptions import HTTPException

from briefs.accounts import agency_settings
from briefs.extensions import db
from briefs.models import Brief, BriefField, BriefSection, Contact, Handover, RecipientLink, Upload
from briefs.response_format import wants_json
from briefs.rules.conditions import hidden_keys
from briefs.rules.tokens import hash_token
from briefs.whole_brief import BY_ID, BY_TOKEN_HASH, load_whole, whole
from briefs.workflow import Actor

# Built once: every request of the client's form runs them (briefs.whole_brief says why).
_RECIPIENT_LINK = select(RecipientLink).where(RecipientLink.token_hash == bindparam("digest"))
_HANDOVER = select(Handover).where(Handover.token_hash == bindparam("digest"))


@dataclass(frozen=True)
class Link:
    """An opened link: the brief, and whose link it is when it is not the shared one."""

    brief: Brief
    token: str
    handover: Handover | None = None
    #: The recipient whose own link this is.
    contact: Contact | None = None

    @property
    def is_colleague(self) -> bool:
        return self.handover is not None

    @property
    def scope(self) -> frozenset[str] | None:
        """Keys of the fields the link opens; None means all of them."""
        return frozenset(self.handover.field_keys) if self.handover else None

    @property
    def fields(self) -> list[BriefField]:
        """The fields this link may see and change, in brief order."""
        scope = self.scope
        return [
            field
            for section in whole(self.brief).sections
            for field in section.fields
            if scope is None or field.key in scope
        ]

    @property
    def hidden(self) -> frozenset[str]:
        """Keys of the questions hidden by their conditions, judged on the whole brief."""
        return hidden_keys(
            field for section in whole(self.brief).sections for field in section.fields
        )

    @property
    def sections(self) -> list[tuple[BriefSection, list[BriefField]]]:
        """Sections with their fields in scope; sections with none are left out."""
        scope = self.scope
        shown = []
        for section in whole(self.brief).sections:
            fields = [f for f in section.fields if scope is None or f.key in scope]
            if fields:
                shown.append((section, fields))
        return shown

    @property
    def actor(self) -> Actor:
        """Name whoever holds the link: the colleague, the recipient, or all recipients."""
        if self.handover is not None:
            return Actor.client(self.handover.name)
        if self.contact is not None:
            return Actor.client(self.contact.name)
        return client_actor(self.brief)


def open_link(token: str) -> Link:
    """Return what the token opens and switch the page to its language, else 404."""
    digest = hash_token(token)
    handover = contact = None
    brief = load_whole(BY_TOKEN_HASH, digest)
    if brief is None:
        own = db.session.scalar(_RECIPIENT_LINK, {"digest": digest})
        if own is not None:
            brief = load_whole(BY_ID, own.brief_id)
            # Only while the contact is still a recipient; editing deletes the link too.
            contact = next((c for c in brief.recipients if c.id == own.contact_id), None)
            brief = brief if contact is not None else None
        else:
            handover = db.session.scalar(_HANDOVER, {"digest": digest})
            brief = load_whole(BY_ID, handover.brief_id) if handover else None
            if handover is not None and handover.revoked_at is not None:
                _dead_link(brief)
    # Unknown and regenerated links look the same: nothing to learn from them. A link
    # that did open this brief (closed since, or withdrawn) names the agency to ask.
    if brief is None:
        _dead_link(None)
    if brief.is_closed:
        _dead_link(brief)
    g.locale = brief.locale
    g.timezone = brief.client.timezone
    return Link(brief=brief, token=token, handover=handover, contact=contact)


def speak_links_language(token: str) -> Link | None:
    """Switch the page to the language of the brief a token opens; return its link, if live.

    For answers given before the view runs (a limit reached, a body too large), which
    would otherwise follow the browser's language, not the brief's. A link that opens
    nothing live still names its brief's language when it was real (`_dead_link`).
    """
    try:
        link = open_link(token)
    except HTTPException:
        link = None
    refresh()  # forget a language chosen earlier in this request
    return link


def _dead_link(brief: Brief | None) -> NoReturn:
    """Answer 404 saying to ask the agency for a new link; named when the link was real."""
    if wants_json():
        abort(404)
    agency = ""
    if brief is not None:
        g.locale = brief.locale
        agency = agency_settings().name
    page = render_template("client_form/dead_link.html", agency=agency)
    abort(make_response(page, 404))


def field_of(link: Link, field_id: int) -> BriefField:
    """Return one of the fields the link may see, else 404."""
    for field in link.fields:
        if field.id == field_id:
            return field
    abort(404)


def client_actor(brief: Brief) -> Actor:
    """Name whoever holds the link after the people it was sent to."""
    names = ", ".join(contact.name for contact in brief.recipients)
    return Actor.client(names or brief.client.name)


def upload_of(link: Link, upload_id: int) -> Upload:
    """Return one of the current files of a field the link may see, else 404."""
    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.brief_id != link.brief.id or upload.removed_at is not None:
        abort(404)
    field_of(link, upload.field_id)
    return upload
