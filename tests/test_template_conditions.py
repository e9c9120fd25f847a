"""Conditions in the template editor: added in a few clicks, read out, and kept in order."""

from __future__ import annotations

import io

from briefs.extensions import db
from briefs.models import Template, TemplateField
from tests.factories import make_template

HOME = "At the customer's home"
ONLINE = "Online"
AT_HOME = {"all": [{"key": "place", "op": "equals", "value": HOME}]}


def service_template() -> Template:
    return make_template(
        sections=[
            (
                "The service",
                [
                    {
                        "key": "place",
                        "label": "Where is the service provided?",
                        "type": "single_choice",
                        "options": [HOME, ONLINE],
                    },
                    {"key": "area", "label": "Which districts?", "condition": AT_HOME},
                    {"key": "name", "label": "Service name"},
                ],
            ),
            ("More", [{"key": "notes", "label": "Anything else?"}]),
        ]
    )


def fields(template: Template) -> dict[str, TemplateField]:
    db.session.expire_all()
    template = db.session.get(Template, template.id)
    return {f.key: f for s in template.sections for f in s.fields}


def test_the_template_page_reads_each_condition_out(auth_client):
    template = service_template()
    body = auth_client.get(f"/templates/{template.id}").get_data(as_text=True)
    assert "Shown when «Where is the service provided?» is «At the customer&#39;s home»" in body


def test_a_condition_is_added_in_a_few_clicks(auth_client):
    template = service_template()
    name = fields(template)["name"]
    url = f"/templates/{template.id}/fields/{name.id}/condition"
    first = auth_client.get(url).get_data(as_text=True)
    # Only earlier questions are offered.
    assert '<option value="place">' in first and '<option value="area">' in first
    assert '<option value="notes">' not in first
    second = auth_client.get(f"{url}?on=place").get_data(as_text=True)
    assert 'name="values" value="Online"' in second
    response = auth_client.post(url, data={"on": "place", "op": "one_of", "values": [ONLINE]})
    assert response.status_code == 302
    assert fields(template)["name"].condition == {
        "all": [{"key": "place", "op": "one_of", "values": [ONLINE]}]
    }
    # A second rule, either being enough.
    auth_client.post(url, data={"on": "area", "op": "answered", "match": "any"})
    assert fields(template)["name"].condition == {
        "any": [
            {"all": [{"key": "place", "op": "one_of", "values": [ONLINE]}]},
            {"key": "area", "op": "answered"},
        ]
    }
    body = auth_client.get(f"/templates/{template.id}").get_data(as_text=True)
    assert "is one of «Online» or «Which districts?» is answered" in body

    auth_client.post(f"{url}/clear")
    assert fields(template)["name"].condition is None


def test_a_rule_without_the_value_it_needs_is_refused(auth_client):
    template = service_template()
    name = fields(template)["name"]
    url = f"/templates/{template.id}/fields/{name.id}/condition"
    response = auth_client.post(url, data={"on": "place", "op": "equals", "values": [HOME, ONLINE]})
    assert response.status_code == 422
    assert "Choose one value" in response.get_data(as_text=True)
    assert fields(template)["name"].condition is None


def test_a_later_question_cannot_be_used(auth_client):
    template = service_template()
    place = fields(template)["place"]
    url = f"/templates/{template.id}/fields/{place.id}/condition"
    auth_client.post(url, data={"on": "name", "op": "answered"})
    assert fields(template)["place"].condition is None


def test_deleting_a_question_others_depend_on_is_refused_naming_them(auth_client):
    template = service_template()
    place = fields(template)["place"]
    response = auth_client.post(
        f"/templates/{template.id}/fields/{place.id}/delete", data={"confirmed": "1"}
    )
    page = auth_client.get(response.location).get_data(as_text=True)
    assert "Not changed: the conditions of «Which districts?» use this answer" in page
    assert "place" in fields(template)


def test_deleting_a_section_others_depend_on_is_refused(auth_client):
    template = service_template()
    [first, _more] = db.session.get(Template, template.id).sections
    response = auth_client.post(
        f"/templates/{template.id}/sections/{first.id}/delete", data={"confirmed": "1"}
    )
    assert response.status_code == 302
    # Its own questions depend on each other only: the section goes.
    assert "place" not in fields(template)


def test_moving_a_question_above_the_one_it_depends_on_is_refused(auth_client):
    template = service_template()
    area = fields(template)["area"]
    response = auth_client.post(f"/templates/{template.id}/fields/{area.id}/move/up")
    page = auth_client.get(response.location).get_data(as_text=True)
    assert "«Which districts?»" in page and "Not changed" in page
    now = fields(template)
    assert (now["place"].position, now["area"].position) == (0, 1)
    # Moving an independent question is still fine.
    name = now["name"]
    auth_client.post(f"/templates/{template.id}/fields/{name.id}/move/up")
    assert fields(template)["name"].position == 1


