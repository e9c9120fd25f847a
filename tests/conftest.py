"""Shared fixtures: an app on a fresh database, signed-in clients, a frozen clock, a query
counter, golden files, a local SMTP server, a browser. Factories live in tests/factories.py."""

from __future__ import annotations

import difflib
import os
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import event
from werkzeug.serving import make_server

from briefs import accounts, clock, create_app
from briefs.accounts import agency_settings, create_user
from briefs.extensions import db
from briefs.models import User
from tests.factories import NOW, PASSWORD
from tests.pg_server import throwaway_postgres
from tests.redis_server import throwaway_redis

# Strong password hashing costs a fifth of a second per sign-in; tests need no such cost.
accounts.PASSWORD_METHOD = "pbkdf2:sha256:1000"

GOLDEN = Path(__file__).parent / "golden"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
#: Run the suite on another database (e.g. PostgreSQL) instead of a SQLite file per test.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


@contextmanager
def _fresh_app(tmp_path: Path, **config) -> Iterator:
    """Create an app on its own SQLite file, schema created from the models."""
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
            **config,
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
def app(tmp_path: Path):
    """An app on its own SQLite file, schema created from the models; no rate limits."""
    with _fresh_app(tmp_path) as app:
        yield app


@pytest.fixture
def limited_app(tmp_path: Path):
    """Like `app`, with the rate limits on (in memory, fresh for each test)."""
    with _fresh_app(tmp_path, RATELIMIT_ENABLED=True) as app:
        yield app


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


@pytest.fixture
def frozen_clock(monkeypatch) -> Callable[[datetime], None]:
    """Stop `briefs.clock.utcnow` at NOW; return a setter that moves it."""

    def set_now(moment: datetime) -> None:
        # Every module calls clock.utcnow() through the module, so this one patch reaches all.
        monkeypatch.setattr(clock, "utcnow", lambda: moment)

    set_now(NOW)
    return set_now


@pytest.fixture
def count_queries(app):
    """Return a context manager that collects the SQL statements sent inside it."""

    @contextmanager
    def counting(*, fresh_session: bool = False) -> Iterator[list[str]]:
        statements: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        # A fresh app context has an empty session, so a page loads everything it shows.
        with app.app_context() if fresh_session else nullcontext():
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                yield statements
            finally:
                event.remove(db.engine, "before_cursor_execute", count)

    return counting


@pytest.fixture
def assert_golden() -> Callable[[str, str], None]:
    """Return a check of text against tests/golden/<name>; UPDATE_GOLDEN=1 rewrites the file."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get("UPDATE_GOLDEN") == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        if not path.exists():
            pytest.fail(f"no golden file {path}: run with UPDATE_GOLDEN=1 to write it")
        expected = path.read_bytes().decode("utf-8")
        if text != expected:
            diff = difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"golden/{name}",
                "now",
            )
            pytest.fail(
                f"{name} differs from its golden file (run with UPDATE_GOLDEN=1 to accept):\n"
                + "".join(diff),
                pytrace=False,
            )

    return check


def _buffered(wsgi_app):
    """Hand Werkzeug's development server whole bodies, each response closed at once.

    When the browser hangs up in the middle of a streamed static file (a favicon as a page
    closes), the server's clean-up can fail before it closes the response, and the open
    file then surfaces as a ResourceWarning in whichever test runs next.
    """

    def app(environ, start_response):
        body = wsgi_app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return app


@contextmanager
def _serving(app) -> Iterator[str]:
    """Serve the app over real HTTP on a free local port; yield the base URL."""
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    # Links on pages and in e-mails start with BASE_URL, as they do behind a real server.
    app.config["BASE_URL"] = base_url
    yield base_url
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    """Serve the app over real HTTP on a free local port; yields the base URL."""
    with _serving(app) as base_url:
        yield base_url


@pytest.fixture
def limited_live_server(limited_app):
    """Like `live_server`, with the rate limits on. Each request has a context of its own,
    as in production (the test client's requests share the test's, and so its `g`)."""
    with _serving(limited_app) as base_url:
        yield base_url


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


@pytest.fixture
def phone(browser) -> Iterator[Callable[..., object]]:
    """Open pages in browser contexts of their own (a phone, 375x800, unless a size is
    given; other keywords go to new_context), all closed after the test."""
    contexts = []

    def open_page(width: int = 375, height: int = 800, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


class Mailbox:
    """What the local SMTP server received."""

    def __init__(self) -> None:
        self.messages: list = []
        #: The bytes of each message as they came over the wire.
        self.raw: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        from email import message_from_bytes, policy

        mail = message_from_bytes(envelope.content, policy=policy.default)
        self.raw.append(envelope.content)
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


@pytest.fixture
def faulty_smtp(app):
    """An SMTP server that fails on purpose (tests/faulty_smtp.py); the app's client gives
    up on an answer after one second."""
    from tests.faulty_smtp import start_faulty_smtp

    mailbox, controller, port = start_faulty_smtp()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}?timeout=1"
    app.config["MAIL_FROM"] = "Pixel & Co <briefs@pixel.example>"
    mailbox.port = port
    yield mailbox
    controller.stop(no_assert=True)


@pytest.fixture
def bad_http():
    """An HTTP server that answers badly on purpose (tests/bad_http.py)."""
    from tests.bad_http import start_bad_http

    state, listener = start_bad_http()
    yield state
    state.stopping.set()
    listener.shutdown(socket.SHUT_RDWR)
    listener.close()


@pytest.fixture
def fake_telegram(app):
    """A Telegram Bot API on 127.0.0.1 (tests/fake_telegram.py); TELEGRAM_API_URL points at it."""
    from tests.fake_telegram import start_fake_telegram

    state, server = start_fake_telegram()
    app.config["TELEGRAM_API_URL"] = state.url
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server of this session's own, for stress tests on many writers."""
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis server of this session's own (rate limits shared by app servers)."""
    with throwaway_redis() as url:
        yield url
