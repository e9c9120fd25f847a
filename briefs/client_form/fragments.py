"""Which parts of the client's form are printed again, and which are reused as printed before.

A question's markup (label, help, input, comments, files) was rendered on every view, the
page's largest cost. It depends only on what is stored about the question, what the page
shows around it and the page's language, time zone and agency name, so it is rendered once
for each combination and reused: the key is a digest of every one of those values (the
question's whole row, its comments' and files' rows, what is typed or refused, who holds
it, whether a condition hides it, the link's token). Any change to any of them is a new
key; an answer saved in another process changes the row this process reads, so no
process prints an old answer. Only per-request parts (the CSRF token, flashed messages)
live outside the fragments. A question with a conflict to show is always rendered afresh.

The fragments live in a bounded LRU per process; the debug server, which reloads changed
templates, does not use it.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import get_locale, get_timezone
from markupsafe import Markup
from sqlalchemy import inspect

if TYPE_CHECKING:
    from briefs.client_form.page import FieldView, FormPage

#: Fragments kept per process: a few long briefs' worth in each language.
MAX_FRAGMENTS = 2048


class FragmentCache:
    """A bounded, thread-safe map of key digests to rendered markup, least recent out."""

    def __init__(self, size: int = MAX_FRAGMENTS) -> None:
        self.size = size
        self._items: OrderedDict[bytes, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes) -> str | None:
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
            return html

    def put(self, key: bytes, html: str) -> None:
        with self._lock:
            self._items[key] = html
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


CACHE = FragmentCache()

_columns_of: dict[type, tuple[str, ...]] = {}


def row(obj: Any) -> tuple:
    """Every stored column of a loaded row, in mapper order (its relationships left out)."""
    cls = type(obj)
    names = _columns_of.get(cls)
    if names is None:
        names = tuple(attr.key for attr in inspect(cls).column_attrs)
        _columns_of[cls] = names
    return (cls.__name__, *(getattr(obj, name) for name in names))


def page_context(page: FormPage) -> tuple:
    """What every fragment of the page shares: language, time zone, agency, link."""
    return (
        str(get_locale()),
        str(get_timezone()),
        page.agency_name,
        page.accept,
        page.note_limit,
        page.token,
        page.link.is_colleague if page.link else None,
        tuple(sorted(page.words.items())),
    )


def _digest(parts: tuple) -> bytes:
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).digest()


def question_key(view: FieldView, page: FormPage, context: bytes) -> bytes | None:
    """The digest of everything a question's markup shows; None when it is not reused."""
    if view.conflict is not None:
        return None
    return _digest(
        (
            "question",
            context,
            row(view.field),
            view.text,
            tuple(sorted(view.chosen)),
            view.not_applicable,
            view.error,
            view.sent_back,
            view.base,
            view.resolved,
            view.holders,
            view.suggested,
            view.hidden,
            tuple(row(c) for c in view.comments),
            tuple((row(f.upload), f.size_text, f.download_url, f.remove_url) for f in view.files),
        )
    )


def handover_key(section, views: list[FieldView], page: FormPage, context: bytes) -> bytes | None:
    """The digest of what a section's "hand to a colleague" form shows; None when typed in."""
    if page.handover_form is not None:
        return None
    return _digest(
        (
            "handover",
            context,
            row(section),
            tuple((v.field.id, v.field.label) for v in views),
        )
    )


def _reuse(key: bytes | None, render: Callable[[], Markup]) -> Markup:
    if key is None or current_app.debug:
        return render()
    html = CACHE.get(key)
    if html is None:
        html = Markup(render())
        CACHE.put(key, html)
    return Markup(html)


class PageFragments:
    """The reusable parts of one form page, with what they share worked out once."""

    def __init__(self, page: FormPage) -> None:
        self.page = page
        self.context = _digest(page_context(page))

    def question(self, macro: Callable[..., Markup], view: FieldView) -> Markup:
        """A question's markup, rendered by `macro` or reused from an earlier view."""
        key = question_key(view, self.page, self.context)
        return _reuse(key, lambda: macro(view, self.page))

    def section_handover(self, macro: Callable[..., Markup], section, views) -> Markup:
        """A section's hand-over form, rendered by `macro` or reused from an earlier view."""
        key = handover_key(section, views, self.page, self.context)
        return _reuse(key, lambda: macro(section, views, self.page))
