"""The client's page reuses what it printed before, and never shows anything stale: every
kind of change (an answer, a review, a comment, a condition revealing a question, a
hand-over, the language) is on the next view."""

from __future__ import annotations

import re

import pytest
from flask_babel import refresh

from briefs.client_form import fragments
from briefs.extensions import db
from briefs.models.brief import CHANGES_REQUESTED
from briefs.workflow import Actor, review
from tests.factories import NOW, fields_by_key, make_brief, make_template

pytestmark = pytest.mark.usefixtures("frozen_clock")

AGENCY = Actor("user", "Olga Owner")


def _brief(locale: str = "en"):
    template = make_template(
        "Cached page",
        [
            (
                "Place",
                [
                    {
                        "key": "place",
                        "label": "Where is it done",
                        "type": "single_choice",
                        "options": ["Online", "In the clinic"],
                    },
                    {
                        "key": "link",
                        "label": "Booking link",
                        "required": False,
                        "condition": {"all": [{"key": "place", "op": "equals", "value": "Online"}]},
                    },
                ],
            ),
            (
                "Service",
                [{"key": "name", "label": "Service name", "help": "As on the price list."}],
            ),
        ],
        locale=locale,
    )
    return make_brief(template, locale=locale)


def _page(client, token: str) -> str:
    response = client.get(f"/c/{token}")
    assert response.status_code == 200
    # The CSRF token is per session; everything else is what the cache decides.
    page = re.sub(r'(csrf_token" value="|csrf-token" content=")[^"]*', r"\1", response.text)
    # What was just done is flashed once; the test is about what the page keeps showing.
    return re.sub(r'<div class="flashes".*?</div>', "", page, flags=re.S)


def _question(page: str, field_id: int) -> str:
    start = page.index(f'id="field-{field_id}"')
    return page[start : page.index("</details>", start)]


def test_a_second_view_reuses_the_questions_and_prints_the_same_page(client):
    fragments.CACHE.clear()
    _brief_, token = _brief()
    first = _page(client, token)
    assert len(fragments.CACHE) >= 3  # three questions, two hand-over forms
    assert _page(client, token) == first


def test_every_kind_of_change_is_on_the_next_view(client):
    brief, token = _brief()
    by_key = fields_by_key(brief)
    place, link, name = by_key["place"], by_key["link"], by_key["name"]
    seen = [_page(client, token)]

    def changed() -> str:
        page = _page(client, token)
        assert page != seen[-1]
        seen.append(page)
        return page

    # An answer saved by the client (autosave).
    client.post(f"/c/{token}/fields/{name.id}", data={f"f-{name.id}": "Whitening"})
    page = changed()
    assert 'value="Whitening"' in _question(page, name.id)

    # An answer that reveals a question hidden by its condition.
    assert f'id="field-{link.id}" tabindex="-1" data-field' in page
    assert re.search(rf'id="field-{link.id}"[^>]*hidden>', page)
    client.post(f"/c/{token}/fields/{place.id}", data={f"f-{place.id}": "Online"})
    page = changed()
    assert not re.search(rf'id="field-{link.id}"[^>]*hidden>', page)
    assert 'value="Online" checked' in page

    # The agency sends an answer back with a note.
    field = db.session.get(type(name), name.id)
    review(field, CHANGES_REQUESTED, "Please use the name from the price list.", AGENCY, NOW)
    db.session.commit()
    page = changed()
    assert "Please use the name from the price list." in _question(page, name.id)

    # A comment on a question.
    client.post(f"/c/{token}", data={"comment": str(name.id), f"comment-{name.id}": "Which list?"})
    page = changed()
    assert "Which list?" in _question(page, name.id)
    assert "1 comment" in page

    # A section handed to a colleague: the questions say who holds them.
    scope = f"s-{name.section_id}"
    client.post(
        f"/c/{token}",
        data={
            "seen": [],
            "handover": scope,
            f"ho-name-{scope}": "Maria Marketing",
            f"ho-email-{scope}": "maria@acme.example",
        },
    )
    page = changed()
    assert "With Maria Marketing" in _question(page, name.id)

    # The brief's language.
    db.session.get(type(brief), brief.id).locale = "ru"
    db.session.commit()
    refresh()  # the test's app context outlives requests: forget the language it chose
    page = changed()
    assert "Название" not in page  # labels are the template's own, the words are Russian
    assert "(обязательный)" in page
