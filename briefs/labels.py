"""Words for statuses, sides and field types, in the page's language.

Computed in Python so templates only print them; lazy so they follow the request's locale.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

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
