"""A brief with a known story, for the timeline tests."""

from __future__ import annotations

from datetime import timedelta

from briefs import workflow
from briefs.extensions import db
from briefs.models import Brief, BriefField, User
from briefs.models.brief import ACCEPTED, CHANGES_REQUESTED
from briefs.workflow import Actor
from tests.conftest import NOW, make_brief, make_client, make_template

IVAN = Actor.client("Ivan Contact")


def fields_of(brief: Brief) -> dict[str, BriefField]:
    return {f.key: f for s in brief.sections for f in s.fields}


def answer(brief: Brief, keys: list[str], when, actor: Actor = IVAN) -> None:
    """Save answers to the given fields and record one event for them."""
    fields = fields_of(brief)
    chosen = [fields[key] for key in keys]
    for field in chosen:
        value = "Search" if field.type == "multiple_choice" else f"Answer to {field.label}"
        workflow.save_answer(field, value, not_applicable=False, actor=actor, now=when)
    workflow.record_answers_saved(brief, chosen, actor, when)


def story(user: User, *, title: str = "Teeth whitening page", client=None) -> Brief:
    """Create a brief and play a fixed story on it (Mon 2 Nov 2026 → Mon 9 Nov)."""
    brief, _token = make_brief(
        make_template(name=f"T {title}"), client or make_client(), title=title, user=user
    )
    olga = Actor.user(user)
    fields = fields_of(brief)
    h = timedelta(hours=1)
    d = timedelta(days=1)
    workflow.mark_sent(brief, olga, NOW + h)
    workflow.note_link_opened(brief, NOW + d)
    answer(brief, ["name", "what"], NOW + d + h)
    workflow.record(
        brief, "message_queued", workflow.SYSTEM, NOW + 3 * d,
        message=1, message_kind="reminder", to=["ivan@acme.example"], cc=[], number=1,
        missing=["channels", "who"],
    )  # fmt: skip
    answer(brief, ["channels", "who"], NOW + 4 * d)
    workflow.submit(brief, IVAN, NOW + 4 * d + 10 * timedelta(minutes=1), missing=[])
    workflow.review(fields["name"], ACCEPTED, "", olga, NOW + 5 * d)
    workflow.review(fields["what"], CHANGES_REQUESTED, "Add the *prices*", olga, NOW + 5 * d + h)
    workflow.review(fields["channels"], ACCEPTED, "", olga, NOW + 5 * d + 2 * h)
    workflow.review(fields["who"], ACCEPTED, "", olga, NOW + 5 * d + 2 * h)
    workflow.record(
        brief, "contact_logged", olga, NOW + 6 * d,
        occurred_at=(NOW + 5 * d + 5 * h).isoformat(), channel="call", with_whom="Ivan",
        note="Prices by Friday",
    )  # fmt: skip
    workflow.record(
        brief, "message_queued", workflow.SYSTEM, NOW + 7 * d,
        message=2, message_kind="escalation", to=["daria@acme.example"], cc=[], late=False,
    )  # fmt: skip
    db.session.commit()
    return brief
