"""Factories beside conftest: templates, clients and briefs, a brief with a story, sample files.

Plain functions, so test modules import them from here and never from each other.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select, text

from briefs import brief_summaries, workflow
from briefs.extensions import db
from briefs.models import (
    Brief,
    BriefField,
    BriefSection,
    Client,
    Contact,
    RecipientLink,
    Template,
    TemplateField,
    TemplateSection,
    User,
)
from briefs.models.brief import ACCEPTED, CHANGES_REQUESTED, brief_recipient
from briefs.rules.tokens import unseal
from briefs.workflow import Actor, create_brief

#: A fixed moment so tests never depend on the clock (Monday 2 Nov 2026, 12:30 in Moscow).
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
PASSWORD = "correct horse battery"


# Templates, clients, briefs -----------------------------------------------------------------


def make_template(
    name: str = "Service page",
    sections: list[tuple[str, list[dict]]] | None = None,
    locale: str = "en",
) -> Template:
    """Create a template; each field dict may override key, label, type, required, options,
    condition."""
    if sections is None:
        sections = [
            (
                "The service",
                [
                    {"key": "name", "label": "Service name"},
                    {"key": "what", "label": "What exactly is done", "type": "long_text"},
                    {"key": "price", "label": "Price", "type": "number", "required": False},
                ],
            ),
            (
                "Audience",
                [
                    {
                        "key": "channels",
                        "label": "Where customers come from",
                        "type": "multiple_choice",
                        "options": ["Search", "Referrals", "Ads"],
                    },
                    {"key": "who", "label": "Who it is for", "type": "long_text"},
                ],
            ),
        ]
    template = Template(name=name, locale=locale, created_at=NOW, updated_at=NOW)
    db.session.add(template)
    db.session.flush()
    for s_pos, (title, fields) in enumerate(sections):
        section = TemplateSection(title=title, position=s_pos)
        template.sections.append(section)
        for f_pos, spec in enumerate(fields):
            section.fields.append(
                TemplateField(
                    template_id=template.id,
                    position=f_pos,
                    key=spec["key"],
                    label=spec["label"],
                    help=spec.get("help", ""),
                    example=spec.get("example", ""),
                    type=spec.get("type", "short_text"),
                    required=spec.get("required", True),
                    options=spec.get("options", []),
                    condition=spec.get("condition"),
                )
            )
    db.session.commit()
    return template


def make_client(name: str = "Acme Dental", timezone: str = "Europe/Moscow") -> Client:
    """Create a client with a contact and a decision-maker."""
    client = Client(name=name, timezone=timezone, created_at=NOW)
    client.contacts.append(Contact(name="Ivan Contact", email="ivan@acme.example", role="contact"))
    client.contacts.append(
        Contact(name="Daria Director", email="daria@acme.example", role="decision_maker")
    )
    db.session.add(client)
    db.session.commit()
    return client


def make_brief(
    template: Template | None = None,
    client: Client | None = None,
    *,
    title: str = "Teeth whitening page",
    locale: str = "en",
    launch_date: date | None = date(2026, 12, 15),
    user: User | None = None,
    now: datetime = NOW,
    recipients: list[Contact] | None = None,
    work_days: int = 5,
):
    """Create a brief for the client's contacts (or `recipients`); return (brief, token)."""
    template = template or make_template()
    client = client or make_client()
    actor = Actor.user(user) if user else Actor("system", "Tests")
    brief, token = create_brief(
        template=template,
        client=client,
        title=title,
        locale=locale,
        recipients=recipients or [c for c in client.contacts if c.role == "contact"],
        launch_date=launch_date,
        work_days=work_days,
        actor=actor,
        now=now,
        secret_key="test",
    )
    db.session.commit()
    return brief, token


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


def starter_brief(locale: str = "ru"):
    """Install the ready starter template in `locale` and make a brief of it in that language."""
    from briefs.starters import install_starter

    template = install_starter(locale, NOW)
    db.session.add(template)
    db.session.commit()
    return make_brief(template, locale=locale)


