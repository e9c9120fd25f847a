"""The client's page reuses what it printed before, and never shows anything stale: every
kind of change (an answer, a review, a comment, a condition revealing a question, a
hand-over, the language) is on the next view."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import g
from flask_babel import refresh

from briefs.client_form import fragments
from briefs.extensions import db
from briefs.models import Comment
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


def _csrf(page_html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]*)"', page_html).group(1)


def test_a_second_view_of_the_shared_link_is_the_kept_page_with_its_own_csrf_token(
    app, client, count_queries
):
    _brief_, token = _brief()
    with count_queries() as first:
        first_page = client.get(f"/c/{token}").text
    with count_queries() as second:
        second_page = client.get(f"/c/{token}").text
    assert second_page == first_page
    # One narrow read of the version, the agency's settings, the opening noted this hour.
    assert len(second) <= 3 < len(first)
    assert not [s for s in second if "brief_field" in s]
    # Another visitor gets the same page with the token of their own session. (The test's
    # app context outlives requests, and Flask-WTF keeps the token made in it on `g`.)
    g.pop("csrf_token", None)
    other = app.test_client().get(f"/c/{token}").text
    assert _csrf(other) and _csrf(other) != _csrf(first_page)
    assert f'name="csrf_token" value="{_csrf(other)}"' in other
    assert other.replace(_csrf(other), "") == first_page.replace(_csrf(first_page), "")


def test_the_page_version_rises_with_what_the_page_shows_and_only_with_that(client):
    brief, token = _brief()
    name = fields_by_key(brief)["name"]

    def version() -> int:
        db.session.expire_all()
        return db.session.get(type(brief), brief.id).page_version

    start = version()
    client.get(f"/c/{token}")  # the opening is recorded: an event only
    assert version() == start
    db.session.get(type(brief), brief.id).next_due_at = NOW
    db.session.commit()
    assert version() == start
    client.post(f"/c/{token}/fields/{name.id}", data={f"f-{name.id}": "Whitening"})
    assert version() == start + 1
    db.session.get(type(brief), brief.id).title = "Another title"
    db.session.commit()
    assert version() == start + 2
    # A row of its own, touching nothing else (a comment, say) is a change too.
    db.session.add(
        Comment(brief_id=brief.id, field_id=name.id, side="client", body="Hi", created_at=NOW)
    )
    db.session.commit()
    assert version() == start + 3
    assert "Another title" in client.get(f"/c/{token}").text


def test_a_flashed_message_is_shown_once_and_never_kept(client):
    brief, token = _brief()
    name = fields_by_key(brief)["name"]
    client.get(f"/c/{token}")
    client.post(f"/c/{token}", data={"comment": str(name.id), f"comment-{name.id}": "Which list?"})
    flashed = client.get(f"/c/{token}").text
    assert 'class="flashes"' in flashed
    again = client.get(f"/c/{token}").text
    assert 'class="flashes"' not in again and "Which list?" in again
    assert 'class="flashes"' not in client.get(f"/c/{token}").text


def test_the_agency_renaming_itself_is_on_the_next_view(client):
    from briefs.accounts import agency_settings

    _brief_, token = _brief()
    assert "Pixel &amp; Co" in client.get(f"/c/{token}").text
    agency_settings().name = "Pixel Studio"
    db.session.commit()
    page = client.get(f"/c/{token}").text
    assert "Pixel Studio" in page and "Pixel &amp; Co" not in page


def test_only_the_shared_link_keeps_pages(app, client):
    from tests.factories import own_token

    brief, token = _brief()
    mine = own_token(brief, brief.recipients[0].email)
    for _ in range(2):
        assert client.get(f"/c/{mine}").status_code == 200
    assert len(app.extensions.get("client_pages", ())) == 0
    client.get(f"/c/{token}")
    assert len(app.extensions["client_pages"]) == 1


def test_a_kept_page_costs_the_same_three_queries_for_10_and_60_fields(client, count_queries):
    from tests.factories import make_long_brief

    counts = []
    for size in (10, 60):
        _brief_, token = make_long_brief(size, title=f"{size} questions")
        client.get(f"/c/{token}")
        with count_queries(fresh_session=True) as statements:
            page = client.get(f"/c/{token}")
        assert page.text.count('class="q"') == size
        counts.append(len(statements))
    assert counts[0] == counts[1] == 3


#: Statements that write the page's rows past the session, each with why the page version
#: still moves: the session raises it only for what it flushes (briefs.page_versions).
#: A table taken by `Model.__table__` is listed as `Model.__table__`.
WRITES_PAST_THE_SESSION = {
    # The revision's compare-and-set, which writes the answer on the field too: the
    # Answer row added with it in the same transaction raises the version.
    ("briefs/workflow.py", "update(BriefField)"),
    # Links of contacts taken off the recipients: the recipients change on the brief in
    # the same transaction, which raises the version.
    ("briefs/recipient_links.py", "delete(RecipientLink)"),
    # `next_due_at`, `risk_notified`: bookkeeping the page never shows.
    ("briefs/mail/due_briefs.py", "update(Brief)"),
    ("briefs/mail/due_briefs.py", "Brief.__table__"),
    # The stored summary: bookkeeping the page never shows.
    ("briefs/brief_summaries.py", "Brief.__table__"),
    # The version itself.
    ("briefs/page_versions.py", "Brief.__table__"),
    # Holds the brief's row while a hand-over is counted; sets the version to itself.
    ("briefs/handovers.py", "update(Brief)"),
}
_PAGE_TABLES = "Brief|BriefSection|BriefField|Answer|Review|Upload|Comment|Handover|RecipientLink"


def test_every_write_past_the_session_to_what_the_page_shows_is_accounted_for():
    """A raw UPDATE, INSERT or DELETE of the page's rows would leave a kept page stale: each
    one must be listed above with the reason the page version still moves."""
    root = Path(__file__).resolve().parent.parent
    statement = re.compile(rf"(update|insert|delete)\(\s*({_PAGE_TABLES})\s*\)")
    table = re.compile(rf"\b({_PAGE_TABLES})\.__table__")
    found = set()
    for path in (root / "briefs").rglob("*.py"):
        text, name = path.read_text(encoding="utf-8"), str(path.relative_to(root))
        found |= {(name, f"{m.group(1)}({m.group(2)})") for m in statement.finditer(text)}
        found |= {(name, f"{m.group(1)}.__table__") for m in table.finditer(text)}
    assert found == WRITES_PAST_THE_SESSION
