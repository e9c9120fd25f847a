"""How the API spells templates, clients, contacts, briefs and events as JSON."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from flask import json

from briefs.api.event_names import public_name
from briefs.chase_status import BriefChase
from briefs.models import Brief, BriefField, Client, Contact, Event, Template


def moment(value: datetime | None) -> str | None:
    """A UTC moment as ISO 8601 with its offset."""
    return value.isoformat() if value else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def etag_of(data: dict) -> str:
    """A strong ETag over a representation: it changes whenever any value does."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]
    return f'"{digest}"'


def template_summary(template: Template) -> dict:
    return {
        "id": template.id,
        "name": template.name,
        "description": template.description,
        "locale": template.locale,
        "archived": template.archived_at is not None,
        "updated_at": moment(template.updated_at),
    }


def template_detail(template: Template) -> dict:
    return template_summary(template) | {
        "sections": [
            {
                "title": section.title,
                "description": section.description,
                "fields": [
                    {
                        "key": field.key,
                        "label": field.label,
                        "type": field.type,
                        "required": field.required,
                        "help": field.help,
                        "example": field.example,
                        "options": list(field.options or []),
                    }
                    for field in section.fields
                ],
            }
            for section in template.sections
        ],
    }


def contact(person: Contact) -> dict:
    return {
        "id": person.id,
        "client_id": person.client_id,
        "name": person.name,
        "email": person.email,
        "role": person.role,
    }


def client(company: Client) -> dict:
    return {
        "id": company.id,
        "name": company.name,
        "timezone": company.timezone,
        "notes": company.notes,
        "escalation_enabled": company.escalation_enabled,
        "weekly_digest": company.weekly_digest,
        "created_at": moment(company.created_at),
        "contacts": [contact(person) for person in company.contacts],
    }


def brief_summary(chase: BriefChase, revision: int) -> dict:
    """A brief as lists show it: where it stands, whose move, risk, next reminder."""
    summary = chase.summary
    brief = summary.brief
    return {
        "id": brief.id,
        "revision": revision,
        "title": brief.title,
        "status": brief.status,
        "client_id": brief.client_id,
        "template_id": brief.template_id,
        "locale": brief.locale,
        "launch_date": day(brief.launch_date),
        "work_days": brief.work_days,
        "info_due": day(chase.status.deadline.info_due),
        "risk": chase.status.deadline.risk,
        "whose_move": {"side": summary.move.side, "since": moment(summary.move.since)},
        "progress": {
            "answered": summary.progress.answered,
            "required": summary.progress.required,
            "percent": summary.progress.percent,
        },
        "missing": list(summary.missing_keys),
        "next_reminder": moment(chase.status.next_reminder),
        "recipients": [contact(person) for person in brief.recipients],
        "created_at": moment(brief.created_at),
        "sent_at": moment(brief.sent_at),
        "submitted_at": moment(brief.submitted_at),
        "closed_at": moment(brief.closed_at),
    }


def field(item: BriefField) -> dict:
    return {
        "id": item.id,
        "key": item.key,
        "label": item.label,
        "type": item.type,
        "required": item.required,
        "options": list(item.options or []),
        "answer": {
            "value": item.value,
            "not_applicable": item.not_applicable,
            "revision": item.revision,
            "answered_at": moment(item.answered_at),
            "answered_by": item.answered_by,
        }
        if item.revision
        else None,
        "review": {
            "verdict": item.review_verdict,
            "comment": item.review_comment,
            "reviewed_at": moment(item.reviewed_at),
        }
        if item.review_verdict
        else None,
    }


def brief_detail(chase: BriefChase, revision: int) -> dict:
    """A brief with its sections, fields and answers."""
    brief: Brief = chase.summary.brief
    return brief_summary(chase, revision) | {
        "sections": [
            {"title": section.title, "fields": [field(item) for item in section.fields]}
            for section in brief.sections
        ]
    }


def event(item: Event) -> dict:
    return {
        "id": item.id,
        "brief_id": item.brief_id,
        "name": public_name(item.kind),
        "kind": item.kind,
        "actor": {
            "kind": item.actor_kind,
            "label": item.actor_label,
            "user_id": item.actor_user_id,
        },
        "field_id": item.field_id,
        "data": item.data or {},
        "created_at": moment(item.created_at),
        "prev_hash": item.prev_hash,
        "hash": item.hash,
    }
