"""Where configuration comes from: defaults, the instance folder, the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

#: Answers longer than this are refused: nobody types more into one field.
MAX_ANSWER_LENGTH = 20_000


def _secret_key(instance: Path) -> str:
    """Return SECRET_KEY from the environment, else one generated once into instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load(app: Flask, test_config: dict | None) -> None:
    """Fill app.config from defaults, then the environment, then test_config."""
    instance = Path(app.instance_path)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'briefs.sqlite'}"
        ),
        UPLOAD_FOLDER=str(instance / "uploads"),
        # Where uploaded files live: "local" (UPLOAD_FOLDER, this machine only) or
        # "database" (the stored_file table, seen by every app server sharing the database).
        UPLOAD_STORAGE=os.environ.get("UPLOAD_STORAGE", "local"),
        MAX_CONTENT_LENGTH=30 * 1024 * 1024,
        # One text part of a multipart form (the client's form is one: it has file inputs)
        # may be as large as the whole request, as in a plain form. Werkzeug's 500 kB
        # default answered a long paste with a bare 413 that lost every answer typed with
        # it; now the answer's own limit refuses it politely and keeps what was typed.
        MAX_FORM_MEMORY_SIZE=30 * 1024 * 1024,
        BABEL_DEFAULT_LOCALE="en",
        BABEL_DEFAULT_TIMEZONE="UTC",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        LANGUAGES=("en", "ru"),
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SAMESITE="Lax",
        # memory:// counts per worker process, so N workers allow N times each limit:
        # production sets redis://… (see README), shared by every worker.
        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        RATELIMIT_HEADERS_ENABLED=True,
        # Links in e-mails are absolute, and a command has no request to take a host from.
        BASE_URL=os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # No SMTP_URL: messages stay in the outbox (shown on the Outbox page and logged).
        SMTP_URL=os.environ.get("SMTP_URL", ""),
        MAIL_FROM=os.environ.get("MAIL_FROM", "briefs@localhost"),
        # How many reverse proxies (nginx, Caddy) stand in front and set X-Forwarded-*.
        PROXY_COUNT=int(os.environ.get("PROXY_COUNT", "0") or 0),
        # "json": one JSON object per log line (for a log collector); else plain text.
        LOG_FORMAT=os.environ.get("LOG_FORMAT", "text"),
        # /metrics answers a request bearing this token; without one, only this machine.
        METRICS_TOKEN=os.environ.get("METRICS_TOKEN", ""),
        # Webhooks to this machine or a private network are refused unless this is on.
        ALLOW_PRIVATE_WEBHOOKS=os.environ.get("ALLOW_PRIVATE_WEBHOOKS", "") == "1",
        # Where the Telegram Bot API answers (tests and proxies point it elsewhere).
        TELEGRAM_API_URL=os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org"),
        # Seconds a PostgreSQL server has to take a connection (libpq's connect_timeout).
        PG_CONNECT_TIMEOUT=10,
    )
    if test_config is None or "SECRET_KEY" not in test_config:
        app.config["SECRET_KEY"] = _secret_key(instance)
    if test_config:
        app.config.update(test_config)
    if app.config["BASE_URL"].startswith("https://"):
        # Served over HTTPS: cookies never travel in clear text, links say https.
        app.config.update(
            SESSION_COOKIE_SECURE=True,
            REMEMBER_COOKIE_SECURE=True,
            PREFERRED_URL_SCHEME="https",
        )
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):
        # Heroku-style URLs name the dialect the way SQLAlchemy 1.4+ no longer accepts.
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql://" + uri[len("postgres://") :]
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A database server restarted (or a connection cut by a firewall) leaves dead
        # connections in the pool: each is tested as it is taken, so no visitor meets one.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("pool_pre_ping", True)
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        if uri.startswith("postgresql") and "connect_timeout" not in uri:
            # A server that drops packets (not refuses them) would hold each request for the
            # system's TCP timeout, past the proxy's; PGCONNECT_TIMEOUT still rules if set.
            if "PGCONNECT_TIMEOUT" not in os.environ:
                args = dict(options.get("connect_args") or {})
                args.setdefault("connect_timeout", app.config["PG_CONNECT_TIMEOUT"])
                options["connect_args"] = args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
