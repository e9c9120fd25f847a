"""Brief factories for the client form's tests."""

from __future__ import annotations

from briefs.models import BriefField
from tests.conftest import make_brief, make_template

#: One field of every type, so a test can fill them all.
ALL_TYPES = [
    (
        "About you",
        [
            {"key": "name", "label": "Service name", "help": "The name **customers** use."},
            {
                "key": "what",
                "label": "What exactly is done",
                "type": "long_text",
                "example": "We clean, then whiten in two visits.",
            },
            {"key": "price", "label": "Price", "type": "number", "required": False},
            {"key": "launch", "label": "Opening day", "type": "date", "required": False},
            {"key": "email", "label": "Who receives leads", "type": "email"},
            {"key": "site", "label": "Current website", "type": "url", "required": False},
        ],
    ),
    (
        "Choices",
        [
            {"key": "online", "label": "Can customers book online?", "type": "yes_no"},
            {
                "key": "format",
                "label": "Format",
                "type": "single_choice",
                "options": ["In the clinic", "At home"],
            },
            {
                "key": "channels",
                "label": "Where customers come from",
                "type": "multiple_choice",
                "options": ["Search", "Referrals", "Ads"],
            },
            {"key": "photos", "label": "Photos of the clinic", "type": "file", "required": False},
        ],
    ),
]


def make_full_brief(**kwargs):
    """Create a brief with one field of every type; return (brief, token)."""
    return make_brief(make_template("Every type", ALL_TYPES), **kwargs)


def fields_by_key(brief) -> dict[str, BriefField]:
    """Return the brief's fields by key."""
    return {f.key: f for section in brief.sections for f in section.fields}


def make_long_brief(count: int = 30, **kwargs):
    """Create a brief with `count` fields of mixed types, each with help and an example."""
    types = ["short_text", "long_text", "number", "single_choice", "multiple_choice", "yes_no"]
    sections = []
    for s in range(count // 6 + (1 if count % 6 else 0)):
        fields = []
        for i in range(s * 6, min(count, s * 6 + 6)):
            kind = types[i % len(types)]
            fields.append(
                {
                    "key": f"q{i}",
                    "label": f"Question number {i}: what should the page say about this?",
                    "help": "Tell us in your own words; a few sentences are enough.",
                    "example": "Our clinic has worked in the city centre since 2009.",
                    "type": kind,
                    "options": ["First option", "Second option", "Third option"]
                    if kind in ("single_choice", "multiple_choice")
                    else [],
                }
            )
        sections.append((f"Section {s + 1}", fields))
    return make_brief(make_template("Long", sections), **kwargs)
