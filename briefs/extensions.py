"""The Flask extensions Briefs uses, created unbound and wired in init_app."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

ROOT = Path(__file__).resolve().parent.parent


class Base(DeclarativeBase):
    """Declarative base whose constraint names are stable across databases."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Turn on WAL, foreign keys and a busy timeout on every SQLite connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # SQLite's busy handler polls rather than queues: with many writers a short wait
        # starves now and then and the save is refused. Waiting longer costs a slow save
        # in a rush, never a lost one (the stress tests run 50 writers at once).
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
        # SQLite's own lower() and LIKE fold ASCII letters only: briefs.name_search matches
        # names through this one, which folds every alphabet (Cyrillic too) as Python does.
        dbapi_connection.create_function(UNICODE_LOWER, 1, _unicode_lower, deterministic=True)


#: The SQLite function that lowers text in every alphabet (PostgreSQL's lower() does).
UNICODE_LOWER = "unicode_lower"


def _unicode_lower(text: str | None) -> str | None:
    return text.lower() if isinstance(text, str) else text


def init_app(app: Flask) -> None:
    """Bind the extensions to the app; auth.session binds Babel and sign-in's callbacks."""
    db.init_app(app)
    # Batch mode lets Alembic alter SQLite tables by copying them.
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
