"""Download everything: brief.md and the current files, one folder per section."""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from briefs.exports.brief_zip import file_names, write_zip
from briefs.extensions import db
from briefs.models import Upload
from briefs.uploads import upload_path
from tests.factories import NOW, PDF, PNG, docx_bytes, make_brief, make_template

SECTIONS = [
    ("The service", [{"key": "name", "label": "Service name"}]),
    (
        "Facts & proof",
        [
            {"key": "cases", "label": "Cases", "type": "long_text"},
            {"key": "photos", "label": "Photos", "type": "file", "required": False},
            {"key": "certs", "label": "Certificates & licences", "type": "file"},
        ],
    ),
]


pytestmark = pytest.mark.usefixtures("frozen_clock")

#: A Markdown link's destination.
LINK = re.compile(r"\]\(([^)]*)\)")


def send(client, token, field_id, content, name):
    return client.post(
        f"/c/{token}/fields/{field_id}/files",
        data={"files": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_zip_holds_brief_md_and_files_in_brief_order(auth_client):
    brief, token = make_brief(make_template("Zip", SECTIONS))
    by_key = {f.key: f for s in brief.sections for f in s.fields}
    send(auth_client, token, by_key["certs"].id, PDF, "Licence 2024.pdf")
    send(auth_client, token, by_key["photos"].id, PNG, "Front desk.png")
    send(auth_client, token, by_key["photos"].id, PNG, "Front desk.png")
    send(auth_client, token, by_key["certs"].id, docx_bytes(), "ISO.docx")
    send(auth_client, token, by_key["photos"].id, PNG, "gone.png")
    gone = db.session.scalars(select(Upload).where(Upload.original_name == "gone.png")).one()
    auth_client.post(f"/c/{token}/files/{gone.id}/remove")

    response = auth_client.get(f"/briefs/{brief.id}/export.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "teeth-whitening-page.zip" in response.headers["Content-Disposition"]
    data = response.get_data()
    response.close()  # closes the temporary file the archive was built in
    archive = zipfile.ZipFile(io.BytesIO(data))
    # Entries carry the brief's last change (the removal), not the moment of the download.
    assert {info.date_time for info in archive.infolist()} == {(2026, 11, 2, 9, 30, 0)}
    assert archive.namelist() == [
        "brief.md",
        "02-facts-proof/02-photos/01-front-desk.png",
        "02-facts-proof/02-photos/02-front-desk.png",
        "02-facts-proof/03-certificates-licences/01-licence-2024.pdf",
        "02-facts-proof/03-certificates-licences/02-iso.docx",
    ]
    # brief.md is the Markdown export, its files linked to their copies in the archive.
    markdown = auth_client.get(f"/briefs/{brief.id}/export.md").get_data(as_text=True)
    in_zip = archive.read("brief.md").decode()
    server_links = LINK.findall(markdown)
    assert len(server_links) == 4 and all(u.startswith("http://") for u in server_links)
    assert LINK.findall(in_zip) == archive.namelist()[1:]
    assert LINK.sub("()", in_zip) == LINK.sub("()", markdown)
    assert archive.read("02-facts-proof/02-photos/01-front-desk.png") == PNG
    assert archive.read("02-facts-proof/03-certificates-licences/02-iso.docx") == docx_bytes()


def test_every_link_in_brief_md_opens_a_file_in_the_zip(auth_client):
    brief, token = make_brief(make_template("Zip", SECTIONS))
    by_key = {f.key: f for s in brief.sections for f in s.fields}
    send(auth_client, token, by_key["photos"].id, PNG, "Фото (ресепшн) [1].png")
    send(auth_client, token, by_key["certs"].id, PDF, "Licence 2024.pdf")
    lost = send(auth_client, token, by_key["certs"].id, PDF, "Lost.pdf")
    assert lost.status_code < 400
    gone = db.session.scalars(select(Upload).where(Upload.original_name == "Lost.pdf")).one()
    os.remove(upload_path(gone))  # its file is no longer on disk: not in the archive

    response = auth_client.get(f"/briefs/{brief.id}/export.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    response.close()
    links = LINK.findall(archive.read("brief.md").decode())
    names = set(archive.namelist())
    assert [link for link in links if link in names] == [
        "02-facts-proof/02-photos/01-foto-resepshn-1.png",
        "02-facts-proof/03-certificates-licences/01-licence-2024.pdf",
    ]
    # The file the archive lacks keeps its link to the server, rather than a dead one.
    assert [link for link in links if link not in names] == [
        f"http://localhost/briefs/{brief.id}/files/{gone.id}"
    ]


def test_the_same_brief_gives_the_same_bytes_at_any_time(auth_client, frozen_clock):
    brief, token = make_brief(make_template("Zip", SECTIONS))
    by_key = {f.key: f for s in brief.sections for f in s.fields}
    send(auth_client, token, by_key["photos"].id, PNG, "Front desk.png")

    def build() -> bytes:
        response = auth_client.get(f"/briefs/{brief.id}/export.zip")
        data = response.get_data()
        response.close()
        return data

    first = build()
    # An hour on: a ZIP stamped with the clock would differ at once (its tick is 2 seconds).
    frozen_clock(NOW + timedelta(hours=1, seconds=3))
    assert build() == first
    send(auth_client, token, by_key["photos"].id, PNG, "Back door.png")
    changed = build()
    assert changed != first
    assert zipfile.ZipFile(io.BytesIO(changed)).infolist()[0].date_time == (2026, 11, 2, 10, 30, 2)


def test_write_zip_stamps_every_entry_with_the_given_moment(tmp_path):
    class B:
        sections = []

    stamp = datetime(2026, 11, 2, 9, 30, 7, tzinfo=UTC)
    builds = []
    for _ in range(2):
        out = io.BytesIO()
        write_zip(out, B(), b"# Brief\n", [], lambda u: "", stamp)
        builds.append(out.getvalue())
    assert builds[0] == builds[1]
    [info] = zipfile.ZipFile(io.BytesIO(builds[0])).infolist()
    assert info.filename == "brief.md" and info.date_time == (2026, 11, 2, 9, 30, 6)


def test_zip_of_an_unknown_brief_is_404(auth_client):
    assert auth_client.get("/briefs/999/export.zip").status_code == 404


def test_zip_needs_a_login(client):
    brief, _token = make_brief()
    assert client.get(f"/briefs/{brief.id}/export.zip").status_code == 302


def test_names_are_unique_and_sorted_in_any_language():
    class Item:
        def __init__(self, id, field_id, name):
            self.id, self.field_id, self.original_name, self.removed_at = id, field_id, name, None

    class F:
        def __init__(self, id, label):
            self.id, self.label, self.key = id, label, f"k{id}"

    class S:
        def __init__(self, title, fields):
            self.title, self.fields = title, fields

    class B:
        sections = [S("Фото", [F(1, "Фото клиники")])]

    names = [n for n, _u in file_names(B(), [Item(1, 1, "фото.JPG"), Item(2, 1, "noext")])]
    assert names == ["01-foto/01-foto-kliniki/01-foto.jpg", "01-foto/01-foto-kliniki/02-noext"]