def fields_by_key(brief: Brief) -> dict[str, BriefField]:
    """Return the brief's fields by key."""
    return {f.key: f for section in brief.sections for f in section.fields}


# A brief with a known story (the timeline tests) ----------------------------------------------

#: The client's contact, as the timeline names him.
IVAN = Actor.client("Ivan Contact")


def answer_fields(brief: Brief, keys: list[str], when, actor: Actor = IVAN) -> None:
    """Save answers to the given fields and record one event for them."""
    fields = fields_by_key(brief)
    chosen = [fields[key] for key in keys]
    for field in chosen:
        value = "Search" if field.type == "multiple_choice" else f"Answer to {field.label}"
        workflow.save_answer(field, value, not_applicable=False, actor=actor, now=when)
    workflow.record_answers_saved(brief, chosen, actor, when)


def story(user: User, *, title: str = "Teeth whitening page", client=None) -> Brief:
    """Create a brief and play a fixed story on it (Mon 2 Nov 2026 → Mon 9 Nov)."""
    brief, _token = make_brief(
        make_template(name=f"T {title}"), client or make_client(), title=title, user=user
    )
    olga = Actor.user(user)
    fields = fields_by_key(brief)
    h = timedelta(hours=1)
    d = timedelta(days=1)
    workflow.mark_sent(brief, olga, NOW + h)
    workflow.note_link_opened(brief, NOW + d)
    answer_fields(brief, ["name", "what"], NOW + d + h)
    workflow.record(
        brief, "message_queued", workflow.SYSTEM, NOW + 3 * d,
        message=1, message_kind="reminder", to=["ivan@acme.example"], cc=[], number=1,
        missing=["channels", "who"],
    )  # fmt: skip
    answer_fields(brief, ["channels", "who"], NOW + 4 * d)
    workflow.submit(brief, IVAN, NOW + 4 * d + 10 * timedelta(minutes=1), missing=[])
    workflow.review(fields["name"], ACCEPTED, "", olga, NOW + 5 * d)
    workflow.review(fields["what"], CHANGES_REQUESTED, "Add the *prices*", olga, NOW + 5 * d + h)
    # send-due tells Ivan at once; his wait on “what” starts when the mail is delivered.
    for kind in ("message_queued", "message_sent"):
        workflow.record(
            brief, kind, workflow.SYSTEM, NOW + 5 * d + h,
            message=3, message_kind="changes_requested", to=["ivan@acme.example"], cc=[],
            **({"reviews": [2], "missing": ["what"]} if kind == "message_queued" else {}),
        )  # fmt: skip
    workflow.review(fields["channels"], ACCEPTED, "", olga, NOW + 5 * d + 2 * h)
    workflow.review(fields["who"], ACCEPTED, "", olga, NOW + 5 * d + 2 * h)
    workflow.record(
        brief, "contact_logged", olga, NOW + 6 * d,
        occurred_at=(NOW + 5 * d + 5 * h).isoformat(), channel="call", with_whom="Ivan",
        note="Prices by Friday",
    )  # fmt: skip
    workflow.record(
        brief, "message_queued", workflow.SYSTEM, NOW + 7 * d,
        message=2, message_kind="escalation", to=["daria@acme.example"], cc=[], late=False,
    )  # fmt: skip
    db.session.commit()
    return brief


# Sample files for uploads ----------------------------------------------------------------------

#: The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
#: A PDF's magic bytes and a little body: enough for content sniffing.
PDF = b"%PDF-1.4\n" + b"x" * 50


def docx_bytes() -> bytes:
    """Return a minimal .docx: a ZIP with the parts Word files carry, the same bytes each time."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (
            ("[Content_Types].xml", "<Types/>"),
            ("_rels/.rels", "<Relationships/>"),
            ("word/document.xml", "<document/>"),
        ):
            # A fixed date: stamped with the clock, two calls a second apart differ.
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 2, 9, 0, 0)), text)
    return buffer.getvalue()


def own_token(brief: Brief, email: str) -> str:
    """Return the token of the link the brief's recipient with this address has of their own."""
    sealed = db.session.scalar(
        db.select(RecipientLink.token_sealed)
        .join(Contact, Contact.id == RecipientLink.contact_id)
        .where(RecipientLink.brief_id == brief.id, Contact.email == email)
    )
    return unseal(sealed, "test")


