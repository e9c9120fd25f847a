"""Starter templates shipped with Briefs, in the same YAML format as exports."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from briefs.models import Template
from briefs.template_editing import template_from_data
from briefs.template_yaml import TemplateData, load_template

#: Languages the "New service page" starter is written in.
STARTER_LOCALES = ("en", "ru")

_HERE = Path(__file__).resolve().parent


def starter_path(locale: str, name: str = "new_service_page") -> Path:
    """Return the file of a starter template in one language."""
    if locale not in STARTER_LOCALES:
        raise ValueError(f"no starter in {locale!r}")
    return _HERE / f"{name}.{locale}.yaml"


def load_starter(locale: str) -> TemplateData:
    """Read the "New service page" starter in one language."""
    return load_template(starter_path(locale).read_text(encoding="utf-8"))


def install_starter(locale: str, now: datetime) -> Template:
    """Add the "New service page" starter as a new template (not committed)."""
    return template_from_data(load_starter(locale), now)
