"""Words for statuses, sides and field types, in the page's language.

Computed in Python so templates only print them; lazy so they follow the request's locale.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

STATUS_LABELS = {
    "draft": _l("Draft"),
    "sent": _l("Sent"),
    "submitted": _l("Submitted"),
    "closed": _l("Closed"),
}

#: Badge style per status (classes from app.css).
STATUS_BADGES = {"draft": "", "sent": "info", "submitted": "ok", "closed": ""}

SIDE_LABELS = {
    "client": _l("Client's move"),
    "agency": _l("Agency's move"),
    None: _l("Nothing pending"),
}

FIELD_TYPE_LABELS = {
    "short_text": _l("Short text"),
    "long_text": _l("Long text"),
    "number": _l("Number"),
    "date": _l("Date"),
    "email": _l("E-mail"),
    "url": _l("Web address"),
    "yes_no": _l("Yes / no"),
    "single_choice": _l("One choice"),
    "multiple_choice": _l("Several choices"),
    "file": _l("Files"),
}

ROLE_LABELS = {"contact": _l("Contact"), "decision_maker": _l("Decision-maker")}

LANGUAGE_LABELS = {"en": "English", "ru": "Русский"}

MESSAGE_STATUS_LABELS = {
    "queued": _l("Queued"),
    "sending": _l("Sending"),
    "sent": _lp("message status", "Sent"),
    "unconfirmed": _l("Delivered, unconfirmed"),
    "failed": _l("Failed"),
    "cancelled": _l("Cancelled: no longer needed"),
    "telegram": _l("Not e-mailed: in Telegram"),
}

MESSAGE_STATUS_BADGES = {
    "queued": "info",
    "sending": "info",
    "sent": "ok",
    "unconfirmed": "warn",
    "failed": "bad",
    "cancelled": "",
    "telegram": "info",
}

MESSAGE_KIND_LABELS = {
    "invitation": _l("Invitation"),
    "reminder": _l("Reminder"),
    "escalation": _l("Status to the decision-maker"),
    "risk_alert": _l("Risk alert"),
    "client_digest": _l("Weekly client digest"),
    "agency_digest": _l("Daily team digest"),
    "handover": _l("Questions handed to a colleague"),
    "comment_digest": _l("New comments"),
    "changes_requested": _l("Answers sent back for changes"),
    "submitted": _l("Notice of the submitted answers"),
}

RISK_LABELS = {
    "on_track": _l("On track"),
    "at_risk": _l("At risk"),
    "late": _l("Late"),
    None: _l("No launch date"),
}

RISK_BADGES = {"on_track": "ok", "at_risk": "warn", "late": "bad", None: ""}
