"""Each brief's summary stored on its own row, kept true in the transaction that changes it.

The dashboard filters by whose move and launch risk, sorts by the longest wait and counts
the long waits over every open brief; judging each one per page load grew with the archive
(2.1 s at 10,000 briefs). So the summary a list needs (`required_count`, `missing_count`,
`unreviewed_count`, `move_side`, `move_since`, `last_client_at`, `info_due`) is stored on
`brief`, and the database filters, sorts and pages over those indexed columns. What depends
on the time (how long a wait has lasted, whether a launch is late today) is worked out from
them when the page is read.

One choke point keeps them true: the session notes every brief whose summary may have
changed as it flushes (a brief's status and dates, a field's answer, review or condition, a
comment, any recorded event such as a mail's delivery), and before the transaction commits
`settle` recounts those briefs with the same code the dashboard used to run on every brief
(`brief_tallies.summaries_where`, conditions included) and writes the columns. Nothing on
any path has to remember to call it; a page that reads the columns before committing calls
`settle` itself.

Writes that bypass the session (bulk inserts in the benchmark and test factories) call
`refresh` on the briefs they made; the migration that added the columns filled them with it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from types import SimpleNamespace

from sqlalchemy import bindparam, event, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from briefs import loaded_state, whole_brief
from briefs.brief_tallies import summaries_where
from briefs.chase_policy import calendar
from briefs.extensions import db
from briefs.models import (
    AgencySettings,
    Answer,
    Brief,
    BriefField,
    BriefSection,
    Comment,
    Event,
)
from briefs.overview import brief_fields, comments_by_brief, load_telling, summarize
from briefs.rules.completeness import is_sent_back
from briefs.rules.deadlines import info_due_date

#: The brief's own columns its summary reads; a change to any other one changes nothing.
_BRIEF_FACTS = ("status", "created_at", "sent_at", "submitted_at", "launch_date", "work_days")
#: Rows whose change may change their brief's summary.
_BRIEF_PARTS = (Answer, BriefField, BriefSection, Comment, Event)
#: Where the session keeps what it flushed since the last `settle`.
_PENDING = "briefs_to_summarize"
#: Where it keeps the briefs whose sections or fields it added, removed or moved: their
#: collections in memory may be out of step with the rows, so they are counted in SQL.
_RESHAPED = "briefs_reshaped"
#: Where it keeps the briefs whose launch or work days it changed (their info due day).
_DATED = "briefs_dated"
#: The brief's columns its info due day is counted from.
_DATES = ("launch_date", "work_days")
#: A field's columns that place it in its brief.
_PLACE = ("brief_id", "section_id", "position")
#: An agency that saved no settings yet: its country's holidays only (none known).
_NO_SETTINGS = SimpleNamespace(holiday_country="", extra_holidays="")
#: The stored columns, in the order `refresh` writes them.
COLUMNS = (
    "required_count",
    "missing_count",
    "unreviewed_count",
    "move_side",
    "move_since",
    "last_client_at",
    "info_due",
)


# The SET clause comes from the rows' keys other than the id's. Built once: every save
# writes a summary.
_UPDATE_BY_ID = update(Brief.__table__).where(Brief.__table__.c.id == bindparam("b_id"))


def _note(session: Session, _context, _instances) -> None:
    """Remember the briefs this flush may change the summary of (a `before_flush` hook)."""
    pending = session.info.setdefault(_PENDING, [])
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Brief):
            state = inspect(obj)
            if not state.pending and not any(
                state.attrs[name].history.has_changes() for name in _BRIEF_FACTS
            ):
                continue
            if state.pending or any(state.attrs[name].history.has_changes() for name in _DATES):
                session.info.setdefault(_DATED, []).append(obj)
        elif not isinstance(obj, _BRIEF_PARTS):
            continue
        # The brief's id when known now (a deleted row may not tell it after the flush),
        # else the row, asked again once the flush has given it one.
        pending.append(_brief_id(obj) or obj)
        if _reshapes(session, obj):
            session.info.setdefault(_RESHAPED, []).append(_brief_id(obj) or obj)


def _reshapes(session: Session, obj) -> bool:
    """Whether the change adds, removes or moves a section or field of its brief."""
    if isinstance(obj, BriefSection):
        return True
    if not isinstance(obj, BriefField):
        return False
    state = inspect(obj)
    return (
        obj in session.new
        or obj in session.deleted
        or any(state.attrs[name].history.has_changes() for name in _PLACE)
    )


def _before_commit(session: Session) -> None:
    # What is still unflushed is noted by the flush `settle` starts with.
    settle(session)


def _forget(session: Session, _previous) -> None:
    for key in (_PENDING, _RESHAPED, _DATED):
        session.info.pop(key, None)


def watch(session) -> None:
    """Keep the summaries of the briefs this session changes true (once per session)."""
    if not event.contains(session, "before_flush", _note):
        event.listen(session, "before_flush", _note)
        event.listen(session, "before_commit", _before_commit)
        event.listen(session, "after_soft_rollback", _forget)


def _brief_id(obj) -> int | None:
    return obj.id if isinstance(obj, Brief) else getattr(obj, "brief_id", None)


def settle(session=None) -> None:
    """Write the summaries of every brief changed in this transaction so far."""
    session = db.session if session is None else session
    session.flush()
    ids = _ids(session.info.pop(_PENDING, []))
    reshaped = _ids(session.info.pop(_RESHAPED, []))
    dated = _ids(session.info.pop(_DATED, []))
    if ids:
        held = _held(session, ids - reshaped)
        # A brief held current keeps the info due day it holds unless its dates changed.
        refresh(sorted(ids), held=held, undated=set(held) - dated)


def _ids(noted: list) -> set[int]:
    return {item if isinstance(item, int) else _brief_id(item) for item in noted} - {None}


def _held(session: Session, ids: set[int]) -> dict[int, Brief]:
    """The briefs among these held in memory, whole, and current: provably so
    (loaded_state.in_step), or read again because no one else can change them now
    (loaded_state.locked; two clients typing in one brief at once). The others are
    counted in SQL, which costs several times more for one brief."""
    held = {}
    for brief_id in ids:
        brief = session.identity_map.get(identity_key(Brief, brief_id))
        if brief is None or not loaded_state.whole(brief):
            continue
        if not loaded_state.in_step(session, brief):
            if not loaded_state.locked(session, brief_id):
                continue
            whole_brief.read_again(session, brief)
        held[brief_id] = brief
    return held


def _calendar_settings():
    """The agency's holiday settings only (the migration runs this against older rows)."""
    return db.session.execute(
        select(AgencySettings.holiday_country, AgencySettings.extra_holidays).where(
            AgencySettings.id == 1
        )
    ).first()