# Many briefs at once (query counts at two sizes) ---------------------------------------------


def copy_briefs(source: Brief, count: int, vary=None) -> None:
    """Insert `count` copies of a brief (sections, fields, recipients) in bulk, fast.

    `vary(n, brief_row, field_rows)` may change the n-th copy's column values (dicts keyed
    by attribute name) before they are inserted. Events are not copied. Bulk inserts pass
    the session by, so the copies' stored summaries are counted afterwards, as the
    migration counted those of existing briefs (briefs.brief_summaries.refresh).
    """
    sections = list(
        db.session.scalars(select(BriefSection).where(BriefSection.brief_id == source.id))
    )
    fields = [f for section in sections for f in section.fields]
    contacts = [c.id for c in source.recipients]

    def columns(model, obj) -> dict:
        return {c.key: getattr(obj, c.key) for c in model.__mapper__.column_attrs}

    def next_id(model) -> int:
        return (db.session.scalar(select(func.max(model.id))) or 0) + 1

    brief_id, section_id, field_id = next_id(Brief), next_id(BriefSection), next_id(BriefField)
    briefs, section_rows, field_rows, recipients = [], [], [], []
    for n in range(count):
        brief = columns(Brief, source) | {
            "id": brief_id,
            "token_hash": None,
            "status_token_hash": None,
        }
        new_sections = {}
        for section in sections:
            new_sections[section.id] = section_id
            section_rows.append(
                columns(BriefSection, section) | {"id": section_id, "brief_id": brief_id}
            )
            section_id += 1
        copied = []
        for field in fields:
            copied.append(
                columns(BriefField, field)
                | {
                    "id": field_id,
                    "brief_id": brief_id,
                    "section_id": new_sections[field.section_id],
                }
            )
            field_id += 1
        if vary is not None:
            vary(n, brief, copied)
        briefs.append(brief)
        field_rows.extend(copied)
        recipients.extend({"brief_id": brief_id, "contact_id": c} for c in contacts)
        brief_id += 1
    db.session.execute(insert(Brief), briefs)
    first_copy = briefs[0]["id"] if briefs else brief_id
    db.session.execute(insert(BriefSection), section_rows)
    db.session.execute(insert(BriefField), field_rows)
    if recipients:
        db.session.execute(insert(brief_recipient), recipients)
    if db.session.get_bind().dialect.name == "postgresql":
        # Rows inserted with their own ids leave PostgreSQL's sequences behind: move them on.
        for model in (Brief, BriefSection, BriefField):
            table = model.__tablename__
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
                )
            )
    brief_summaries.refresh(range(first_copy, brief_id))
    db.session.commit()


# Every page in Russian (the translation and axe checks) ---------------------------------------


