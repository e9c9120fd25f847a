"""How values look on a page: Markdown help texts, local times, dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache

import markdown as md
import nh3
from flask import Flask
from flask_babel import format_date, format_datetime, get_locale
from markupsafe import Markup

from briefs.rules.answers import plain_number

#: Tags a help text or preview may use once rendered; everything else is stripped.
ALLOWED_TAGS = {
    "a", "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "code", "pre", "blockquote",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def render_markdown(text: str, extensions: Sequence = ()) -> Markup:
    """Render Markdown to sanitised HTML safe to put in a page."""
    if not extensions:
        # Help texts and section notes repeat on every view of every brief made from one
        # template version: the same text is rendered once per process, not once a view.
        return _render_plain_markdown(text or "")
    return _render(text, extensions)


@lru_cache(maxsize=4096)
def _render_plain_markdown(text: str) -> Markup:
    return _render(text, ())


def _render(text: str, extensions: Sequence) -> Markup:
    html = md.markdown(text or "", extensions=["sane_lists", "tables", "fenced_code", *extensions])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


def local_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """Show a stored UTC time in the page's time zone."""
    return format_datetime(value, fmt) if value else ""


def local_date(value: date | None, fmt: str = "medium") -> str:
    """Show a date in the page's language."""
    return format_date(value, fmt) if value else ""


def capitalize_first(text: str) -> str:
    """Upper-case the first letter only (Jinja's capitalize lowers the rest: "Nov")."""
    return text[:1].upper() + text[1:]


def init_app(app: Flask) -> None:
    """Register the Jinja filters."""
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["datetime"] = local_datetime
    app.jinja_env.filters["date"] = local_date
    app.jinja_env.filters["capitalize_first"] = capitalize_first
    app.jinja_env.filters["plain_number"] = plain_number
    from briefs import labels
    from briefs.answer_messages import file_size

    # Sizes in the page's language ("59 байт"); Jinja's own filesizeformat is English only.
    app.jinja_env.filters["file_size"] = file_size
    app.jinja_env.globals["labels"] = labels
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "en")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
