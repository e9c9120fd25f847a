"""API views of briefs: create, list, read, send, review, close, export, timeline, record.

Each calls the domain functions the pages call (workflow, brief_editing, overview,
chase_status, exports, timeline loading), so the same rules refuse the same things and the
record credits the token's user.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, jsonify, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from briefs import brief_editing, clock, workflow
from briefs.accounts import agency_settings
from briefs.api import representation as rep
from briefs.api.auth import actor, require_token
from briefs.api.cursors import decode, page, page_limit
from briefs.api.inputs import check, form_data, json_body
from briefs.api.problems import ApiProblem, invalid
from briefs.briefs_admin.forms import SAME_AS_TEMPLATE, EditBriefForm, NewBriefForm, ReviewForm
from briefs.chase_policy import zone
from briefs.chase_status import BriefChase, assess
from briefs.downloads import markdown_download
from briefs.exports.assemble import brief_export_markdown, load_brief_for_export
from briefs.extensions import db
from briefs.mail.chasing import invitation
from briefs.mail.outbox import queue
from briefs.models import Brief, BriefField, Client, Event, Template
from briefs.models.brief import ACCEPTED, BRIEF_STATUSES
from briefs.rules.completeness import has_answer
from briefs.rules.deadlines import AT_RISK, LATE
from briefs.rules.whose_move import AGENCY, CLIENT
from briefs.timeline.loading import agency_calendar, build, load_brief_history
from briefs.url_ids import json_id

NEW_BRIEF_FIELDS = (
    "template_id",
    "client_id",
    "title",
    "locale",
    "recipients",
    "launch_date",
    "work_days",
)
#: Briefs judged per round while filling a filtered page.
ROUND = 200


def _revisions(brief_ids: list[int]) -> dict[int, int]:
    """Each brief's revision: the id of its latest event (every change records one)."""
    rows = db.session.execute(
        select(Event.brief_id, func.max(Event.id))
        .where(Event.brief_id.in_(brief_ids))
        .group_by(Event.brief_id)
    )
    return dict(rows.tuples().all())


def _judge(briefs: list[Brief]) -> list[BriefChase]:
    chases, _cal = assess(briefs, agency_settings(), clock.utcnow())
    return chases


def load_brief(brief_id: int) -> Brief:
    """The brief with its recipients and client, or 404."""
    return db.get_or_404(
        Brief,
        brief_id,
        options=[selectinload(Brief.recipients), selectinload(Brief.client)],
    )


def _etag(brief: Brief, revision: int) -> str:
    return f'"brief-{brief.id}-r{revision}"'


def detail_response(brief: Brief, status: int = 200):
    """Answer with the brief as the API shows it, and its ETag."""
    revision = _revisions([brief.id]).get(brief.id, 0)
    response = jsonify(rep.brief_detail(_judge([brief])[0], revision))
    response.status_code = status
    response.headers["ETag"] = _etag(brief, revision)
    return response


def check_brief_match(brief: Brief) -> None:
    """Refuse a step taken from an outdated reading of the brief (412), if If-Match was sent."""
    wanted = request.headers.get("If-Match")
    if not wanted or wanted.strip() == "*":
        return
    current = _etag(brief, _revisions([brief.id]).get(brief.id, 0))
    if current not in {tag.strip() for tag in wanted.split(",")}:
        raise ApiProblem(
            412,
            "Precondition failed",
            "The brief changed since you read it; read it again and decide once more.",
        )


def _since(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise invalid(
            [{"field": "updated_since", "message": "Give an ISO 8601 moment with its offset."}]
        )
    return moment


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name)
    if value is not None and value not in allowed:
        raise invalid([{"field": name, "message": "Choose one of: " + ", ".join(allowed) + "."}])
    return value


