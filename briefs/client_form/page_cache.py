"""Which views of a brief's shared link are answered with the page rendered before.

Loading a brief with its fields and rendering 30 or more questions cost some 15 ms a
view, while most views show a page that has not changed since the last one. A brief's
`page_version` is raised in the transaction of every change its form shows
(briefs.page_versions), so the page rendered at one version is right for as long as the
version stands. One narrow query reads the version with what the page shows from outside
the brief (the client's name and time zone, the reviewer's name); with the agency's
settings row and the page's language they make the key. A page is reused only when
nothing would be different for this view: the shared link (a recipient's own link and
a colleague's render afresh), no message flashed for this view, and the link's opening
already noted this hour (else the view records it the usual way). The session's CSRF token
is put in when the page is sent.

Pages live in a bounded LRU in each app (each process); the debug server does not use it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g, session
from flask_babel import get_locale, get_timezone
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from briefs import workflow
from briefs.accounts import agency_settings
from briefs.client_form.fragments import FragmentCache, row
from briefs.extensions import db
from briefs.models import Brief, Client, User
from briefs.models.brief import CLOSED
from briefs.rules.tokens import hash_token

#: Pages kept per process (some 80–120 KB each).
MAX_PAGES = 128
#: Stands for the session's CSRF token in a kept page.
_CSRF = "\x1bbriefs-csrf-token\x1b"
#: Who the shared link's opening is recorded as (workflow.note_link_opened).
_SHARED_LINK = workflow.Actor.client("").label


@dataclass(frozen=True)
class Peek:
    """The shared link's brief as far as a kept page needs it."""

    brief_id: int
    key: bytes


def pages() -> FragmentCache:
    """This app's kept pages."""
    cache = current_app.extensions.get("client_pages")
    if cache is None:
        cache = current_app.extensions["client_pages"] = FragmentCache(MAX_PAGES)
    return cache


def peek(token: str) -> Peek | None:
    """Key the shared link's page in one narrow query; None for any other link or a closed
    brief (those take the usual way). Sets the page's language and time zone."""
    row_ = db.session.execute(
        select(
            Brief.id,
            Brief.page_version,
            Brief.token_hash,
            Brief.locale,
            Brief.status,
            Client.name,
            Client.timezone,
            User.name.label("creator"),
        )
        .join(Client, Client.id == Brief.client_id)
        .outerjoin(User, User.id == Brief.created_by_id)
        .where(Brief.token_hash == hash_token(token))
    ).first()
    if row_ is None or row_.status == CLOSED:
        return None
    g.locale, g.timezone = row_.locale, row_.timezone
    parts = (
        "client page",
        tuple(row_),
        str(get_locale()),
        str(get_timezone()),
        row(agency_settings()),
    )
    return Peek(row_.id, hashlib.blake2b(repr(parts).encode(), digest_size=20).digest())


def _quiet(peek_: Peek, now: datetime) -> bool:
    """Nothing in this view but the page: no message flashed, the opening already noted."""
    return "_flashes" not in session and workflow.link_opened_recently(
        peek_.brief_id, _SHARED_LINK, now
    )


def reuse(peek_: Peek | None, now: datetime) -> str | None:
    """The page kept for this version, with this session's CSRF token; else None."""
    if peek_ is None or current_app.debug:
        return None
    html = pages().get(peek_.key)
    if html is None or not _quiet(peek_, now):
        return None
    return html.replace(_CSRF, generate_csrf())


def keep(peek_: Peek, html: str, *, flashed: bool) -> None:
    """Keep a page just rendered for the shared link, unless it shows a flashed message."""
    token = generate_csrf()
    if flashed or current_app.debug or token not in html:
        return
    pages().put(peek_.key, html.replace(token, _CSRF))