def russian_pages(user: User, *, secret_key: str = "test") -> dict[str, str]:
    """Fill the agency in Russian (the owner, a client, the starter, a reviewed brief with a
    story, an outbox message, a webhook) and return the main pages' paths by name.

    The client's pages (form, status page, dead link) need no sign-in; the others do.
    """
    from urllib.parse import urlsplit

    from briefs.comments import add_comment
    from briefs.links import status_link
    from briefs.mail import send_due
    from briefs.recipient_links import status_token_sealed
    from briefs.starters import install_starter
    from briefs.webhooks.endpoints import add_endpoint

    user.locale = "ru"
    user.name = "Ольга Смирнова"
    template = install_starter("ru", NOW)
    db.session.add(template)
    client = Client(name="Стоматология «Улыбка»", timezone="Europe/Moscow", created_at=NOW)
    client.contacts.append(Contact(name="Иван Петров", email="ivan@ulybka.example", role="contact"))
    client.contacts.append(
        Contact(name="Дарья Соколова", email="daria@ulybka.example", role="decision_maker")
    )
    db.session.add(client)
    db.session.commit()
    brief, token = make_brief(
        template, client, title="Отбеливание зубов", locale="ru", user=user, now=NOW
    )
    _fresh, fresh_token = make_brief(
        template, client, title="Имплантация", locale="ru", user=user, now=NOW
    )
    olga, ivan = Actor.user(user), Actor.client("Иван Петров")
    workflow.mark_sent(_fresh, olga, NOW + timedelta(hours=1))
    d = timedelta(days=1)
    workflow.mark_sent(brief, olga, NOW + timedelta(hours=1))
    fields = [f for section in brief.sections for f in section.fields if f.type == "short_text"]
    for field in fields[:3]:
        workflow.save_answer(field, "Улыбка", not_applicable=False, actor=ivan, now=NOW + d)
    workflow.record_answers_saved(brief, fields[:3], ivan, NOW + d)
    add_comment(brief, fields[0], "Уточните, пожалуйста", side="agency", actor=olga, now=NOW + d)
    workflow.submit(brief, ivan, NOW + 2 * d, missing=[])
    workflow.review(fields[0], ACCEPTED, "", olga, NOW + 2 * d)
    workflow.review(fields[1], CHANGES_REQUESTED, "Добавьте цены", olga, NOW + 2 * d)
    workflow.record(
        brief, "contact_logged", olga, NOW + 3 * d,
        occurred_at=(NOW + 2 * d).isoformat(), channel="call", with_whom="Иван",
        note="Цены к пятнице",
    )  # fmt: skip
    endpoint, _secret = add_endpoint(
        "https://crm.ulybka.example/hook", ["brief.submitted"], NOW, secret_key=secret_key
    )
    db.session.commit()
    [message, *_] = send_due.run(NOW + 4 * d).queued
    db.session.commit()
    section = template.sections[0]
    status = urlsplit(status_link(status_token_sealed(brief, secret_key))).path
    db.session.commit()
    return {
        "dashboard": "/",
        "new brief": "/briefs/new",
        "brief": f"/briefs/{brief.id}",
        "review mode": f"/briefs/{brief.id}?review=1",
        "brief details": f"/briefs/{brief.id}/edit",
        "brief preview": f"/briefs/{brief.id}/preview",
        "brief timeline": f"/briefs/{brief.id}/timeline",
        "brief timeline print": f"/briefs/{brief.id}/timeline/print",
        "templates": "/templates/",
        "template": f"/templates/{template.id}",
        "template editor": f"/templates/{template.id}/edit",
        "template section": f"/templates/{template.id}/sections/{section.id}/edit",
        "template field": f"/templates/{template.id}/fields/{section.fields[0].id}/edit",
        "section condition": f"/templates/{template.id}/sections/{section.id}/condition",
        "field condition": f"/templates/{template.id}/fields/{section.fields[1].id}/condition",
        "new section": f"/templates/{template.id}/sections/new",
        "new question": f"/templates/{template.id}/sections/{section.id}/fields/new",
        "new template": "/templates/new",
        "template import": "/templates/import",
        "clients": "/clients/",
        "client": f"/clients/{client.id}",
        "client details": f"/clients/{client.id}/edit",
        "new contact": f"/clients/{client.id}/contacts/new",
        "contact": f"/clients/{client.id}/contacts/{client.contacts[0].id}/edit",
        "client timeline": f"/clients/{client.id}/timeline",
        "client timeline print": f"/clients/{client.id}/timeline/print",
        "new client": "/clients/new",
        "settings": "/settings",
        "reminder settings": "/settings/reminders",
        "wording": "/settings/wording/reminder/ru",
        "webhooks": "/settings/webhooks",
        "webhook log": f"/settings/webhooks/{endpoint.id}",
        "telegram": "/settings/telegram",
        "team": "/team",
        "account": "/account",
        "outbox": "/outbox",
        "outbox message": f"/outbox/{message.id}",
        "not found": "/no-such-page",
        "client form": f"/c/{token}",
        "new client form": f"/c/{fresh_token}",
        "status page": status,
        "dead link": "/c/not-a-real-token",
    }
