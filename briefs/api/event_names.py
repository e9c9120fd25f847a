"""Public names of the record's events, shared by the API's event log and (later) webhooks.

The record keeps its own kinds (`brief_sent`); integrations see stable dotted names
(`brief.sent`). A kind with no public name yet is shown as `other.<kind>`, never hidden.
"""

from __future__ import annotations

#: Record kind → public event name.
PUBLIC_NAMES = {
    "brief_created": "brief.created",
    "brief_sent": "brief.sent",
    "link_opened": "brief.opened",
    "link_regenerated": "brief.link_regenerated",
    "answer_saved": "answer.saved",
    "file_uploaded": "answer.file_uploaded",
    "file_removed": "answer.file_removed",
    "brief_submitted": "brief.submitted",
    "review_given": "answer.reviewed",
    "brief_closed": "brief.closed",
    "brief_reopened": "brief.reopened",
    "comment_added": "comment.added",
    "comments_resolved": "comment.resolved",
    "handed_over": "handover.created",
    "handover_done": "handover.done",
    "handover_refused": "handover.refused",
    "handover_withdrawn": "handover.withdrawn",
    "title_changed": "brief.updated",
    "launch_date_changed": "brief.updated",
    "work_days_changed": "brief.updated",
    "recipients_changed": "brief.updated",
    "decision_maker_changed": "brief.updated",
    "language_changed": "brief.updated",
    "contact_logged": "brief.contact_logged",
    "message_queued": "message.queued",
    "message_sent": "message.sent",
    "message_failed": "message.failed",
    "message_cancelled": "message.cancelled",
}


def public_name(kind: str) -> str:
    """Return the name integrations see for a record kind."""
    return PUBLIC_NAMES.get(kind, f"other.{kind}")
