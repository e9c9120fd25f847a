"""A bare Flask-SQLAlchemy autosave doing the durable work Briefs' autosave must do.

Issue 11 measures autosave against a bare write of one row. An autosave in Briefs also
keeps what the product promises: the answer's revision history (compare-and-set against
the revision the client started from), one event appended to the hash-chained record under
the chain head's lock, the brief's stored summary, and a reply with the form's progress. This
app does exactly those writes with hand-written SQL and no framework of ours, so a second
row can tell what the writes themselves cost from what Briefs' code adds to them.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text
from wtforms import Form, IntegerField, StringField, validators

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS brief (id INTEGER PRIMARY KEY, token_hash TEXT UNIQUE,"
    " page_version INTEGER DEFAULT 0, required_count INTEGER DEFAULT 0,"
    " missing_count INTEGER DEFAULT 0, last_client_at TEXT)",
    "CREATE TABLE IF NOT EXISTS field (id INTEGER PRIMARY KEY, brief_id INTEGER, key TEXT,"
    " label TEXT, help TEXT, type TEXT, required BOOLEAN, options TEXT, value TEXT,"
    " revision INTEGER DEFAULT 0, answered_at TEXT)",
    "CREATE INDEX IF NOT EXISTS ix_field_brief ON field (brief_id)",
    "CREATE TABLE IF NOT EXISTS answer (id INTEGER PRIMARY KEY, field_id INTEGER,"
    " number INTEGER, value TEXT, created_at TEXT)",
    "CREATE TABLE IF NOT EXISTS event (id INTEGER PRIMARY KEY, brief_id INTEGER, kind TEXT,"
    " data TEXT, created_at TEXT, seq INTEGER, prev_hash TEXT, hash TEXT)",
    "CREATE TABLE IF NOT EXISTS chain_head (id INTEGER PRIMARY KEY, seq INTEGER, hash TEXT)",
)
FIELDS = 33


class SaveForm(Form):
    value = StringField("Value", [validators.Length(max=20_000)])
    base = IntegerField("Base", [validators.Optional()])


def same_work_app(path: Path) -> Flask:
    """The app, on its own SQLite file, with one brief of FIELDS questions."""
    app = Flask("same_work")
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    bare = SQLAlchemy(app)

    @app.post("/c/<token>/fields/<int:field_id>")
    def save(token: str, field_id: int):
        digest = hashlib.sha256(token.encode()).hexdigest()
        brief = bare.session.execute(
            text("SELECT id, page_version FROM brief WHERE token_hash = :h"), {"h": digest}
        ).one_or_none()
        if brief is None:
            return jsonify(ok=False), 404
        fields = bare.session.execute(
            text("SELECT * FROM field WHERE brief_id = :b ORDER BY id"), {"b": brief.id}
        ).all()
        field = next((f for f in fields if f.id == field_id), None)
        if field is None:
            return jsonify(ok=False), 404
        form = SaveForm(request.form)
        if not form.validate():
            return jsonify(ok=False, errors=form.errors), 422
        now = datetime.now(UTC).isoformat()
        value = form.value.data
        claimed = bare.session.execute(
            text(
                "UPDATE field SET value = :v, revision = revision + 1, answered_at = :t"
                " WHERE id = :f AND revision = :r"
            ),
            {"v": value, "t": now, "f": field.id, "r": field.revision},
        ).rowcount
        if claimed != 1:
            bare.session.rollback()
            return jsonify(ok=False, conflict=True), 409
        number = field.revision + 1
        bare.session.execute(
            text("INSERT INTO answer (field_id, number, value, created_at) VALUES (:f,:n,:v,:t)"),
            {"f": field.id, "n": number, "v": value, "t": now},
        )
        data = json.dumps({"fields": [field.key], "number": number})
        event_id = bare.session.execute(
            text(
                "INSERT INTO event (brief_id, kind, data, created_at)"
                " VALUES (:b, 'answer_saved', :d, :t) RETURNING id"
            ),
            {"b": brief.id, "d": data, "t": now},
        ).scalar_one()
        head = bare.session.execute(
            text("UPDATE chain_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        ).one()
        digest = hashlib.sha256(f"{head.hash}|{event_id}|{data}|{now}".encode()).hexdigest()
        bare.session.execute(
            text("UPDATE event SET seq = :s, prev_hash = :p, hash = :h WHERE id = :e"),
            {"s": head.seq, "p": head.hash, "h": digest, "e": event_id},
        )
        bare.session.execute(text("UPDATE chain_head SET hash = :h WHERE id = 1"), {"h": digest})
        values = {f.id: (value if f.id == field.id else f.value) for f in fields}
        required = [f for f in fields if f.required]
        missing = [f for f in required if not (values[f.id] or "").strip()]
        bare.session.execute(
            text(
                "UPDATE brief SET page_version = page_version + 1, required_count = :q,"
                " missing_count = :m, last_client_at = :t WHERE id = :b"
            ),
            {"q": len(required), "m": len(missing), "t": now, "b": brief.id},
        )
        bare.session.commit()
        return jsonify(
            ok=True,
            revision=number,
            value=value,
            progress={"answered": len(required) - len(missing), "required": len(required)},
            missing=[{"id": f.id, "label": f.label} for f in missing],
        )

    with app.app_context():
        for statement in SCHEMA:
            bare.session.execute(text(statement))
        if bare.session.execute(text("SELECT count(*) FROM brief")).scalar_one() == 0:
            digest = hashlib.sha256(b"same-work").hexdigest()
            bare.session.execute(
                text("INSERT INTO brief (id, token_hash) VALUES (1, :h)"), {"h": digest}
            )
            bare.session.execute(text("INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '')"))
            for n in range(1, FIELDS + 1):
                bare.session.execute(
                    text(
                        "INSERT INTO field (id, brief_id, key, label, help, type, required,"
                        " options, value) VALUES (:i, 1, :k, :l, :h, 'long_text', 1, '[]', '')"
                    ),
                    {"i": n, "k": f"q{n}", "l": f"Вопрос {n}", "h": "Подсказка. " * 20},
                )
        bare.session.commit()
    return app


#: The token and a field the bench saves to.
TOKEN, FIELD_ID = "same-work", 1
