"""A bad day for the database: locked past its wait, or gone and back.

The visitor gets a calm page (or JSON) in their language that asks them to try again, never
a trace, and the app carries on by itself once the database answers again.
"""

from __future__ import annotations

import re
import socket
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import psycopg
import pytest
from sqlalchemy import event, func, select

from briefs import create_app
from briefs.accounts import agency_settings
from briefs.extensions import db
from briefs.models import Answer
from tests.factories import PASSWORD, fields_by_key, make_brief
from tests.pg_server import PostgresServer, postgres_server


@contextmanager
def write_locked(app) -> Iterator[None]:
    """Another connection holds the database's writes; the app waits only 50 ms for them.

    SQLite: its whole-file write lock (BEGIN IMMEDIATE). PostgreSQL, the same as near as
    it comes: every table locked IN EXCLUSIVE MODE (reads go on, writes wait), and the
    app's wait bounded by lock_timeout.
    """
    sqlite = db.engine.dialect.name == "sqlite"

    def short_wait(dbapi_connection, record, proxy):
        if sqlite:
            dbapi_connection.execute("PRAGMA busy_timeout=50")
        else:
            dbapi_connection.execute("SET lock_timeout = 50")
            dbapi_connection.commit()  # a SET in a transaction rolled back would be undone

    db.session.commit()  # the test's own connection goes back to the pool, to be dropped
    db.engine.dispose()
    event.listen(db.engine, "checkout", short_wait)
    if sqlite:
        holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    else:
        holder = psycopg.connect(
            db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        )
        tables = ", ".join(f'"{name}"' for name in db.metadata.tables)
        holder.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback() if not sqlite else holder.execute("ROLLBACK")
        holder.close()
        event.remove(db.engine, "checkout", short_wait)
        db.engine.dispose()


def answers() -> int:
    return db.session.scalar(select(func.count(Answer.id)))


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_a_save_refused_by_a_locked_database_asks_to_try_again_in_the_briefs_language(
    app, client, frozen_clock, locale
):
    brief, token = make_brief(locale=locale)
    name = fields_by_key(brief)["name"]
    url = f"/c/{token}/fields/{name.id}"
    data = {f"f-{name.id}": "Whitening"}
    with write_locked(app):
        page = client.post(f"/c/{token}", data={**data, "seen": [str(name.id)], "action": "save"})
        autosave = client.post(url, data=data, headers={"Accept": "application/json"})
    text = page.get_data(as_text=True)
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert f'<html lang="{locale}">' in text
    expected = (
        "Please try again in a minute" if locale == "en" else "попробуйте ещё раз через минуту"
    )
    assert expected in text
    assert "Traceback" not in text and "locked" not in text and "sqlite" not in text.lower()
    assert "psycopg" not in text
    assert autosave.status_code == 503
    assert autosave.get_json() == {"error": "unavailable", "status": 503}
    assert answers() == 0
    # The lock is gone: the same save goes through, nothing to restart.
    again = client.post(url, data=data, headers={"Accept": "application/json"})
    assert again.status_code == 200 and answers() == 1


class Browser:
    """A visitor over real HTTP with cookies: each request its own context, as served."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def open(self, path: str, form: dict | None = None) -> tuple[int, str]:
        body = urlencode(form).encode() if form is not None else None
        request = Request(self.base_url + path, body, headers={"Accept-Language": "en"})
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()

    def post_form(self, path: str, **values: str) -> tuple[int, str]:
        _, page = self.open(path)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return self.open(path, {"csrf_token": csrf, **values})


def test_a_signed_in_user_refused_by_a_locked_database_is_answered_in_their_language(
    app, live_server, user, frozen_clock
):
    user.locale = "ru"  # the browser asks for English: the account's language wins
    db.session.commit()
    browser = Browser(live_server)
    status, _ = browser.post_form("/login", email=user.email, password=PASSWORD)
    assert status == 200
    _, page = browser.open("/clients/new")
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {"csrf_token": csrf, "name": "Acme", "timezone": "Europe/Moscow"}
    with write_locked(app):
        status, text = browser.open("/clients/new", form)
    assert status == 503
    assert '<html lang="ru">' in text and "попробуйте ещё раз через минуту" in text
    assert "Traceback" not in text
    # Still signed in, and the same form goes through now.
    status, text = browser.open("/clients/new", form)
    assert status == 200 and "Acme" in text


@pytest.fixture
def restartable_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, to stop and start under a running app."""
    with postgres_server("briefs_outage") as server:
        yield server


@pytest.mark.stress
def test_postgresql_stopped_and_started_under_a_running_app(restartable_postgres, tmp_path):
    server = restartable_postgres
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": server.url,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        agency_settings()
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    russian = {"Accept-Language": "ru"}

    def answers_all() -> list[int]:
        return [
            client.get("/login", headers=russian).status_code,
            client.get("/healthz").status_code,
            client.get(
                "/api/v1/briefs", headers={"Authorization": "Bearer brf_unknown0000000000000000"}
            ).status_code,
        ]

    assert answers_all() == [302, 200, 401]  # no account yet: /login leads to /setup

    server.stop()
    page = client.get("/login", headers=russian)
    text = page.get_data(as_text=True)
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert '<html lang="ru">' in text and "попробуйте ещё раз через минуту" in text
    assert "Traceback" not in text and "psycopg" not in text
    script = client.get("/login", headers={"Accept": "application/json"})
    assert script.status_code == 503 and script.get_json()["error"] == "unavailable"
    api = client.get(
        "/api/v1/briefs", headers={"Authorization": "Bearer brf_unknown0000000000000000"}
    )
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert client.get("/healthz").status_code == 503

    server.start()
    assert answers_all() == [302, 200, 401]
    # Restarted between two requests: the pooled connections died unseen; the next
    # visitor must not be the one who finds out.
    server.stop()
    server.start()
    assert answers_all() == [302, 200, 401]
    with app.app_context():
        db.engine.dispose()


def test_a_database_server_that_never_answers_is_given_up_in_seconds(tmp_path):
    """A server that takes the connection and says nothing (or a host dropping packets)
    must not hold the visitor for the system's TCP timeout: libpq's connect_timeout."""
    silent = socket.create_server(("127.0.0.1", 0))  # the kernel accepts; nobody speaks
    port = silent.getsockname()[1]
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://briefs@127.0.0.1:{port}/briefs",
            "PG_CONNECT_TIMEOUT": 2,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "RATELIMIT_ENABLED": False,
        }
    )
    try:
        started = time.monotonic()
        page = app.test_client().get("/login", headers={"Accept-Language": "ru"})
        took = time.monotonic() - started
    finally:
        silent.close()
    assert page.status_code == 503
    assert "попробуйте ещё раз через минуту" in page.get_data(as_text=True)
    # Given up after the connect timeout (pre-ping and a retry may each wait for it once).
    assert took < 3 * 2 + 2
