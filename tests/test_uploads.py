"""Files on the client's form: accepted by content, refused clearly, removed with history."""

from __future__ import annotations

import errno
import hashlib
import html
import io
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from briefs import file_storage
from briefs.extensions import db
from briefs.models import Answer, Event, Upload
from briefs.uploads import display_name, sweep
from tests.factories import (
    NOW,
    PNG,
    docx_bytes,
    fields_by_key,
    make_full_brief,
)

JSON = {"Accept": "application/json"}


pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def brief_and_token():
    return make_full_brief()


def upload(client, token, field, content: bytes, name: str, headers=None):
    return client.post(
        f"/c/{token}/fields/{field.id}/files",
        data={"files": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        headers=headers or {},
    )


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(folder.iterdir()) if folder.exists() else []


def test_an_image_is_stored_under_a_random_name(app, client, brief_and_token):
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    response = upload(client, token, photos, PNG, "../../Clinic photo.png")
    assert response.status_code == 302
    assert response.location.endswith(f"/c/{token}#field-{photos.id}")
    item = db.session.scalar(select(Upload))
    assert item.original_name == "Clinic photo.png"
    assert item.content_type == "image/png" and item.size == len(PNG)
    assert item.sha256 == hashlib.sha256(PNG).hexdigest()
    assert item.uploaded_by == "Ivan Contact"
    [path] = stored_files(app)
    assert path.name == item.stored_name and len(item.stored_name) == 32
    assert path.read_bytes() == PNG
    assert photos.value == str(item.id) and photos.revision == 1
    saved = db.session.scalar(select(Event).where(Event.kind == "answer_saved"))
    assert saved.field_id == photos.id
    page = client.get(f"/c/{token}").get_data(as_text=True)
    assert "File uploaded." in page
    assert f'href="/c/{token}/files/{item.id}">Clinic photo.png</a>' in page


def test_office_documents_and_pdfs_are_recognised(client, brief_and_token):
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    upload(client, token, photos, docx_bytes(), "brief.docx")
    upload(client, token, photos, b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", "price.pdf")
    types = db.session.scalars(select(Upload.content_type).order_by(Upload.id)).all()
    assert types == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/pdf",
    ]
    assert len(photos.value.splitlines()) == 2 and photos.revision == 2


def test_upload_by_script_answers_with_the_new_list(client, brief_and_token):
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    response = upload(client, token, photos, PNG, "a.png", headers=JSON)
    body = response.get_json()
    assert response.status_code == 200 and body["ok"] is True
    assert "a.png" in body["files_html"] and "Remove" in body["files_html"]
    assert body["message"] == "File uploaded." and body["revision"] == 1


def test_a_file_of_another_type_is_refused(app, client, brief_and_token):
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    response = upload(client, token, photos, b"MZ\x90\x00" + b"\x00" * 100, "photo.png", JSON)
    body = response.get_json()
    assert response.status_code == 422
    assert body["error"].startswith("The file photo.png was not accepted")
    text = upload(client, token, photos, b"just some text", "notes.txt", JSON)
    assert text.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Upload)) == 0
    assert stored_files(app) == []
    assert photos.revision == 0


def test_a_file_over_the_size_limit_is_refused(app, client, brief_and_token):
    app.config["UPLOAD_MAX_BYTES"] = 100
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    big = PNG + b"\x00" * 200
    response = upload(client, token, photos, big, "big.png")
    assert response.status_code == 302
    page = client.get(f"/c/{token}").get_data(as_text=True)
    assert "The file big.png is larger than 100 bytes." in page
    assert stored_files(app) == []
    assert upload(client, token, photos, PNG[:90], "small.png").status_code == 302


def test_an_empty_file_is_refused(client, brief_and_token):
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    response = upload(client, token, photos, b"", "empty.png", JSON)
    assert response.status_code == 422
    assert response.get_json()["error"] == "The file empty.png is empty."


def test_files_only_go_to_file_fields(client, brief_and_token):
    brief, token = brief_and_token
    name = fields_by_key(brief)["name"]
    assert upload(client, token, name, PNG, "a.png").status_code == 404


