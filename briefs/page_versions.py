"""Each brief's page version: raised in the same transaction as any change its form shows.

The client's page is rendered once per version and reused (briefs.client_form.page_cache),
so the version must move with every change to what the page prints: the brief's own
columns and recipients, its sections and fields, answers, reviews, files, comments,
hand-overs and recipients' links. One choke point does it: after each flush the session
raises `brief.page_version` of every brief whose rows it wrote, in one UPDATE inside the
same transaction, so the new version and the change commit (or roll back) together and
every process sees both at once.

What the page does not show is left out, so that it does not throw pages away: recorded
events (a link opened, a mail sent), and the brief's bookkeeping columns (`next_due_at`,
`risk_notified`, the stored summary). Writes that bypass the session (bulk inserts in the
benchmark and test factories) make new briefs, which start at version 0 with no page yet.
"""

from __future__ import annotations

from sqlalchemy import bindparam, event, inspect, update
from sqlalchemy.orm import Session

from briefs import loaded_state
from briefs.brief_summaries import COLUMNS as SUMMARY_COLUMNS
from briefs.models import (
    Answer,
    Brief,
    BriefField,
    BriefSection,
    Comment,
    Handover,
    RecipientLink,
    Review,
    Upload,
)

#: Rows the client's page prints (or that decide what it prints), found by their brief_id.
_PAGE_PARTS = (BriefSection, BriefField, Answer, Review, Upload, Comment, Handover, RecipientLink)
#: The brief's own columns the page never shows: changing them keeps its pages.
_BOOKKEEPING = frozenset({"next_due_at", "risk_notified", "page_version", *SUMMARY_COLUMNS})


_BRIEFS = Brief.__table__
# Built once (it runs after every flush that changes a page).
_RAISE = (
    update(_BRIEFS)
    .where(_BRIEFS.c.id.in_(bindparam("ids", expanding=True)))
    .values(page_version=_BRIEFS.c.page_version + 1)
    .returning(_BRIEFS.c.id, _BRIEFS.c.page_version)
)


def _changed_brief(brief: Brief) -> bool:
    state = inspect(brief)
    return any(attr.history.has_changes() for attr in state.attrs if attr.key not in _BOOKKEEPING)


def changed_briefs(session: Session) -> set[int]:
    """Ids of the briefs whose page this flush changes (called while the flush finishes)."""
    ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Brief):
            # A new brief starts at 0, with no page rendered yet.
            if obj.id is not None and obj not in session.new and _changed_brief(obj):
                ids.add(obj.id)
        elif isinstance(obj, _PAGE_PARTS):
            brief_id = obj.brief_id
            if brief_id is not None:
                ids.add(brief_id)
    return ids


def _after_flush(session: Session, _context) -> None:
    ids = changed_briefs(session)
    if ids:
        raised = session.connection().execute(_RAISE, {"ids": sorted(ids)})
        # The versions handed back prove (or not) that the briefs held are current.
        loaded_state.note_raised(session, [tuple(row) for row in raised])


def watch(session) -> None:
    """Raise the page version of every brief this session changes (once per session)."""
    if not event.contains(session, "after_flush", _after_flush):
        event.listen(session, "after_flush", _after_flush)
    loaded_state.watch(session)
