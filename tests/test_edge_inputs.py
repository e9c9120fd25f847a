"""Bad input at the edge gets a clear answer, never a 500: huge ids, dates at the ends of
the calendar, deeply nested YAML, file names the server cannot read."""

from __future__ import annotations

import io
from datetime import date

import pytest

from briefs.extensions import db
from briefs.models import Event
from briefs.url_ids import MAX_ID
from tests.factories import PNG, fields_by_key, make_brief, make_full_brief, story

pytestmark = pytest.mark.usefixtures("frozen_clock")

HUGE_IDS = (MAX_ID + 1, 2**64, 10**30)


def test_a_huge_id_in_any_route_is_not_found(app, auth_client, user):
    """Walk every rule with an int part: each answers 404 for an id no row can have."""
    brief = story(user)
    token = make_brief(user=user)[1]
    field = next(iter(fields_by_key(brief).values()))
    known = {
        "brief_id": brief.id,
        "field_id": field.id,
        "template_id": brief.template_id,
        "client_id": brief.client_id,
        "contact_id": brief.recipients[0].id,
        "user_id": user.id,
    }
    checked = 0
    for rule in app.url_map.iter_rules():
        int_parts = [name for name, conv in rule._converters.items() if conv.regex == r"\d+"]
        for huge_part in int_parts:
            for huge in HUGE_IDS:
                values = {name: known.get(name, 1) for name in int_parts}
                values[huge_part] = huge
                url = rule.rule.replace("<token>", token).replace("<any(up, down):direction>", "up")
                for name, value in values.items():
                    url = url.replace(f"<int:{name}>", str(value))
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    response = auth_client.open(url, method=method)
                    assert response.status_code == 404, (method, url)
                    checked += 1
    assert checked >= 3 * 60  # every rule with an id, each part, each method


def test_huge_ids_in_forms_and_query_strings_are_not_found(auth_client, user):
    brief, token = make_full_brief(user=user)
    huge = str(2**64)
    assert auth_client.get(f"/briefs/new?client_id={huge}").status_code == 200  # the chooser
    assert auth_client.post(f"/c/{token}", data={"remove": huge}).status_code == 302  # ignored
    assert auth_client.post(f"/c/{token}", data={"confirm": huge}).status_code == 404
    assert auth_client.get(f"/?client={huge}").status_code == 200


@pytest.mark.parametrize("typed", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_the_forms_refuse_a_launch_date_the_calendar_cannot_reckon_with(auth_client, user, typed):
    brief, _token = make_brief(user=user)
    data = {
        "title": brief.title,
        "launch_date": typed,
        "work_days": "5",
        "recipients": [str(c.id) for c in brief.recipients],
        "decision_maker": "",
        "locale": brief.locale,
    }
    response = auth_client.post(f"/briefs/{brief.id}/edit", data=data)
    assert response.status_code in (200, 422)
    assert "Enter a date between 2000 and 2100." in response.get_data(as_text=True)
    db.session.refresh(brief)
    assert brief.launch_date == date(2026, 12, 15)
    new = dict(data, template_id=str(brief.template_id), title="Another")
    response = auth_client.post(f"/briefs/new?client_id={brief.client_id}", data=new)
    assert "Enter a date between 2000 and 2100." in response.get_data(as_text=True)


@pytest.mark.parametrize("launch", [date(1, 1, 1), date(1, 1, 3), date(9999, 12, 31)])
def test_a_stored_launch_date_at_the_ends_of_the_calendar_breaks_no_page(auth_client, user, launch):
    brief, token = make_brief(user=user, launch_date=launch)
    for url in (
        f"/briefs/{brief.id}",
        "/",
        f"/briefs/{brief.id}/timeline",
        f"/briefs/{brief.id}/export.md",
        f"/c/{token}",
    ):
        assert auth_client.get(url).status_code == 200, url


def test_a_timeline_entry_dated_year_one_is_refused_clearly(auth_client, user):
    brief = story(user)
    before = db.session.scalar(db.select(db.func.count(Event.id)))
    response = auth_client.post(
        f"/briefs/{brief.id}/timeline",
        data={"day": "0001-01-01", "time": "00:00", "channel": "call", "note": "Long ago",
              "promise_due": "0001-01-02"},
    )  # fmt: skip
    assert response.status_code in (200, 422)
    assert "Enter a date between 2000 and 2100." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Event.id))) == before


def test_a_deeply_nested_yaml_import_is_refused_with_a_reason(auth_client):
    for text in ("[" * 200_000, "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 300))):
        response = auth_client.post(
            "/templates/import",
            data={"file": (io.BytesIO(text.encode()), "deep.yaml")},
            content_type="multipart/form-data",
        )
        page = response.get_data(as_text=True)
        assert response.status_code in (200, 422)
        assert "nested more than 20 levels deep" in page


def _multipart(parts: list[tuple[str, str | None, bytes]]) -> tuple[bytes, str]:
    """A multipart body written as Chromium writes it (a backslash is sent as it is)."""
    boundary = "----BriefsBoundary7MA4YWxk"
    body = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        if filename is not None:
            body += b"Content-Type: application/octet-stream\r\n"
        body += b"\r\n" + content + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_file_whose_name_ends_in_a_backslash_is_reported_not_dropped(client, user):
    brief, token = make_full_brief(user=user)
    photos = fields_by_key(brief)["photos"]
    message = "A file could not be received because its name could not be read"
    # The whole form's Save, without the page's script.
    body, kind = _multipart(
        [("seen", None, str(photos.id).encode()), (f"files-{photos.id}", "photo.png\\", PNG)]
    )
    response = client.post(f"/c/{token}", data=body, content_type=kind)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "Saved." not in page
    # The field's own upload, as the script sends it.
    body, kind = _multipart([("files", "photo.png\\", PNG)])
    response = client.post(
        f"/c/{token}/fields/{photos.id}/files",
        data=body,
        content_type=kind,
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422 and message in response.get_json()["error"]
    assert photos.value == ""
    # An untouched file input (an empty part with an empty name) is no error.
    body, kind = _multipart(
        [("seen", None, str(photos.id).encode()), (f"files-{photos.id}", "", b"")]
    )
    assert client.post(f"/c/{token}", data=body, content_type=kind).status_code == 302
