"""Whether a brief the session holds, with its sections and fields, is still what the
database holds: the proof that lets its summary be counted from memory.

A brief's `page_version` goes up, in the same transaction, with every change to its
sections, fields, answers and reviews (briefs.page_versions); the UPDATE that raises it
hands back the new version and, on PostgreSQL, locks the row until the commit. So when the
versions this transaction's raises handed back are exactly the version the brief was
loaded at plus the raises themselves, no other transaction changed the brief between the
load and the lock, and none can until the commit: what the session holds is the truth.
Anything else (another writer in between, a brief loaded after a raise, a brief this
transaction did not raise) proves nothing, and the caller reads the database instead: the
brief again (it is `locked`, so what is read stays true), or an aggregate in SQL.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from briefs.models import Brief

#: Where the session keeps, by brief id, how many raises it made and the last version.
_RAISED = "briefs_page_versions_raised"


def note_raised(session: Session, versions: list[tuple[int, int]]) -> None:
    """Remember the versions an UPDATE raising page versions handed back, by brief id."""
    raised = session.info.setdefault(_RAISED, {})
    for brief_id, version in versions:
        count, _last = raised.get(brief_id, (0, None))
        raised[brief_id] = (count + 1, version)


def whole(brief: Brief) -> bool:
    """Tell whether the session holds the brief's sections and all their fields.

    Collections that were never loaded, or were expired, would be read again: no proof.
    """
    state = brief.__dict__
    return "sections" in state and all("fields" in s.__dict__ for s in state["sections"])


def in_step(session: Session, brief: Brief) -> bool:
    """Tell whether the brief held in memory, sections and fields loaded, is the database's."""
    loaded = brief.__dict__.get("page_version")
    raised = session.info.get(_RAISED, {}).get(brief.id)
    if loaded is None or raised is None or not whole(brief):
        return False
    count, last = raised
    return last == loaded + count


def locked(session: Session, brief_id: int) -> bool:
    """Tell whether this transaction raised the brief's page version.

    Every change to what the brief's summary counts raises it too, so no other transaction
    can change the brief until this one ends: the UPDATE locked its row (PostgreSQL) or
    the database (SQLite). Whatever is read of the brief from now on stays true until the
    commit, even when what was held before it is not.
    """
    return brief_id in session.info.get(_RAISED, {})


def _forget(session: Session, *_args) -> None:
    session.info.pop(_RAISED, None)


def watch(session) -> None:
    """Forget what a transaction raised when it ends (once per session)."""
    if not event.contains(session, "after_commit", _forget):
        event.listen(session, "after_commit", _forget)
        event.listen(session, "after_soft_rollback", _forget)