def list_briefs():
    """List briefs, newest first, filtered; `cursor` continues where a page ended."""
    require_token()
    limit, after = page_limit(request.args), decode(request.args.get("cursor"))
    status = _choice("status", BRIEF_STATUSES)
    risk = _choice("risk", (AT_RISK, LATE))
    side = _choice("whose_move", (CLIENT, AGENCY))
    since = _since(request.args.get("updated_since"))
    query = select(Brief).options(selectinload(Brief.recipients), selectinload(Brief.client))
    if raw_client := request.args.get("client_id"):
        if not (raw_client.isascii() and raw_client.isdigit() and len(raw_client) < 19):
            raise invalid([{"field": "client_id", "message": "Give a client id."}])
        query = query.where(Brief.client_id == int(raw_client))
    if status:
        query = query.where(Brief.status == status)
    if since:
        changed = select(Event.brief_id).where(Event.created_at >= since)
        query = query.where(Brief.id.in_(changed))
    # Risk and whose move are judged, not stored: judge a round at a time until the page fills.
    found: list[BriefChase] = []
    more = False
    while True:
        batch = list(
            db.session.scalars(
                (query.where(Brief.id < after) if after is not None else query)
                .order_by(Brief.id.desc())
                .limit(ROUND)
            )
        )
        for chase in _judge(batch):
            if (risk and chase.status.deadline.risk != risk) or (
                side and chase.summary.move.side != side
            ):
                continue
            if len(found) == limit:
                more = True
                break
            found.append(chase)
        if more or len(batch) < ROUND:
            break
        after = batch[-1].id
    revisions = _revisions([c.summary.brief.id for c in found])
    items = [rep.brief_summary(c, revisions.get(c.summary.brief.id, 0)) for c in found]
    return jsonify(page(items, limit, more))


def create_brief():
    """Create a brief from a template for a client, checked as the page checks it."""
    require_token()
    body = json_body(NEW_BRIEF_FIELDS, required=("template_id", "client_id", "title"))
    client_id = json_id(body.get("client_id"))
    client = db.session.get(Client, client_id) if client_id is not None else None
    if client is None:
        raise invalid([{"field": "client_id", "message": "No client has this id."}])
    templates = db.session.scalars(select(Template).where(Template.archived_at.is_(None))).all()
    values = {
        "locale": SAME_AS_TEMPLATE,
        "recipients": [c.id for c in client.contacts if c.role == "contact"],
        "work_days": 5,
    } | {key: value for key, value in body.items() if key != "client_id"}
    form = NewBriefForm(formdata=form_data(values), meta={"csrf": False})
    form.template_id.choices = [(t.id, t.name) for t in templates]
    form.offer_contacts(client)
    check(form)
    brief = form.create_brief(
        client, actor=actor(), now=clock.utcnow(), secret_key=current_app.config["SECRET_KEY"]
    )
    db.session.commit()
    return detail_response(brief, 201)


def get_brief(brief_id: int):
    """One brief: fields, answers, missing, whose move, risk and next reminder."""
    require_token()
    return detail_response(load_brief(brief_id))


def send_brief(brief_id: int):
    """Queue the invitation to the brief's recipients (send-due delivers it), as the page does."""
    require_token()
    brief = load_brief(brief_id)
    check_brief_match(brief)
    workflow.refuse_if_closed(brief, "send")
    if not brief.recipients:
        raise ApiProblem(409, "Conflict", "The brief has no recipients to send it to.")
    now = clock.utcnow()
    for draft in invitation(brief, agency_settings(), now):
        queue(draft, now)
    workflow.mark_sent(brief, actor(), now, channel="email")
    db.session.commit()
    return detail_response(brief)


def review_field(brief_id: int, field_key: str):
    """Accept a field's answer or send it back with a comment.

    `answer_revision`, when given, must be the answer's current revision (else 412), so
    a reviewer never accepts an answer they have not read.
    """
    require_token()
    brief = load_brief(brief_id)
    field = db.session.scalar(
        select(BriefField).where(BriefField.brief_id == brief.id, BriefField.key == field_key)
    )
    if field is None:
        raise ApiProblem(404, "Not Found", "The brief has no field with this key.")
    body = json_body(("verdict", "comment", "answer_revision"), required=("verdict",))
    form = ReviewForm(
        formdata=form_data({"verdict": body["verdict"], "comment": body.get("comment") or ""}),
        meta={"csrf": False},
    )
    check(form)
    verdict, comment = form.verdict.data, form.comment.data or ""
    workflow.refuse_if_closed(brief, "review")
    if "answer_revision" in body and body["answer_revision"] != field.revision:
        raise ApiProblem(412, "Precondition failed", "The answer changed since you read it.")
    if not field.revision or (verdict == ACCEPTED and not has_answer(field)):
        raise ApiProblem(
            409, "Conflict", "The field has no answer yet, so there is nothing to review."
        )
    if workflow.is_hidden(field):
        raise ApiProblem(
            409,
            "Conflict",
            "The field is hidden: its condition is not met by the answers, so it is not reviewed.",
        )
    workflow.review(field, verdict, comment.strip(), actor(), clock.utcnow())
    db.session.commit()
    return detail_response(brief)


