"""Leased claims over any RetryState table (here the outbox's): one run holds a row at a time.

mail, webhook and Telegram delivery test the same mechanism end to end with their servers;
these tests pin it on its own, with runs played by hand.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import or_

from briefs import claims
from briefs.extensions import db
from briefs.models import Message
from briefs.models.outbox import QUEUED, SENDING

NOW = datetime(2026, 11, 5, 6, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


@pytest.fixture
def rows(app) -> list[int]:
    """Three queued messages: due, due, and due only in an hour."""
    for number, due_at in enumerate([NOW, NOW, NOW + timedelta(hours=1)]):
        db.session.add(
            Message(
                kind="reminder",
                dedupe_key=f"claims-{number}",
                subject=f"Message {number}",
                text_body="",
                html_body="",
                message_id=f"<claims-{number}@pixel.example>",
                next_attempt_at=due_at,
                created_at=NOW,
            )
        )
    db.session.commit()
    return list(db.session.scalars(db.select(Message.id).order_by(Message.id)))


def _claim(run_id: str, now: datetime) -> int | None:
    claimable = or_(claims.due(Message, now), claims.lease_ran_out(Message, now))
    return claims.claim_next(Message, claimable, run_id, now + LEASE, lambda row: row.id)


def test_it_claims_the_due_rows_in_order_and_counts_each_attempt(rows):
    assert _claim("run-a", NOW) == rows[0]
    # Nothing stays open for the slow call that follows.
    assert not db.session().in_transaction()
    assert [_claim("run-a", NOW), _claim("run-a", NOW)] == [rows[1], None]
    message = db.session.get(Message, rows[0])
    assert (message.status, message.claimed_by, message.attempts) == (SENDING, "run-a", 1)
    assert message.lease_until == NOW + LEASE


def test_a_row_is_one_runs_until_its_lease_runs_out(rows):
    first = _claim("run-a", NOW)
    assert _claim("run-b", NOW) == rows[1]
    # Run A hangs; once its lease ran out, run B takes its row over.
    later = NOW + LEASE + timedelta(seconds=1)
    assert _claim("run-b", later) == first
    assert db.session.get(Message, first).attempts == 2
    # A cannot record an outcome any more: nothing it asked for is written.
    assert claims.hold(Message, first, "run-a", sent_at=later) is False
    message = db.session.get(Message, first, populate_existing=True)
    assert (message.claimed_by, message.sent_at) == ("run-b", None)
    assert claims.hold(Message, first, "run-b", sent_at=later) is True
    db.session.commit()
    assert message.lease_until is None and message.sent_at == later


def test_hold_asks_more_of_the_row_when_told(rows):
    claimed = _claim("run-a", NOW)
    # Only a claim whose lease ran out before NOW: this one's has not.
    assert claims.hold(Message, claimed, "run-a", Message.lease_until < NOW) is False
    assert claims.hold(Message, claimed, "run-a", lease_until=NOW + 2 * LEASE) is True
    db.session.commit()
    assert db.session.get(Message, claimed).lease_until == NOW + 2 * LEASE


def test_a_row_queued_again_waits_for_its_back_off(rows):
    claimed = _claim("run-a", NOW)
    assert claims.hold(Message, claimed, "run-a")
    message = db.session.get(Message, claimed)
    claims.retry(message, NOW, timedelta(minutes=2))
    db.session.commit()
    assert (message.status, message.next_attempt_at) == (QUEUED, NOW + timedelta(minutes=2))
    assert _claim("run-b", NOW + timedelta(minutes=1)) == rows[1]
    assert _claim("run-b", NOW + timedelta(minutes=1)) is None
    assert _claim("run-b", NOW + timedelta(minutes=2)) == claimed


def test_released_a_row_is_queued_at_once_and_its_run_records_nothing(rows):
    claimed = _claim("run-a", NOW)
    message = db.session.get(Message, claimed)
    claims.release(message, NOW + timedelta(minutes=5))
    db.session.commit()
    assert (message.status, message.claimed_by, message.lease_until) == (QUEUED, "", None)
    assert claims.hold(Message, claimed, "run-a") is False
    assert _claim("run-b", NOW + timedelta(minutes=5)) == claimed
