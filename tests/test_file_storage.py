"""UPLOAD_STORAGE=database: the bytes live in the stored_file table, nothing on disk, and
they follow the transaction just as files on disk follow the commit."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from briefs.extensions import db
from briefs.file_storage import get_storage
from briefs.models import StoredFile, Upload
from briefs.uploads import sweep
from tests.factories import NOW, PDF, PNG, fields_by_key, make_full_brief

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def db_storage(app):
    app.config["UPLOAD_STORAGE"] = "database"
    return app


def post_file(client, token, field, content: bytes, name: str):
    return client.post(
        f"/c/{token}/fields/{field.id}/files",
        data={"files": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def stored_rows() -> dict[str, bytes]:
    return {
        row.name: row.data for row in db.session.execute(select(StoredFile.name, StoredFile.data))
    }


def test_uploads_are_rows_downloaded_by_client_and_agency_and_zipped(db_storage, auth_client):
    brief, token = make_full_brief()
    brief_id = brief.id
    photos = fields_by_key(brief)["photos"]
    assert post_file(auth_client, token, photos, PNG, "Clinic photo.png").status_code == 302
    item_id, stored_name = db.session.execute(select(Upload.id, Upload.stored_name)).one()
    assert stored_rows() == {stored_name: PNG}
    assert not Path(db_storage.config["UPLOAD_FOLDER"]).exists()  # nothing on this disk

    mine = auth_client.get(f"/c/{token}/files/{item_id}")
    assert mine.status_code == 200 and mine.data == PNG
    assert mine.headers["Content-Disposition"].startswith("attachment;")
    agency = auth_client.get(f"/briefs/{brief_id}/files/{item_id}")
    assert agency.status_code == 200 and agency.data == PNG
    assert agency.headers["Content-Type"] == "image/png"
    mine.close()
    agency.close()
    archive = auth_client.get(f"/briefs/{brief_id}/export.zip")
    data = archive.data
    archive.close()
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        files = [n for n in zipped.namelist() if n != "brief.md"]
        assert [zipped.read(n) for n in files] == [PNG]
        assert files[0] in zipped.read("brief.md").decode()


def test_removing_deletes_the_row_on_commit_and_keeps_the_record(db_storage, auth_client):
    brief, token = make_full_brief()
    photos = fields_by_key(brief)["photos"]
    post_file(auth_client, token, photos, PNG, "a.png")
    post_file(auth_client, token, photos, PDF, "b.pdf")
    brief_id = brief.id
    first, second = db.session.execute(select(Upload.id, Upload.stored_name).order_by(Upload.id))
    auth_client.post(f"/c/{token}/files/{first.id}/remove")
    assert stored_rows() == {second.stored_name: PDF}
    assert db.session.get(Upload, first.id).removed_at is not None
    assert auth_client.get(f"/briefs/{brief_id}/files/{first.id}").status_code == 404


def test_a_refused_or_failed_request_leaves_no_row(db_storage, client):
    brief, token = make_full_brief()
    photos = fields_by_key(brief)["photos"]
    response = client.post(
        f"/c/{token}/fields/{photos.id}/files",
        data={"files": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 100), "a.png")},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422
    response = client.post(
        f"/c/{token}",
        data={
            "seen": [str(photos.id)],
            f"files-{photos.id}": (io.BytesIO(PNG), "a.png"),
            "remove": "999999",  # no such file: 404 after the file was written
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 404
    db.session.remove()  # what the app context's teardown does after every real request
    assert stored_rows() == {}
    assert db.session.scalar(select(func.count(Upload.id))) == 0


def test_sweep_deletes_rows_no_current_upload_owns(db_storage, client):
    brief, token = make_full_brief()
    post_file(client, token, fields_by_key(brief)["photos"], PNG, "kept.png")
    kept = db.session.scalar(select(Upload.stored_name))
    db.session.add(StoredFile(name="0" * 32, size=4, data=b"left"))
    db.session.commit()
    assert sweep(older_than=NOW - timedelta(hours=1)) == ["0" * 32]
    db.session.commit()
    assert list(stored_rows()) == [kept]
    assert get_storage().size(kept) == len(PNG) and get_storage().size("0" * 32) is None


def test_an_unknown_storage_is_refused_by_name(app):
    app.config["UPLOAD_STORAGE"] = "s3"
    with pytest.raises(ValueError, match="UPLOAD_STORAGE must be one of local, database"):
        get_storage()
