"""What each e-mail says, in the brief's language, as plain text and HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app, g, render_template
from flask_babel import force_locale, refresh
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from briefs.extensions import db
from briefs.models import MessageWording
from briefs.rules.deadlines import LATE

#: Default subject and opening per kind; the agency may replace them per language.
DEFAULT_WORDING = {
    "invitation": (
        _l("Questions for the brief “{title}”"),
        _l(
            "Hello! For the brief “{title}”, {agency} needs a few facts that only you have. "
            "The form saves every answer as you type, so you can fill it in over "
            "several visits, pass a question to a colleague, or mark one that does not apply."
        ),
    ),
    "reminder": (
        _l("Reminder: a few answers for “{title}”"),
        _l(
            "Hello! A short reminder about the brief “{title}”: here is what is still "
            "needed to start the work."
        ),
    ),
    "escalation": (
        _l("Status of the brief “{title}”"),
        _l(
            "Hello! Here is a short, factual status of the brief “{title}”, which {agency} is "
            "preparing for {client}. We share it so that everyone sees the same picture."
        ),
    ),
    "changes_requested": (
        _l("A few answers to add to: “{title}”"),
        _l(
            "Hello! Thank you for your answers to the brief “{title}”. {agency} has read them "
            "and asks you to add a little to the questions below: each comes with a note on "
            "what is needed."
        ),
    ),
}


@dataclass(frozen=True)
class MissingItem:
    """A question still to answer, with the agency's comment if it was sent back."""

    label: str
    comment: str = ""
    #: A link straight to the question on the client's form, when the mail gives one.
    link: str = ""


@dataclass(frozen=True)
class BriefFacts:
    """Everything an e-mail about one brief may say."""

    agency: str
    title: str
    client: str
    link: str | None
    questions: int
    answered: int
    required: int
    missing: list[MissingItem] = field(default_factory=list)
    launch: date | None = None
    info_due: date | None = None
    asked_since: datetime | None = None
    reminders_sent: int = 0
    holders: list[str] = field(default_factory=list)
    risk: str | None = None
    #: Working days the agency needs after the answers (what the info due date leaves).
    work_days: int | None = None
    #: Every reminder allowed has gone out; Briefs will not remind again.
    limit_reached: bool = False
    #: The decision-maker's read-only status page (/s/<token>), when there is one.
    status_link: str | None = None

    @property
    def late(self) -> bool:
        """Tell whether the answers are past their due date."""
        return self.risk == LATE

    @property
    def asks_decision(self) -> bool:
        """Tell whether the mail asks the decision-maker to decide, not only to know."""
        return self.late or self.limit_reached


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


#: The agency's own wordings by (kind, locale), read once for many mails.
Wordings = dict[tuple[str, str], MessageWording]


def load_wordings() -> Wordings:
    """Return every wording the agency changed, by kind and language (one query)."""
    return {(w.kind, w.locale): w for w in db.session.scalars(select(MessageWording))}


def wording(kind: str, locale: str, known: Wordings | None = None) -> tuple[str, str]:
    """Return the agency's subject and opening for a kind of message in a language.

    With `known` (load_wordings), nothing is read from the database.
    """
    if known is not None:
        custom = known.get((kind, locale))
    else:
        custom = db.session.scalar(
            select(MessageWording).where(
                MessageWording.kind == kind, MessageWording.locale == locale
            )
        )
    subject, intro = DEFAULT_WORDING[kind]
    with force_locale(locale):
        subject, intro = str(subject), str(intro)
    if custom is not None:
        subject = custom.subject or subject
        intro = custom.intro or intro
    return subject, intro


def _fill(text: str, facts: BriefFacts) -> str:
    """Fill {title}, {agency} and {client}; a stray brace in custom wording is kept as is."""
    try:
        return text.format(title=facts.title, agency=facts.agency, client=facts.client)
    except (KeyError, IndexError, ValueError):
        return text


def render_brief_mail(
    kind: str,
    facts: BriefFacts,
    *,
    locale: str,
    timezone: str,
    wordings: Wordings | None = None,
) -> Rendered:
    """Render an invitation, reminder or escalation about one brief."""
    subject, intro = wording(kind, locale, wordings)
    context = {"facts": facts, "intro": _fill(intro, facts), "kind": kind}
    return render_mail(kind, _fill(subject, facts), context, locale=locale, timezone=timezone)


def render_mail(kind: str, subject: str, context: dict, *, locale: str, timezone: str) -> Rendered:
    """Render templates/email/<kind>.txt and .html in a language and a time zone."""
    previous = getattr(g, "timezone", None)
    g.timezone = timezone
    refresh()  # Babel caches the zone per context; make it read ours.
    try:
        with force_locale(locale):
            context = {**context, "subject": subject, "base_url": current_app.config["BASE_URL"]}
            text = render_template(f"email/{kind}.txt", **context)
            html = render_template(f"email/{kind}.html", **context)
    finally:
        g.timezone = previous
        refresh()
    return Rendered(subject=subject, text=text.strip() + "\n", html=html)
