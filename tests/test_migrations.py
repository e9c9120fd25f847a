"""The migrations build exactly the schema the models describe."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from briefs import create_app
from briefs.extensions import db


def unmigrated_app(database: Path):
    """An app on its own SQLite file with no tables yet: the migrations build them."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        }
    )


def insert_events_at_0002(*, count: int) -> None:
    """One client, one brief and `count` events, written as the schema of 0002 had them."""
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO client (id, name, timezone, notes, created_at) "
                "VALUES (1, 'Acme', 'UTC', '', '2026-11-02 09:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO brief (id, client_id, title, locale, work_days, status, "
                "created_at) VALUES (1, 1, 'Page', 'en', 5, 'draft', '2026-11-02 09:00:00')"
            )
        )
        for number in range(1, count + 1):
            connection.execute(
                text(
                    "INSERT INTO event (brief_id, kind, actor_kind, actor_label, data, "
                    "created_at) VALUES (1, 'brief_created', 'system', 'Briefs', "
                    f"'{{\"n\": {number}}}', '2026-11-02 09:0{number}:00.000000')"
                )
            )


def test_upgrade_on_empty_database_matches_models(tmp_path):
    app = unmigrated_app(tmp_path / "migrated.sqlite")
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []


def test_events_recorded_before_the_chain_are_chained_by_the_upgrade(tmp_path):
    from briefs.rules.event_chain import verify

    app = unmigrated_app(tmp_path / "old.sqlite")
    with app.app_context():
        upgrade(revision="0002")
        insert_events_at_0002(count=2)
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT id, brief_id, kind, actor_kind, actor_user_id, actor_label, "
                    "field_id, data, created_at, prev_hash, hash FROM event ORDER BY id"
                )
            ).mappings()
            parsed = []
            import json
            from datetime import datetime

            for row in rows:
                row = dict(row)
                row["data"] = json.loads(row["data"])
                row["created_at"] = datetime.fromisoformat(row["created_at"])
                parsed.append(row)
        db.engine.dispose()
    count, head, broken = verify(parsed)
    assert count == 2 and broken is None and len(head) == 64


def test_a_table_copy_keeps_every_row_that_refers_to_it(tmp_path):
    # On SQLite, adding a reference to brief copies the table; the rows that point at the
    # briefs (events, fields, recipients) must survive both ways.
    from flask_migrate import downgrade

    from tests.factories import make_brief

    app = unmigrated_app(tmp_path / "copied.sqlite")
    tables = ("brief", "event", "brief_field", "brief_recipient")

    def counts() -> dict[str, int]:
        with db.engine.connect() as connection:
            return {
                t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables
            }

    with app.app_context():
        upgrade()
        make_brief()
        db.session.commit()
        db.session.remove()
        before = counts()
        assert all(before.values()), before
        downgrade(revision="0003")
        assert counts() == before
        upgrade()
        assert counts() == before
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        db.engine.dispose()


def test_events_chained_before_0009_keep_verifying_and_new_ones_follow_them(tmp_path):
    from briefs.workflow import SYSTEM, mark_sent
    from tests.factories import NOW, make_brief

    app = unmigrated_app(tmp_path / "before.sqlite")
    with app.app_context():
        upgrade(revision="0002")
        insert_events_at_0002(count=3)
        upgrade(revision="0005")  # chained by 0003 in id order, as the old scheme did
        with db.engine.connect() as connection:
            old_head = connection.execute(text("SELECT hash FROM event WHERE id = 3")).scalar()
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT id, seq FROM event ORDER BY id")).all() == [
                (1, 1),
                (2, 2),
                (3, 3),
            ]
            assert connection.execute(text("SELECT seq, hash FROM chain_head")).all() == [
                (3, old_head)
            ]
        brief, _token = make_brief()
        mark_sent(brief, SYSTEM, NOW)
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["verify-log", "--head", old_head])
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "The log holds: 5 events" in result.output
    assert "The head given is event 3 of 5" in result.output


def test_webhook_secrets_stored_in_the_clear_are_sealed_by_the_upgrade(tmp_path):
    from flask_migrate import downgrade
    from sqlalchemy import text

    from briefs.rules.tokens import unseal

    app = unmigrated_app(tmp_path / "hooks.sqlite")
    read = text("SELECT secret FROM webhook_endpoint")
    with app.app_context():
        upgrade(revision="0016")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO webhook_endpoint (id, url, secret, events, created_at) "
                    "VALUES (1, 'https://crm.example/hook', 'whsec_plain', '[]', "
                    "'2026-11-02 09:00:00')"
                )
            )
        upgrade(revision="0017")
        with db.engine.connect() as connection:
            sealed = connection.execute(read).scalar_one()
        downgrade(revision="0016")
        with db.engine.connect() as connection:
            opened = connection.execute(read).scalar_one()
        db.engine.dispose()
    assert sealed != "whsec_plain" and unseal(sealed, "test") == "whsec_plain"
    assert opened == "whsec_plain"


def test_migrations_form_one_line_numbered_in_order():
    """Each file's number is its revision and follows the one before: no branches to merge."""
    from alembic.script import ScriptDirectory

    folder = Path(__file__).parent.parent / "migrations"
    script = ScriptDirectory(str(folder))
    files = sorted(p.name for p in (folder / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert script.get_heads() == [files[-1][:4]]
    for number, name in enumerate(files, start=1):
        revision = script.get_revision(name[:4])
        assert revision.revision == f"{number:04d}", name
        assert revision.down_revision == (f"{number - 1:04d}" if number > 1 else None), name