def test_the_whole_form_stores_chosen_files(client, brief_and_token):
    brief, token = brief_and_token
    fields = fields_by_key(brief)
    photos = fields["photos"]
    response = client.post(
        f"/c/{token}",
        data={
            "seen": [str(f.id) for f in fields.values()],
            f"f-{fields['name'].id}": "Whitening",
            f"files-{photos.id}": [(io.BytesIO(PNG), "one.png"), (io.BytesIO(b""), "")],
            "action": "save",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert len(photos.value.splitlines()) == 1
    saved = db.session.scalar(select(Event).where(Event.kind == "answer_saved"))
    assert saved.data["count"] == 2  # one event for the request, naming both fields


def test_the_whole_form_reports_a_refused_file(client, brief_and_token):
    brief, token = brief_and_token
    fields = fields_by_key(brief)
    photos = fields["photos"]
    response = client.post(
        f"/c/{token}",
        data={
            "seen": [str(f.id) for f in fields.values()],
            f"files-{photos.id}": [(io.BytesIO(b"plain text"), "a.txt")],
        },
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The file a.txt was not accepted" in body
    assert db.session.scalar(select(func.count(Upload.id))) == 0
    assert f'href="#field-{photos.id}"' in body


def test_removing_deletes_the_bytes_and_keeps_the_history(app, client, brief_and_token):
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    upload(client, token, photos, PNG, "a.png")
    upload(client, token, photos, PNG, "b.png")
    first, second = db.session.scalars(select(Upload).order_by(Upload.id)).all()
    assert photos.value == f"{first.id}\n{second.id}"
    response = client.post(f"/c/{token}/files/{first.id}/remove", headers=JSON)
    body = response.get_json()
    assert response.status_code == 200
    assert "a.png" not in body["files_html"] and "b.png" in body["files_html"]
    assert first.removed_at == NOW
    assert photos.value == str(second.id) and photos.revision == 3
    # The bytes go at once (a brief holds only its current files); the record stays.
    assert [path.name for path in stored_files(app)] == [second.stored_name]
    values = db.session.scalars(
        select(Answer.value).where(Answer.field_id == photos.id).order_by(Answer.number)
    ).all()
    assert values == [str(first.id), f"{first.id}\n{second.id}", str(second.id)]
    # A removed file is no longer the client's to download or remove again.
    assert client.get(f"/c/{token}/files/{first.id}").status_code == 404
    assert client.post(f"/c/{token}/files/{first.id}/remove").status_code == 404


def test_remove_button_of_the_whole_form_saves_and_removes(client, brief_and_token):
    brief, token = brief_and_token
    fields = fields_by_key(brief)
    photos = fields["photos"]
    upload(client, token, photos, PNG, "a.png")
    item = db.session.scalar(select(Upload))
    response = client.post(
        f"/c/{token}",
        data={
            "seen": [str(f.id) for f in fields.values()],
            f"f-{fields['name'].id}": "Whitening",
            "remove": str(item.id),
        },
    )
    assert response.status_code == 302
    assert response.location.endswith(f"#field-{photos.id}")
    assert item.removed_at == NOW and photos.value == ""
    assert fields["name"].value == "Whitening"


def test_plain_remove_post_redirects_back(client, brief_and_token):
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    upload(client, token, photos, PNG, "a.png")
    item = db.session.scalar(select(Upload))
    response = client.post(f"/c/{token}/files/{item.id}/remove")
    assert response.status_code == 302
    assert "File removed." in client.get(f"/c/{token}").get_data(as_text=True)


def test_the_client_downloads_their_own_file(client, brief_and_token):
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    upload(client, token, photos, PNG, "Clinic photo.png")
    item = db.session.scalar(select(Upload))
    response = client.get(f"/c/{token}/files/{item.id}")
    assert response.status_code == 200
    assert response.data == PNG
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    response.close()
    other, other_token = make_full_brief(title="Other")
    assert client.get(f"/c/{other_token}/files/{item.id}").status_code == 404
    assert client.get(f"/c/wrong/files/{item.id}").status_code == 404


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("photo.png", "photo.png"),
        ("C:\\Users\\me\\photo.png", "photo.png"),
        ("../../etc/passwd", "passwd"),
        ("bad\x00name\n.png", "badname.png"),
        ("", "file"),
        (None, "file"),
        ("a" * 300 + ".pdf", "a" * 187 + ".pdf"),
    ],
)
def test_display_name_is_safe_to_show(given, shown):
    assert display_name(given) == shown


def test_uploads_and_removals_are_events(client, brief_and_token):
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    upload(client, token, photos, PNG, "front.png", JSON)
    stored = db.session.scalars(select(Upload)).one()
    client.post(f"/c/{token}/files/{stored.id}/remove", headers=JSON)
    events = db.session.scalars(
        select(Event).where(Event.kind.in_(["file_uploaded", "file_removed"])).order_by(Event.id)
    ).all()
    assert [(e.kind, e.field_id, e.data) for e in events] == [
        ("file_uploaded", photos.id, {"name": "front.png", "size": len(PNG)}),
        ("file_removed", photos.id, {"name": "front.png"}),
    ]


def test_the_brief_has_a_total_size_limit(app, client, brief_and_token):
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    app.config["UPLOAD_MAX_BRIEF_BYTES"] = len(PNG) * 2 + 10
    assert upload(client, token, photos, PNG, "a.png", JSON).status_code == 200
    assert upload(client, token, photos, PNG, "b.png", JSON).status_code == 200
    refused = upload(client, token, photos, PNG, "c.png", JSON)
    assert refused.status_code == 422
    assert "c.png does not fit" in refused.json["error"]
    assert len(stored_files(app)) == 2
    # Removing a file makes room again.
    first = db.session.scalars(select(Upload).order_by(Upload.id)).first()
    client.post(f"/c/{token}/files/{first.id}/remove", headers=JSON)
    assert upload(client, token, photos, PNG, "c.png", JSON).status_code == 200


def disk_bytes(app) -> int:
    """Measure what the upload folder really holds."""
    return sum(path.stat().st_size for path in stored_files(app))


@pytest.mark.stress
def test_upload_remove_cycles_never_grow_disk_past_the_cap(app, client, brief_and_token):
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    big = PNG + b"\0" * (200 * 1024)  # still sniffed as a PNG
    cap = len(big) * 3 + 100
    app.config["UPLOAD_MAX_BRIEF_BYTES"] = cap
    refused = 0
    for cycle in range(20):
        for n in range(2):
            response = upload(client, token, photos, big, f"c{cycle}-{n}.png", JSON)
            refused += response.status_code == 422
            assert disk_bytes(app) <= cap
        oldest = db.session.scalars(
            select(Upload).where(Upload.removed_at.is_(None)).order_by(Upload.id)
        ).first()
        client.post(f"/c/{token}/files/{oldest.id}/remove", headers=JSON)
        assert disk_bytes(app) <= cap
    current = db.session.scalars(select(Upload).where(Upload.removed_at.is_(None))).all()
    # Every file on disk is a current one, and the quota counts exactly what is on disk.
    assert sorted(p.name for p in stored_files(app)) == sorted(u.stored_name for u in current)
    assert disk_bytes(app) == sum(u.size for u in current) <= cap
    assert refused > 0  # the cap was reached along the way
    assert db.session.scalar(select(func.count(Upload.id))) == 40 - refused  # history kept
    assert db.session.scalar(select(func.count(Event.id)).where(Event.kind == "file_removed")) == 20


def test_a_request_that_fails_leaves_no_file_behind(app, client, brief_and_token):
    brief, token = brief_and_token
    fields = fields_by_key(brief)
    photos = fields["photos"]
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
    assert stored_files(app) == []
    assert db.session.scalar(select(func.count(Upload.id))) == 0


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "The file c.png does not fit: this brief's files may take"),
        ("ru", "Файл c.png не помещается: все файлы этого брифа вместе могут занимать"),
    ],
)
def test_a_full_brief_says_so_and_keeps_what_was_typed(app, client, locale, expected):
    brief, token = make_full_brief(locale=locale)
    fields = fields_by_key(brief)
    photos, name = fields["photos"], fields["name"]
    app.config["UPLOAD_MAX_BRIEF_BYTES"] = len(PNG) + 10
    assert upload(client, token, photos, PNG, "a.png", JSON).status_code == 200
    response = client.post(
        f"/c/{token}",
        data={
            "seen": [str(name.id), str(photos.id)],
            f"f-{name.id}": "Whitening at home",
            f"files-{photos.id}": (io.BytesIO(PNG), "c.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert expected in html.unescape(response.get_data(as_text=True))
    assert name.value == "Whitening at home"  # saved, though the file was refused
    assert len(stored_files(app)) == 1


def test_sweep_deletes_only_old_files_no_current_upload_owns(app, client, brief_and_token):

    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    upload(client, token, photos, PNG, "kept.png")
    folder = Path(app.config["UPLOAD_FOLDER"])
    left = folder / ("0" * 32)
    left.write_bytes(b"left by a crash")
    young = folder / ("1" * 32)
    young.write_bytes(b"an upload in flight")
    old = NOW.timestamp() - 7200
    os.utime(left, (old, old))
    kept = db.session.scalar(select(Upload))
    os.utime(folder / kept.stored_name, (old, old))
    assert sweep(older_than=NOW - timedelta(hours=1)) == [left.name]
    assert sorted(p.name for p in stored_files(app)) == sorted([kept.stored_name, young.name])


def test_the_agency_sees_a_removed_file_named_without_a_link(app, auth_client, brief_and_token):
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    upload(auth_client, token, photos, PNG, "gone.png")
    item = db.session.scalar(select(Upload))
    auth_client.post(f"/c/{token}/files/{item.id}/remove")
    html = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "gone.png" in html and "removed by the client" in html
    assert f"/briefs/{brief.id}/files/{item.id}" not in html
    assert auth_client.get(f"/briefs/{brief.id}/files/{item.id}").status_code == 404


def test_sweep_uploads_command_reports_what_it_deleted(app, runner):
    folder = Path(app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    left = folder / ("0" * 32)
    left.write_bytes(b"left by a crash")
    old = NOW.timestamp() - 7200
    os.utime(left, (old, old))
    result = runner.invoke(args=["sweep-uploads"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 file(s)" in result.output
    assert not left.exists()


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "2 files were not accepted: a question holds up to 3 files."),
        ("ru", "Не приняты файлы (2): к одному вопросу можно приложить не больше 3 файлов."),
    ],
)
def test_a_question_holds_a_bounded_number_of_files(app, client, locale, expected):
    """One request of a thousand tiny files must not become a thousand stored files."""
    app.config["UPLOAD_MAX_FIELD_FILES"] = 3
    brief, token = make_full_brief(locale=locale)
    photos = fields_by_key(brief)["photos"]
    assert upload(client, token, photos, PNG, "a.png", JSON).status_code == 200
    many = [(io.BytesIO(PNG), f"p{i}.png") for i in range(4)]
    response = client.post(
        f"/c/{token}/fields/{photos.id}/files",
        data={"files": many},
        content_type="multipart/form-data",
        headers=JSON,
    )
    assert response.status_code == 422
    assert expected in response.get_json()["error"]
    assert len(photos.value.split("\n")) == 3  # two of the four fitted
    assert len(stored_files(app)) == 3
    # The whole form says the same, keeps what was typed, and saves nothing past the cap.
    name = fields_by_key(brief)["name"]
    response = client.post(
        f"/c/{token}",
        data={
            "seen": [str(name.id), str(photos.id)],
            f"f-{name.id}": "Whitening at home",
            f"files-{photos.id}": [(io.BytesIO(PNG), "x.png"), (io.BytesIO(PNG), "y.png")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert expected in html.unescape(response.get_data(as_text=True))
    assert name.value == "Whitening at home"
    assert len(stored_files(app)) == 3
    # A removed file makes room again.
    first = db.session.scalars(select(Upload).order_by(Upload.id)).first()
    client.post(f"/c/{token}/files/{first.id}/remove", headers=JSON)
    assert upload(client, token, photos, PNG, "z.png", JSON).status_code == 200


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("invoice.hta", "invoice.hta.png"),
        ("photo.html", "photo.html.png"),
        ("setup.exe", "setup.exe.png"),
        ("scan", "scan.png"),
        ("photo.PNG", "photo.PNG"),
        ("Фото.png", "Фото.png"),
    ],
)
def test_a_file_is_named_for_what_it_holds(client, brief_and_token, sent, kept):
    """A PNG called invoice.hta would run as a program on the agency's computer."""
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    assert upload(client, token, photos, PNG, sent, JSON).status_code == 200
    stored = db.session.scalars(select(Upload)).one()
    assert stored.original_name == kept
    response = client.get(f"/c/{token}/files/{stored.id}")
    assert unquote(response.headers["Content-Disposition"]).endswith(kept)
    response.close()


@pytest.mark.parametrize(
    ("content_name", "sent", "kept"),
    [
        ("jpeg", "photo.jpeg", "photo.jpeg"),
        ("jpeg", "photo.JPG", "photo.JPG"),
        ("docx", "brief.docx", "brief.docx"),
        ("pdf", "scan.pdf", "scan.pdf"),
        ("pdf", "scan.pdf.exe", "scan.pdf.exe.pdf"),
    ],
)
def test_a_matching_extension_is_left_alone(client, brief_and_token, content_name, sent, kept):
    contents = {
        "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40,
        "docx": docx_bytes(),
        "pdf": b"%PDF-1.4\n" + b"x" * 50,
    }
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]
    assert upload(client, token, photos, contents[content_name], sent, JSON).status_code == 200
    assert db.session.scalars(select(Upload)).one().original_name == kept


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "The file big.png could not be stored on the server just now."),
        ("ru", "Файл big.png сейчас не удалось сохранить на сервере."),
    ],
)
def test_an_unwritable_upload_folder_refuses_the_file_politely_and_keeps_the_answers(
    app, client, tmp_path, caplog, locale, expected
):
    brief, token = make_full_brief(locale=locale)
    fields = fields_by_key(brief)
    photos, name = fields["photos"], fields["name"]
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the upload folder should be")
    app.config["UPLOAD_FOLDER"] = str(blocker / "uploads")  # the OS refuses to create it
    alone = upload(client, token, photos, PNG, "big.png", headers=JSON)
    assert alone.status_code == 422 and expected in alone.get_json()["error"]
    whole = client.post(
        f"/c/{token}",
        data={
            "seen": [str(photos.id), str(name.id)],
            f"f-{name.id}": "Whitening",
            f"files-{photos.id}": (io.BytesIO(PNG), "big.png"),
            "action": "save",
        },
        content_type="multipart/form-data",
    )
    assert whole.status_code == 422
    assert expected in html.unescape(whole.get_data(as_text=True))
    db.session.remove()
    assert db.session.scalar(select(func.count(Upload.id))) == 0
    assert fields_by_key(brief)["name"].value == "Whitening"  # the typed answer is kept
    assert fields_by_key(brief)["photos"].revision == 0
    assert "could not be stored" in caplog.text  # the administrator learns why


def test_a_disk_that_fills_mid_file_leaves_no_half_written_file(
    app, client, brief_and_token, monkeypatch
):
    brief, token = brief_and_token
    photos = fields_by_key(brief)["photos"]

    class FillingDisk(io.FileIO):
        """A real file on disk that runs out of room after its first chunk."""

        def write(self, data) -> int:
            if self.tell() > 0:
                raise OSError(errno.ENOSPC, "No space left on device")
            return super().write(data)

    monkeypatch.setattr(file_storage, "open", FillingDisk, raising=False)
    big = PNG + bytes(200_000)
    response = upload(client, token, photos, big, "big.png", headers=JSON)
    assert response.status_code == 422
    assert "could not be stored on the server" in response.get_json()["error"]
    db.session.remove()
    assert stored_files(app) == []
    assert db.session.scalar(select(func.count(Upload.id))) == 0
