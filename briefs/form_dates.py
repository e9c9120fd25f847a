"""Dates typed into the agency's forms: within the years the app can reckon with.

A date such as 0001-01-01 parses, but working-day arithmetic and time-zone conversion run
off the calendar at its ends. Forms refuse dates outside these years with a clear message,
so nothing stored has to be guarded later.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def within_years(form, field) -> None:
    """WTForms validator: refuse a date before EARLIEST or after LATEST."""
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(
            _l(
                "Enter a date between %(first)s and %(last)s.",
                first=EARLIEST.year,
                last=LATEST.year,
            )
        )
