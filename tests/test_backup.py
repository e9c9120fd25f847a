"""Backup → wipe → restore gives back the same instance: every row, every file, the log."""

from __future__ import annotations

import hashlib
import io
import shutil
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from briefs import create_app
from briefs.accounts import agency_settings, create_user
from briefs.extensions import db
from briefs.file_storage import get_storage
from briefs.models import Message
from briefs.workflow import SYSTEM, mark_sent
from tests.factories import NOW, PASSWORD, PDF, PNG, docx_bytes, make_full_brief, story

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture(
    params=[
        "sqlite",
        "sqlite+database-storage",
        pytest.param("postgresql", marks=pytest.mark.stress),
        pytest.param("postgresql+database-storage", marks=pytest.mark.stress),
    ],
)
def instance(request, tmp_path):
    """The app of a fresh instance: a SQLite file, or the session's throwaway PostgreSQL;
    its uploads on local disk, or (`+database-storage`) in the database."""
    storage = "database" if request.param.endswith("+database-storage") else "local"
    if request.param.startswith("sqlite"):
        app = request.getfixturevalue("app")
        app.config["UPLOAD_STORAGE"] = storage
        yield app
        return
    pg_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": request.getfixturevalue("postgres_url"),
            "UPLOAD_FOLDER": str(tmp_path / "pg-uploads"),
            "UPLOAD_STORAGE": storage,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with pg_app.app_context():
        db.drop_all()
        db.create_all()
        settings = agency_settings()
        settings.name, settings.timezone = "Pixel & Co", "Europe/Moscow"
        db.session.commit()
        yield pg_app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def populate(app) -> None:
    """Briefs with answers and reviews, uploads, queued mail and their events."""
    owner = create_user(email="owner@agency.example", name="Olga Owner", password=PASSWORD, now=NOW)
    db.session.commit()
    story(owner)
    brief, token = make_full_brief()
    mark_sent(brief, SYSTEM, NOW)
    db.session.commit()
    field_id = next(f.id for s in brief.sections for f in s.fields if f.type == "file")
    client = app.test_client()
    for content, name in [(PNG, "photo.png"), (PDF, "price list.pdf"), (docx_bytes(), "a.docx")]:
        response = client.post(
            f"/c/{token}/fields/{field_id}/files",
            data={"files": (io.BytesIO(content), name)},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
    # No SMTP: the reminders send-due queues stay in the outbox.
    result = app.test_cli_runner().invoke(args=["send-due", "--now", "2026-11-09T09:05:00+03:00"])
    assert "queued" in result.output, result.output


def snapshot(app) -> tuple[dict, dict]:
    """Every row of every table (the database's own list, not the models'), every file."""
    db.session.remove()
    tables = MetaData()
    tables.reflect(db.engine)
    rows = {}
    with db.engine.connect() as connection:
        for table in tables.sorted_tables:
            found = connection.execute(select(table)).all()
            rows[table.name] = sorted((tuple(row) for row in found), key=repr)
    storage = get_storage()
    files = {}
    for name in storage.names():
        with storage.open(name) as stored:
            files[name] = hashlib.sha256(stored.read()).hexdigest()
    db.session.remove()
    return rows, files


def wipe(app) -> None:
    db.session.remove()
    if db.engine.url.get_backend_name() == "sqlite":
        db.engine.dispose()
        Path(db.engine.url.database).unlink()
    else:
        db.drop_all()
    if Path(app.config["UPLOAD_FOLDER"]).exists():
        shutil.rmtree(app.config["UPLOAD_FOLDER"])


def test_backup_wipe_restore_gives_back_every_row_file_and_the_log(instance, tmp_path):
    populate(instance)
    runner = instance.test_cli_runner()
    rows, files = snapshot(instance)
    assert len(files) == 3 and rows["upload"] and rows["message"] and len(rows["event"]) > 15
    log = runner.invoke(args=["verify-log"])
    assert log.exit_code == 0 and "The log holds" in log.output

    archive = tmp_path / "instance.tar.gz"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    total = sum(len(found) for name, found in rows.items() if name != "alembic_version")
    assert f"Backed up {total} rows and 3 file(s)" in result.output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    if instance.config["UPLOAD_STORAGE"] == "local":
        assert {"backup.json", f"uploads/{next(iter(files))}"} <= set(names)
    else:  # the files are rows of the database's copy, not entries of their own
        assert len(rows["stored_file"]) == 3
        assert "backup.json" in names and not any(n.startswith("uploads/") for n in names)
        assert not Path(instance.config["UPLOAD_FOLDER"]).exists()

    wipe(instance)
    assert instance.test_client().get("/healthz").status_code == 503
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert f"Restored {total} rows and 3 file(s)" in result.output

    assert snapshot(instance) == (rows, files)
    assert runner.invoke(args=["verify-log"]).output == log.output
    assert instance.test_client().get("/healthz").status_code == 200
    # Ids go on where they stopped: new rows do not collide with restored ones.
    make_full_brief()
    assert db.session.scalar(select(Message.id).limit(1)) is not None


def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(app, runner, tmp_path):
    before = snapshot(app)
    bogus = tmp_path / "notes.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("readme.txt"), io.BytesIO(b""))
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code == 1
    assert "Nothing restored" in result.output and "no readable backup.json" in result.output
    assert snapshot(app) == before


def test_restore_asks_before_replacing_the_data(app, runner, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    result = runner.invoke(args=["restore", str(archive)], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output


def test_restore_refuses_an_archive_of_the_other_upload_storage(app, runner, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    app.config["UPLOAD_STORAGE"] = "database"
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 1
    assert "Nothing restored" in result.output and "UPLOAD_STORAGE=database" in result.output
