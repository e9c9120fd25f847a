"""The decision-maker's status page, /s/<token>: where the brief stands, read-only."""

from __future__ import annotations

import pytest

from briefs.extensions import db
from briefs.links import status_link
from briefs.recipient_links import status_token_sealed
from briefs.workflow import Actor, close, mark_sent
from tests.factories import NOW, answer_fields, make_brief

SYSTEM = Actor("system", "Tests")


@pytest.fixture
def status_url(app, frozen_clock):
    """A sent brief with one answer; return it and its status page's path."""
    brief, _token = make_brief()
    mark_sent(brief, SYSTEM, NOW)
    answer_fields(brief, ["name"], NOW, Actor.client("Ivan Contact"))
    url = status_link(status_token_sealed(brief, "test"))
    db.session.commit()
    return brief, url.removeprefix("http://127.0.0.1:5000")


def test_it_shows_progress_what_is_missing_and_the_launch(client, status_url):
    brief, url = status_url
    response = client.get(url)
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert brief.title in page
    assert "Still missing" in page
    assert "Ivan Contact" in page  # who has the form
    assert "December 15, 2026" in page  # the launch date
    assert response.headers["Cache-Control"] == "no-store"


def test_it_has_no_form_and_no_answers(client, status_url):
    _brief, url = status_url
    page = client.get(url).get_data(as_text=True)

    assert "<form" not in page and "<input" not in page and "<textarea" not in page
    assert "Answer to" not in page  # answer_fields writes "Answer to <label>"


def test_it_answers_404_for_an_unknown_link(client, app):
    assert client.get("/s/not-a-real-token").status_code == 404


def test_it_answers_404_once_the_brief_is_closed(client, status_url):
    brief, url = status_url
    close(brief, SYSTEM, NOW)
    db.session.commit()

    assert client.get(url).status_code == 404


def test_it_speaks_the_briefs_language(client, app, frozen_clock):
    brief, _token = make_brief(locale="ru")
    mark_sent(brief, SYSTEM, NOW)
    url = status_link(status_token_sealed(brief, "test"))
    db.session.commit()

    page = client.get(url.removeprefix("http://127.0.0.1:5000")).get_data(as_text=True)

    assert "Статус брифа" in page and "Здесь видно, где сейчас бриф" in page