DETAIL_FIELDS = ("title", "locale", "recipients", "launch_date", "work_days", "decision_maker")


def update_brief(brief_id: int):
    """Change an open brief's details, as its edit page does; one event per change."""
    require_token()
    brief = load_brief(brief_id)
    check_brief_match(brief)
    workflow.refuse_if_closed(brief, "edit")
    body = json_body(DETAIL_FIELDS)
    form = EditBriefForm.for_brief(brief, formdata=None, meta={"csrf": False})
    current = {
        "title": brief.title,
        "locale": brief.locale,
        "recipients": [c.id for c in brief.recipients],
        "launch_date": rep.day(brief.launch_date),
        "work_days": brief.work_days,
        "decision_maker": brief.decision_maker_id or "",
    }
    form.process(formdata=form_data(current | body))
    now = clock.utcnow()
    today = now.astimezone(zone(agency_settings().timezone)).date()
    valid = form.validate()
    if not (form.check_launch_date(brief, today) and valid):
        check(form)  # raises with every refused field
    brief_editing.edit_details(brief, form.details(brief.client), actor(), now)
    db.session.commit()
    return detail_response(brief)


def close_brief(brief_id: int):
    """Close the brief (a closed brief stays as it is)."""
    require_token()
    brief = load_brief(brief_id)
    check_brief_match(brief)
    if workflow.close(brief, actor(), clock.utcnow()):
        db.session.commit()
    return detail_response(brief)


def reopen_brief(brief_id: int):
    """Reopen a closed brief."""
    require_token()
    brief = load_brief(brief_id)
    check_brief_match(brief)
    if workflow.reopen(brief, actor(), clock.utcnow()):
        db.session.commit()
    return detail_response(brief)


def export_markdown(brief_id: int):
    """The brief as the same Markdown the page's export gives."""
    require_token()
    brief = load_brief_for_export(brief_id)
    text = brief_export_markdown(brief)
    return markdown_download(text, brief.title, f"brief-{brief.id}")


def timeline(brief_id: int):
    """The brief's timeline: one neutral sentence per event, and the waits on each side."""
    require_token()
    now = clock.utcnow()
    brief, fields, events = load_brief_history(brief_id)
    cal, tz = agency_calendar(now)
    told = build(brief, fields, events, now, cal, tz=tz)
    return jsonify(
        {
            "brief_id": brief.id,
            "entries": [
                {
                    "at": rep.moment(e.at),
                    "event_id": e.event_id,
                    "text": e.sentence.render(),
                    "by_hand": e.by_hand,
                }
                for e in told.entries
            ],
            "waits": [
                {
                    "side": i.side,
                    "start": rep.moment(i.start),
                    "end": rep.moment(i.end),
                    "open": i.open,
                }
                for i in told.measures.intervals
            ],
            "sides": {
                side: {
                    "total_seconds": int(m.total.total_seconds()),
                    "working_days": m.working_days,
                    "answered": m.answered,
                    "open": m.open,
                }
                for side, m in told.measures.sides.items()
            },
        }
    )


def _events_page(brief_id: int | None):
    limit, after = page_limit(request.args), decode(request.args.get("cursor"))
    query = select(Event).order_by(Event.id).limit(limit + 1)
    if brief_id is not None:
        query = query.where(Event.brief_id == brief_id)
    if after is not None:
        query = query.where(Event.id > after)
    events = db.session.scalars(query).all()
    return jsonify(page([rep.event(e) for e in events[:limit]], limit, len(events) > limit))


def events(brief_id: int):
    """The brief's record, oldest first, a page at a time, each event with its hashes."""
    require_token()
    load_brief(brief_id)
    return _events_page(brief_id)


def event_log():
    """The whole record, oldest first: the hash chain runs across briefs, so check it here."""
    require_token()
    return _events_page(None)