def test_moving_a_section_below_its_dependents_is_refused(auth_client):
    template = service_template()
    notes = fields(template)["notes"]
    notes.condition = {"all": [{"key": "name", "op": "answered"}]}
    db.session.commit()
    [first, more] = db.session.get(Template, template.id).sections
    auth_client.post(f"/templates/{template.id}/sections/{first.id}/move/down")
    db.session.expire_all()
    assert db.session.get(Template, template.id).sections[0].id == first.id


def edit_place(auth_client, template: Template, **changes):
    """Post the "place" question's edit form, as it stands but for `changes`."""
    place = fields(template)["place"]
    data = {
        "label": place.label,
        "key": "place",
        "type": "single_choice",
        "options": f"{HOME}\n{ONLINE}",
        "help": "",
        "example": "",
        "section_id": str(place.section_id),
        "required": "y",
    }
    return auth_client.post(f"/templates/{template.id}/fields/{place.id}/edit", data=data | changes)


def test_renaming_a_key_others_depend_on_is_refused(auth_client):
    template = service_template()
    response = edit_place(auth_client, template, key="where")
    assert response.status_code == 302
    assert "place" in fields(template)


def test_taking_out_an_option_a_condition_waits_for_is_refused_keeping_the_form(auth_client):
    template = service_template()
    response = edit_place(
        auth_client, template, label="Where, exactly?", options=f"{ONLINE}\nIn the salon"
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert (
        "«Which districts?» is shown when this answer is «At the customer&#39;s home», which "
        "would no longer be an option." in body
    )
    # What was typed is all still in the form; nothing was saved.
    assert 'value="Where, exactly?"' in body and f"{ONLINE}\nIn the salon</textarea>" in body
    assert fields(template)["place"].options == [HOME, ONLINE]
    # Kept, the option may be renamed around it; "any text" keeps the condition meaningful.
    assert edit_place(auth_client, template, options=f"{HOME}\nIn the salon").status_code == 302
    assert edit_place(auth_client, template, type="short_text", options="").status_code == 302
    assert fields(template)["place"].type == "short_text"


def test_a_type_that_cannot_give_the_answer_is_refused_at_the_type(auth_client, user):
    user.locale = "ru"
    db.session.commit()
    template = service_template()
    response = edit_place(auth_client, template, type="yes_no", options="")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "«Which districts?» показывается, когда здесь ответ «At the customer&#39;s home»" in body
    assert "с таким типом ответа его не дать" in body
    assert fields(template)["place"].type == "single_choice"


def test_export_then_import_keeps_the_conditions(auth_client):
    template = service_template()
    section = db.session.get(Template, template.id).sections[1]
    section.condition = {"all": [{"key": "name", "op": "answered"}]}
    db.session.commit()
    exported = auth_client.get(f"/templates/{template.id}/export.yaml").get_data()
    assert b"show_when:" in exported
    response = auth_client.post(
        "/templates/import",
        data={"file": (io.BytesIO(exported), "t.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    imported = db.session.scalar(db.select(Template).where(Template.id != template.id))
    again = auth_client.get(f"/templates/{imported.id}/export.yaml").get_data()
    assert again == exported
    assert fields(imported)["area"].condition == AT_HOME


def test_a_section_gets_a_condition_on_earlier_sections_questions(auth_client):
    template = service_template()
    [first, more] = db.session.get(Template, template.id).sections
    url = f"/templates/{template.id}/sections/{more.id}/condition"
    assert '<option value="name">' in auth_client.get(url).get_data(as_text=True)
    own = auth_client.get(f"/templates/{template.id}/sections/{first.id}/condition")
    assert "there is none before this one" in own.get_data(as_text=True)
    auth_client.post(url, data={"on": "place", "op": "equals", "values": [ONLINE]})
    db.session.expire_all()
    assert db.session.get(Template, template.id).sections[1].condition == {
        "all": [{"key": "place", "op": "equals", "value": ONLINE}]
    }
    body = auth_client.get(f"/templates/{template.id}").get_data(as_text=True)
    assert "Shown when «Where is the service provided?» is «Online»" in body
    # Now "place" is used by a section too: deleting it names both.
    place = fields(template)["place"]
    response = auth_client.post(
        f"/templates/{template.id}/fields/{place.id}/delete", data={"confirmed": "1"}
    )
    page = auth_client.get(response.location).get_data(as_text=True)
    assert "«Which districts?», «More»" in page
    auth_client.post(f"{url}/clear")
    db.session.expire_all()
    assert db.session.get(Template, template.id).sections[1].condition is None


def test_conditions_read_out_in_russian(auth_client, user):
    user.locale = "ru"
    db.session.commit()
    template = service_template()
    body = auth_client.get(f"/templates/{template.id}").get_data(as_text=True)
    assert "Показывается, когда ответ на «Where is the service provided?» — «At the" in body
