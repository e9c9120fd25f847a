"""Saves carry their base revision: a save on top of a newer one is never applied silently."""

from __future__ import annotations

import pytest

from briefs.extensions import db
from briefs.models import Answer
from tests.factories import NOW, fields_by_key, make_full_brief, make_long_brief

pytestmark = pytest.mark.usefixtures("frozen_clock")


def autosave(client, token, field, value, base):
    return client.post(
        f"/c/{token}/fields/{field.id}", data={f"f-{field.id}": value, f"base-{field.id}": base}
    )


def test_a_stale_autosave_answers_409_with_both_versions(client):
    brief, token = make_full_brief()
    what = fields_by_key(brief)["what"]
    assert autosave(client, token, what, "Tab one", 0).status_code == 200
    response = autosave(client, token, what, "Tab two", 0)
    assert response.status_code == 409
    body = response.json
    assert body["conflict"] is True and body["revision"] == 1
    assert body["mine"] == "Tab two" and body["theirs"] == "Tab one"
    assert body["merged"] == "Tab two\n\nTab one"
    assert "Your version" in body["conflict_html"] and "Tab one" in body["conflict_html"]
    db.session.refresh(what)
    assert what.value == "Tab one" and what.revision == 1
    # Choosing on top of the newer revision is applied.
    assert autosave(client, token, what, "Tab two, merged", 1).status_code == 200
    db.session.refresh(what)
    assert what.value == "Tab two, merged" and what.revision == 2


def test_resending_the_same_text_or_an_untouched_old_copy_is_no_conflict(client):
    brief, token = make_full_brief()
    name = fields_by_key(brief)["name"]
    autosave(client, token, name, "First", 0)
    autosave(client, token, name, "Second", 1)
    # A retry of a save that did arrive: the same text, an old base.
    assert autosave(client, token, name, "Second", 1).status_code == 200
    # A page that still shows revision 1 and did not touch the field.
    assert autosave(client, token, name, "First", 1).status_code == 200
    db.session.refresh(name)
    assert name.value == "Second" and name.revision == 2


def test_the_whole_form_shows_the_conflict_and_keeps_the_typing(client):
    brief, token = make_full_brief()
    by_key = fields_by_key(brief)
    what, name = by_key["what"], by_key["name"]
    autosave(client, token, what, "Saved in the other tab", 0)
    data = {
        "seen": [str(what.id), str(name.id)],
        f"f-{what.id}": "Typed here without JavaScript",
        f"base-{what.id}": "0",
        f"f-{name.id}": "Whitening",
        f"base-{name.id}": "0",
        "action": "save",
    }
    response = client.post(f"/c/{token}", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Saved in the other tab" in html and "Typed here without JavaScript" in html
    assert "Your version" in html
    assert f'name="base-{what.id}" value="1"' in html
    db.session.refresh(what)
    db.session.refresh(name)
    assert what.value == "Saved in the other tab"
    assert name.value == "Whitening"  # the other fields are saved as usual


def test_old_pages_without_a_base_still_save(client):
    brief, token = make_full_brief()
    name = fields_by_key(brief)["name"]
    autosave(client, token, name, "One", 0)
    response = client.post(f"/c/{token}/fields/{name.id}", data={f"f-{name.id}": "Two"})
    assert response.status_code == 200
    assert db.session.query(Answer).filter_by(field_id=name.id).count() == 2


def test_client_form_queries_do_not_grow_with_fields(client, count_queries):
    _small, small_token = make_long_brief(3)
    _large, large_token = make_long_brief(30)
    with count_queries(fresh_session=True) as few:
        client.get(f"/c/{small_token}")
    with count_queries(fresh_session=True) as many:
        client.get(f"/c/{large_token}")
    assert 0 < len(few) == len(many), (len(few), len(many))


def test_a_save_overtaken_between_judging_and_writing_becomes_a_conflict(app):
    from sqlalchemy import text

    from briefs.client_form.filling import Posted, save_posted
    from briefs.conflicts import Conflict
    from briefs.workflow import Actor

    brief, _token = make_full_brief()
    field = fields_by_key(brief)["name"]
    assert field.revision == 0
    # Another request writes revision 1 after this one has read the field.
    with db.engine.begin() as other:
        other.execute(
            text("UPDATE brief_field SET revision = 1, value = 'Theirs' WHERE id = :id"),
            {"id": field.id},
        )
    result = save_posted(field, Posted("Mine", False, base=0), actor=Actor.client("Ivan"), now=NOW)
    assert isinstance(result, Conflict)
    assert (result.mine, result.theirs, field.revision) == ("Mine", "Theirs", 1)
