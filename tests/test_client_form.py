"""The client's form behind the secret link: look-up, saving, validation, submit, autosave."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.test import encode_multipart

from briefs.extensions import db
from briefs.models import Answer, Event
from briefs.models.brief import CHANGES_REQUESTED
from briefs.workflow import Actor, close, regenerate_link, review
from tests.factories import (
    NOW,
    fields_by_key,
    make_brief,
    make_full_brief,
    make_long_brief,
    make_template,
    own_token,
)

AGENCY = Actor("user", "Olga Owner")


def count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def form_data(brief, **values) -> dict:
    """Build a whole-form post: every field shown, values by key."""
    by_key = fields_by_key(brief)
    data: dict = {"seen": [str(f.id) for f in by_key.values()], "action": "save"}
    for key, value in values.items():
        if key.startswith("na_"):
            data[f"na-{by_key[key[3:]].id}"] = "1"
        elif key == "action":
            data["action"] = value
        else:
            data[f"f-{by_key[key].id}"] = value
    return data


# Look-up: nothing to learn from a wrong link


def test_unknown_token_gets_the_plain_404(client):
    make_brief()
    response = client.get("/c/not-a-real-token")
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in body
    assert "Teeth whitening" not in body and "Pixel" not in body
    # No typo hint: a dead link is one to ask the agency about again.
    assert "mistyped" not in body
    assert "Please ask the agency that sent it for a new link." in body


def test_a_closed_briefs_link_names_the_agency_to_ask_for_a_new_one(client):
    brief, token = make_brief(locale="ru")
    close(brief, Actor("system", "Tests"), NOW)
    db.session.commit()
    response = client.get(f"/c/{token}")
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Эта ссылка больше не открывает бриф" in body
    assert "попросите у Pixel &amp; Co новую ссылку" in body
    assert "Teeth whitening" not in body


def test_regenerated_link_stops_working(client, frozen_clock):
    brief, old = make_brief()
    new = regenerate_link(brief, AGENCY, NOW, "test")
    db.session.commit()
    assert client.get(f"/c/{old}").status_code == 404
    assert client.post(f"/c/{old}", data={}).status_code == 404
    assert client.get(f"/c/{new}").status_code == 200


def test_closed_brief_gets_the_404(client, frozen_clock):
    brief, token = make_brief()
    close(brief, AGENCY, NOW)
    db.session.commit()
    response = client.get(f"/c/{token}")
    assert response.status_code == 404
    assert "Teeth whitening" not in response.get_data(as_text=True)


def test_link_opening_is_recorded_once_per_hour(client, frozen_clock):
    brief, token = make_brief()
    client.get(f"/c/{token}")
    frozen_clock(NOW + timedelta(minutes=40))
    client.get(f"/c/{token}")
    assert count(Event, brief_id=brief.id, kind="link_opened") == 1
    frozen_clock(NOW + timedelta(minutes=61))
    client.get(f"/c/{token}")
    assert count(Event, brief_id=brief.id, kind="link_opened") == 2


@pytest.mark.parametrize(
    ("locale", "said"),
    [("en", "Ivan Contact opened the form"), ("ru", "Ivan Contact: форма открыта")],
)
def test_an_own_link_opened_names_its_holder(auth_client, user, frozen_clock, locale, said):
    brief, token = make_brief(user=user, locale=locale)
    auth_client.get(f"/c/{own_token(brief, 'ivan@acme.example')}")
    # The shared link, opened in the same hour, is a different link and noted on its own.
    auth_client.get(f"/c/{token}")
    events = db.session.scalars(
        select(Event).where(Event.brief_id == brief.id, Event.kind == "link_opened")
    ).all()
    assert [(e.actor_kind, e.actor_label) for e in events] == [
        ("client", "Ivan Contact"),
        ("client", ""),
    ]
    exported = auth_client.get(f"/briefs/{brief.id}/timeline.md").get_data(as_text=True)
    assert said in exported
    shared = "The client link was opened" if locale == "en" else "Открыта ссылка для клиента"
    assert shared in exported


# The page


def test_page_shows_brief_progress_and_questions(client, frozen_clock):
    brief, token = make_full_brief()
    fields = fields_by_key(brief)
    response = client.get(f"/c/{token}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Pixel &amp; Co" in body and "<h1>Teeth whitening page</h1>" in body
    assert "December 15, 2026" in body
    assert "0 of 6 required questions answered" in body
    assert f'<a href="#field-{fields["name"].id}">Service name</a>' in body
    # Every input has a label tied to it; groups have a legend.
    for key in ("name", "what", "price", "launch", "email", "site", "photos"):
        assert f'for="f-{fields[key].id}"' in body
        assert f'id="f-{fields[key].id}"' in body
    assert "<legend" in body and body.count('type="radio"') == 4
    assert 'inputmode="decimal"' in body and 'type="date"' in body and 'type="file"' in body
    assert "<strong>customers</strong>" in body  # help is Markdown
    assert "Example: We clean, then whiten in two visits." in body
    assert "(required)" in body
    assert len(re.findall(r"<input type=\"checkbox\" id=\"na-\d+\"", body)) == 10
    # The save status lines are client.js's own (a browser test checks they are polite).
    assert "save-status" not in body
    assert '<meta name="csrf-token"' in body
    assert "base.html" not in body and "Sign out" not in body
    # Nothing from other hosts.
    assert not re.search(r'(src|href)="(https?:)?//', body)


def test_page_is_in_the_briefs_language(client, frozen_clock):
    template = make_template("Страница услуги", [("Услуга", [{"key": "n", "label": "Название"}])])
    _brief, token = make_brief(template, locale="ru")
    body = client.get(f"/c/{token}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ru">' in body
    assert "Название" in body


def test_agency_comment_is_shown_next_to_a_sent_back_field(client, frozen_clock):
    brief, token = make_brief()
    field = fields_by_key(brief)["name"]
    field.value, field.revision = "Whitening", 1
    review(field, CHANGES_REQUESTED, "Please use the name from the price list.", AGENCY, NOW)
    db.session.commit()
    body = client.get(f"/c/{token}").get_data(as_text=True)
    assert "Please use the name from the price list." in body
    assert f'id="review-{field.id}"' in body
    assert f'aria-describedby="review-{field.id}"' in body
    assert f'<a href="#field-{field.id}">Service name</a>' in body  # missing again


# Saving the whole form (no JavaScript)


def test_save_stores_every_field_as_revisions(client, frozen_clock):
    brief, token = make_full_brief()
    data = form_data(
        brief,
        name="Whitening",
        what="Line one\nLine two",
        price="1 500",
        launch="2026-12-01",
        email="Leads@Acme.example",
        site="acme.example",
        online="yes",
        format="At home",
        channels=["Search", "Ads"],
    )
    response = client.post(f"/c/{token}", data=data)
    assert response.status_code == 302
    assert response.location.endswith(f"/c/{token}")
    fields = fields_by_key(brief)
    assert fields["name"].value == "Whitening"
    assert fields["what"].value == "Line one\nLine two"
    assert fields["site"].value == "https://acme.example"
    assert fields["channels"].value == "Search\nAds"
    assert fields["format"].value == "At home"
    assert fields["name"].answered_by == "Ivan Contact"
    assert count(Answer, brief_id=brief.id) == 9
    saved = db.session.scalars(select(Event).where(Event.kind == "answer_saved")).all()
    assert len(saved) == 1 and saved[0].data["count"] == 9
    assert saved[0].actor_kind == "client" and saved[0].actor_label == "Ivan Contact"
    page = client.get(f"/c/{token}").get_data(as_text=True)
    assert "Saved." in page
    assert "6 of 6 required questions answered" in page
    assert 'value="Whitening"' in page and 'value="Ads" checked' in page

    # The same form again changes nothing; one changed field makes one revision.
    client.post(f"/c/{token}", data=data)
    assert count(Answer, brief_id=brief.id) == 9
    assert count(Event, kind="answer_saved") == 1
    data[f"f-{fields['name'].id}"] = "Teeth whitening"
    data.pop(f"f-{fields['channels'].id}")  # every box unticked: no channel chosen
    client.post(f"/c/{token}", data=data)
    assert fields["name"].revision == 2 and fields["channels"].value == ""
    history = db.session.scalars(
        select(Answer.value).where(Answer.field_id == fields["name"].id).order_by(Answer.number)
    ).all()
    assert history == ["Whitening", "Teeth whitening"]
    assert count(Event, kind="answer_saved") == 2


def test_bad_values_are_refused_next_to_their_field_and_kept(client, frozen_clock):
    brief, token = make_full_brief()
    fields = fields_by_key(brief)
    data = form_data(
        brief, name="Whitening", price="300 or 400", email="not-an-email", launch="31.02.2026"
    )
    response = client.post(f"/c/{token}", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert fields["name"].value == "Whitening"  # valid fields are still saved
    assert fields["price"].value == "" and fields["email"].value == ""
    assert 'value="300 or 400"' in body and 'value="not-an-email"' in body
    assert "Please enter a number, for example 25000, 1,500.50 or “from 25,000”." in body
    assert "Please enter an e-mail address, for example name@example.com." in body
    price = fields["price"].id
    assert re.search(rf'id="f-{price}"[^>]*aria-describedby="err-{price}"', body, re.S)
    assert re.search(rf'id="f-{price}"[^>]*aria-invalid="true"', body, re.S)
    assert f'<p class="field-error" id="err-{price}">' in body
    summary = body.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert f'href="#field-{price}"' in summary and f'href="#field-{fields["email"].id}"' in summary


def test_a_wrong_option_is_refused(client, frozen_clock):
    brief, token = make_full_brief()
    response = client.post(f"/c/{token}", data=form_data(brief, format="Somewhere else"))
    assert response.status_code == 422
    assert "Please choose one of the options shown." in response.get_data(as_text=True)
    assert fields_by_key(brief)["format"].revision == 0
    assert count(Answer) == 0 and count(Event, kind="answer_saved") == 0


def test_too_long_answer_is_refused(client, frozen_clock):
    brief, token = make_brief()
    response = client.post(f"/c/{token}", data=form_data(brief, what="x" * 20_001))
    assert response.status_code == 422
    assert "longer than 20,000 characters" in response.get_data(as_text=True)
    assert fields_by_key(brief)["what"].revision == 0
    ok = client.post(f"/c/{token}", data=form_data(brief, what="x" * 20_000))
    assert ok.status_code == 302


def test_a_megabyte_pasted_into_the_form_is_refused_politely_and_kept(client, frozen_clock):
    """The page's form is multipart (it has file inputs): a part over Werkzeug's default
    500 kB was a bare 413 page, and every answer typed with it was lost."""
    brief, token = make_full_brief(locale="ru")
    fields = fields_by_key(brief)
    name, what = fields["name"], fields["what"]
    pasted = "я" * 1_000_000  # 2 MB in UTF-8, on one line
    # Encoded in memory: the test client would spool so large a body to a file it leaves open.
    boundary, body = encode_multipart(
        MultiDict(
            [
                ("seen", str(name.id)),
                ("seen", str(what.id)),
                (f"f-{name.id}", pasted),
                (f"f-{what.id}", "Two visits."),
            ]
        )
    )
    response = client.post(
        f"/c/{token}", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ответ длиннее 20" in page
    assert pasted in page
    assert what.value == "Two visits."


def test_does_not_apply_counts_as_answered(client, frozen_clock):
    brief, token = make_brief()
    response = client.post(f"/c/{token}", data=form_data(brief, name="Whitening", na_who="1"))
    assert response.status_code == 302
    who = fields_by_key(brief)["who"]
    assert who.not_applicable and who.revision == 1
    body = client.get(f"/c/{token}").get_data(as_text=True)
    assert "2 of 4 required questions answered" in body
    assert f'href="#field-{who.id}"' not in body
    assert f'id="na-{who.id}" name="na-{who.id}" value="1" checked' in body


def test_submit_with_fields_missing_asks_first_and_lists_them(client, frozen_clock):
    brief, token = make_brief()
    response = client.post(f"/c/{token}", data=form_data(brief, name="Whitening", action="submit"))
    assert response.status_code == 200
    assert brief.status == "draft" and count(Event, kind="brief_submitted") == 0
    assert fields_by_key(brief)["name"].value == "Whitening"  # saved all the same
    body = response.get_data(as_text=True)
    confirm = body[body.index('id="confirm-submit"') : body.index("</section>")]
    assert "3 required questions are still open. Submit anyway?" in confirm
    for key in ("what", "channels", "who"):
        assert f'href="#field-{fields_by_key(brief)[key].id}"' in confirm
    assert 'name="action" value="submit_anyway"' in confirm


def test_submit_works_with_fields_missing(client, frozen_clock):
    brief, token = make_brief()
    response = client.post(
        f"/c/{token}", data=form_data(brief, name="Whitening", action="submit_anyway")
    )
    assert response.status_code == 302
    assert brief.status == "submitted" and brief.submitted_at == NOW
    event = db.session.scalar(select(Event).where(Event.kind == "brief_submitted"))
    assert event.data["missing"] == ["what", "channels", "who"]
    assert fields_by_key(brief)["name"].value == "Whitening"  # saved first
    body = client.get(f"/c/{token}").get_data(as_text=True)
    assert "Submitted — thank you!" in body
    assert "You submitted this brief on" in body
    assert "What happens next: Pixel &amp; Co reads your answers" in body
    # Submitted: nothing asks to press "Submit" any more.
    assert "Submit" not in re.sub(r"(Submitted|submitted)", "", body.split("</header>")[1])
    assert "Still missing" in body and ">What exactly is done</a>" in body

    # The client can keep answering and submit again.
    frozen_clock(NOW + timedelta(days=1))
    client.post(
        f"/c/{token}",
        data=form_data(brief, name="Whitening", what="All", action="submit_anyway"),
    )
    assert count(Event, kind="brief_submitted") == 2
    assert brief.submitted_at == NOW + timedelta(days=1)


def test_submit_with_a_refused_value_does_not_submit(client, frozen_clock):
    brief, token = make_full_brief()
    response = client.post(f"/c/{token}", data=form_data(brief, price="lots", action="submit"))
    assert response.status_code == 422
    assert brief.status == "draft"
    assert count(Event, kind="brief_submitted") == 0


def test_posting_to_the_form_with_junk_never_fails(client, frozen_clock):
    brief, token = make_brief()
    response = client.post(
        f"/c/{token}", data={"seen": ["abc", "999999"], "remove": "x", "action": "nonsense"}
    )
    assert response.status_code == 302
    assert count(Answer) == 0


# Autosave


def test_autosave_answers_json_with_progress(client, frozen_clock):
    brief, token = make_brief()
    name = fields_by_key(brief)["name"]
    url = f"/c/{token}/fields/{name.id}"
    response = client.post(url, data={f"f-{name.id}": "Whitening"})
    body = response.get_json()
    assert response.status_code == 200
    assert body["ok"] is True and body["revision"] == 1 and body["value"] == "Whitening"
    assert body["progress"] == {
        "answered": 1,
        "required": 4,
        "percent": 25,
        "text": "1 of 4 required questions answered",
    }
    assert [m["label"] for m in body["missing"]] == [
        "What exactly is done",
        "Where customers come from",
        "Who it is for",
    ]
    assert body["message"].startswith("Saved at")
    # Unchanged: no new revision, no new event.
    again = client.post(url, data={f"f-{name.id}": "Whitening"}).get_json()
    assert again["revision"] == 1
    assert count(Event, kind="answer_saved") == 1
    assert db.session.scalar(select(Event).where(Event.kind == "answer_saved")).field_id == name.id


def test_autosave_of_choices_and_not_applicable(client, frozen_clock):
    brief, token = make_brief()
    channels = fields_by_key(brief)["channels"]
    url = f"/c/{token}/fields/{channels.id}"
    body = client.post(url, data={f"f-{channels.id}": ["Ads", "Search"]}).get_json()
    assert body["value"] == "Search\nAds"
    body = client.post(url, data={f"na-{channels.id}": "1"}).get_json()
    assert body["revision"] == 2 and body["not_applicable"] is True
    assert body["progress"]["answered"] == 1
    db.session.refresh(channels)
    assert (channels.revision, channels.not_applicable) == (2, True)
    assert count(Answer, field_id=channels.id) == 2


def test_autosave_refuses_a_bad_value_with_a_message(client, frozen_clock):
    brief, token = make_full_brief()
    price = fields_by_key(brief)["price"]
    response = client.post(f"/c/{token}/fields/{price.id}", data={f"f-{price.id}": "cheap"})
    body = response.get_json()
    assert response.status_code == 422
    assert body["ok"] is False
    assert body["error"] == "Please enter a number, for example 25000, 1,500.50 or “from 25,000”."
    assert price.revision == 0
    too_long = client.post(f"/c/{token}/fields/{price.id}", data={f"f-{price.id}": "1" * 20_001})
    assert too_long.status_code == 422


def test_autosave_of_another_briefs_field_is_404(client, frozen_clock):
    brief, token = make_brief()
    other, _other_token = make_brief(make_template("Other"), title="Other")
    field = fields_by_key(other)["name"]
    response = client.post(f"/c/{token}/fields/{field.id}", data={f"f-{field.id}": "x"})
    assert response.status_code == 404
    assert field.revision == 0


def test_autosave_needs_the_csrf_token(app, client, frozen_clock):
    app.config["WTF_CSRF_ENABLED"] = True
    brief, token = make_brief()
    name = fields_by_key(brief)["name"]
    url = f"/c/{token}/fields/{name.id}"
    headers = {"Accept": "application/json"}
    refused = client.post(url, data={f"f-{name.id}": "x"}, headers=headers)
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf"
    assert name.revision == 0
    page = client.get(f"/c/{token}").get_data(as_text=True)
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    accepted = client.post(
        url, data={f"f-{name.id}": "x"}, headers={**headers, "X-CSRFToken": csrf}
    )
    assert accepted.status_code == 200 and name.revision == 1
    # The whole form needs it too.
    assert client.post(f"/c/{token}", data=form_data(brief, name="y")).status_code == 400


# Size


def test_page_with_30_fields_stays_under_100_kb(client, frozen_clock):
    _brief, token = make_long_brief(30)
    page = client.get(f"/c/{token}")
    html = page.get_data()
    assert html.count(b'class="q') >= 30
    total = len(html)
    for asset in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html):
        response = client.get(asset.decode())
        assert response.status_code == 200
        total += len(response.get_data())
        response.close()
    assert b"client.css" in html and b"client.js" in html
    assert total < 100 * 1024, total


def test_posts_to_one_link_are_limited_from_any_address(limited_app, frozen_clock):
    brief, token = make_brief()
    other, other_token = make_brief()
    name = fields_by_key(brief)["name"]
    other_name = fields_by_key(other)["name"]
    client = limited_app.test_client()

    def post(link: str, field_id: int, address: str) -> int:
        return client.post(
            f"/c/{link}/fields/{field_id}",
            data={f"f-{field_id}": "x"},
            environ_base={"REMOTE_ADDR": address},
        ).status_code

    codes = [post(token, name.id, f"192.0.2.{i % 200}") for i in range(120)]
    assert codes == [200] * 120
    assert post(token, name.id, "192.0.2.250") == 429
    # Another link, from an address that just posted, is not held back.
    assert post(other_token, other_name.id, "192.0.2.1") == 200


def test_posts_are_rate_limited(tmp_path, frozen_clock):
    from briefs import create_app
    from briefs.accounts import agency_settings

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'limits.sqlite'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
        }
    )
    with app.app_context():
        db.create_all()
        agency_settings()
        brief, token = make_brief()
        name = fields_by_key(brief)["name"]
        client = app.test_client()
        url = f"/c/{token}/fields/{name.id}"
        codes = [client.post(url, data={f"f-{name.id}": str(i)}).status_code for i in range(121)]
        assert codes[:120] == [200] * 120
        assert codes[120] == 429
        assert client.get(f"/c/{token}").status_code == 200  # reading is not limited
        db.session.remove()
        db.engine.dispose()


#: A browser set to the other language, so only the link can have chosen the page's.
OTHER_LANGUAGE = {"en": "ru-RU,ru;q=0.9", "ru": "en-US,en;q=0.9"}
HELD_BACK = {
    "en": "You are saving very often. Please wait a minute, then press the button again: "
    "what you typed is still here.",
    "ru": "Сохранений было слишком много подряд. Пожалуйста, подождите минуту и нажмите "
    "кнопку ещё раз — всё, что вы ввели, осталось на странице.",
}


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_a_held_back_save_keeps_what_was_typed_in_the_links_language(
    limited_live_server, frozen_clock, locale
):
    brief, token = make_full_brief(locale=locale)
    fields = fields_by_key(brief)
    name, what = fields["name"].id, fields["what"].id
    url = f"{limited_live_server}/c/{token}"
    browser = requests.Session()
    browser.headers["Accept-Language"] = OTHER_LANGUAGE[locale]
    page = browser.get(url).text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    autosave = {"X-CSRFToken": csrf, "Accept": "application/json"}
    for i in range(120):  # the link's limit, from a script
        browser.post(f"{url}/fields/{name}", data={f"f-{name}": str(i)}, headers=autosave)
    held = browser.post(f"{url}/fields/{name}", data={f"f-{name}": "x"}, headers=autosave)
    assert held.status_code == 429
    assert held.json()["error"] == HELD_BACK[locale]

    for _i in range(120):
        browser.post(url, data={"csrf_token": csrf, "seen": [str(name)], f"f-{name}": "x"})
    typed = {f"f-{name}": "Whitening <at> home", f"f-{what}": "Two visits,\nthen a check-up."}
    response = browser.post(url, data={"csrf_token": csrf, "seen": [str(name), str(what)], **typed})
    assert response.status_code == 429
    page = response.text
    assert f'<html lang="{locale}"' in page
    assert HELD_BACK[locale] in html.unescape(page)
    assert 'value="Whitening &lt;at&gt; home"' in page
    assert ">Two visits,\nthen a check-up.</textarea>" in page
    db.session.expire_all()
    assert fields["what"].value == ""  # held back, so not saved either


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_too_large_a_post_is_refused_in_the_links_language(limited_live_server, locale):
    brief, token = make_full_brief(locale=locale)
    photos = fields_by_key(brief)["photos"].id
    url = f"{limited_live_server}/c/{token}"
    browser = requests.Session()
    browser.headers["Accept-Language"] = OTHER_LANGUAGE[locale]
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', browser.get(url).text).group(1)
    huge = b"\x89PNG" + b"\0" * (31 * 1024 * 1024)
    response = browser.post(
        url, data={"csrf_token": csrf}, files={f"files-{photos}": ("huge.png", huge)}
    )
    assert response.status_code == 413
    assert f'<html lang="{locale}"' in response.text