def refresh_info_due() -> int:
    """Recount every dated brief's info due day: the agency's days off changed (one read,
    one write)."""
    calendars = _Calendars()
    rows = [
        {"b_id": id_, "info_due": calendars.info_due(launch, work_days)}
        for id_, launch, work_days in db.session.execute(
            select(Brief.id, Brief.launch_date, Brief.work_days).where(
                Brief.launch_date.is_not(None)
            )
        )
    ]
    if rows:
        _write(rows, ("info_due",))
    return len(rows)


def refresh(
    brief_ids: Iterable[int],
    held: dict[int, Brief] | None = None,
    undated: Collection[int] = (),
) -> int:
    """Recount and store the summaries of these briefs (a few queries per thousand briefs).

    The briefs in `held` (by id; whole in memory and current) are counted from memory, as
    the dashboard judged a brief before it counted in SQL: one query for their comments.
    Those in `undated` keep their info due day (their launch and work days did not change).
    Return how many briefs were written. Briefs that no longer exist are skipped.
    """
    ids = list(brief_ids)
    if not ids:
        return 0
    held = held or {}
    calendars = _Calendars()
    written = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        counted = [brief_id for brief_id in chunk if brief_id not in held]
        summaries = [
            *(_summaries(counted) if counted else []),
            *_summaries_held([held[brief_id] for brief_id in chunk if brief_id in held]),
        ]
        dated = [_row(s, calendars) for s in summaries if s.brief.id not in undated]
        kept = [_row(s) for s in summaries if s.brief.id in undated]
        for rows, columns in ((dated, COLUMNS), (kept, COLUMNS[:-1])):
            if rows:
                _write(rows, columns)
                written += len(rows)
    return written


def refresh_all() -> int:
    """Recount and store the summary of every brief (the migration, a changed calendar)."""
    return refresh(db.session.scalars(select(Brief.id).order_by(Brief.id)).all())


def _summaries(ids: list[int]):
    with db.session.no_autoflush:
        return summaries_where([Brief.id.in_(ids)])


def _summaries_held(briefs: list[Brief]) -> list:
    """Judge briefs held whole in memory from their fields (comments and how answers sent
    back were told are read: they are not part of what the session holds)."""
    if not briefs:
        return []
    fields = {brief.id: brief_fields(brief) for brief in briefs}
    sent_back = [field for each in fields.values() for field in each if is_sent_back(field)]
    with db.session.no_autoflush:
        comments = comments_by_brief(list(fields))
        # Only answers sent back are told; most saves have none, and need no query.
        telling = load_telling(sent_back) if sent_back else {}
    return [summarize(brief, fields[brief.id], comments[brief.id], telling) for brief in briefs]


class _Calendars:
    """The agency's calendar of each launch year, its settings read once when first asked."""

    def __init__(self) -> None:
        self.settings = None
        self.years: dict[int, object] = {}

    def info_due(self, launch: date | None, work_days: int) -> date | None:
        """The day the answers are needed by, on the agency's calendar around the launch."""
        if launch is None:
            return None
        if launch.year not in self.years:
            if self.settings is None:
                self.settings = _calendar_settings() or _NO_SETTINGS
            self.years[launch.year] = calendar(self.settings, launch)
        return info_due_date(launch, work_days, self.years[launch.year])


def _row(summary, calendars: _Calendars | None = None) -> dict:
    """The stored columns of one summary; without calendars, all but the info due day."""
    brief, move = summary.brief, summary.move
    row = {
        "b_id": brief.id,
        "required_count": summary.progress.required,
        "missing_count": summary.progress.missing,
        "unreviewed_count": summary.unreviewed,
        "move_side": move.side,
        "move_since": move.since if move.side else None,
        "last_client_at": summary.last_client_at,
    }
    if calendars is not None:
        row["info_due"] = calendars.info_due(brief.launch_date, brief.work_days)
    return row


def _write(rows: list[dict], columns: tuple[str, ...] = COLUMNS) -> None:
    """Store the rows in one statement, and in the briefs this session already holds."""
    db.session.execute(_UPDATE_BY_ID, rows)
    identity = db.session.identity_map
    for row in rows:
        held = identity.get(identity_key(Brief, row["b_id"]))
        if held is not None:
            for name in columns:
                set_committed_value(held, name, row[name])
