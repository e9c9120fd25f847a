"""Shared fixtures: an app on a fresh database, signed-in clients, factories, a browser."""

from __future__ import annotations

import os
import shutil
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from briefs import accounts, create_app
from briefs.accounts import agency_settings, create_user
from briefs.extensions import db
from briefs.models import Client, Contact, Template, TemplateField, TemplateSection, User
from briefs.workflow import Actor, create_brief

# Strong password hashing costs a fifth of a second per sign-in; tests need no such cost.
accounts.PASSWORD_METHOD = "pbkdf2:sha256:1000"

#: A fixed moment so tests never depend on the clock.
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
PASSWORD = "correct horse battery"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
#: Run the suite on another database (e.g. PostgreSQL) instead of a SQLite file per test.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture
def app(tmp_path: Path):
    """An app on its own SQLite file, schema created from the models."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.sqlite'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "RATELIMIT_ENABLED": False,
            # The test client posts forms without tokens; csrf tests and the live
            # server used by browser tests turn protection back on.
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        if TEST_DATABASE_URL:
            db.drop_all()  # a shared server database: start every test from nothing
        db.create_all()
        settings = agency_settings()
        settings.name = "Pixel & Co"
        settings.timezone = "Europe/Moscow"
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def user(app) -> User:
    """The agency's owner."""
    owner = create_user(email="owner@agency.example", name="Olga Owner", password=PASSWORD, now=NOW)
    owner.locale = "en"
    db.session.commit()
    return owner


@pytest.fixture
def auth_client(client, user):
    """A test client signed in as the owner."""
    login(client, user.email)
    return client


def login(client, email: str, password: str = PASSWORD):
    """Sign in through the real login form."""
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def make_template(
    name: str = "Service page",
    sections: list[tuple[str, list[dict]]] | None = None,
    locale: str = "en",
) -> Template:
    """Create a template; each field dict may override key, label, type, required, options."""
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
):
    """Create a brief; return (brief, token)."""
    template = template or make_template()
    client = client or make_client()
    actor = Actor.user(user) if user else Actor("system", "Tests")
    brief, token = create_brief(
        template=template,
        client=client,
        title=title,
        locale=locale,
        recipients=[c for c in client.contacts if c.role == "contact"],
        launch_date=launch_date,
        work_days=5,
        actor=actor,
        now=now,
        secret_key="test",
    )
    db.session.commit()
    return brief, token


@pytest.fixture
def live_server(app):
    """Serve the app over real HTTP on a free local port; yields the base URL."""
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    # Links on pages and in e-mails start with BASE_URL, as they do behind a real server.
    app.config["BASE_URL"] = base_url
    yield base_url
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (Debian's, not a downloaded one)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it.")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser page (own cookies) per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


class Mailbox:
    """What the local SMTP server received."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        from email import message_from_bytes, policy

        mail = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, mail))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on 127.0.0.1; the app's SMTP_URL points at it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    app.config["MAIL_FROM"] = "Pixel & Co <briefs@pixel.example>"
    mailbox.controller = controller
    mailbox.port = port
    yield mailbox
    try:
        mailbox.controller.stop(no_assert=True)
    except RuntimeError:
        pass  # a test stopped the server itself to play an outage
