"""Editing templates: keys, order, moves, copies, archiving and the list's counts."""

from datetime import timedelta

import pytest

from briefs import template_editing as editing
from briefs.extensions import db
from briefs.models import Template, TemplateField
from briefs.template_yaml import FieldData
from tests.factories import NOW, make_brief, make_template

LATER = NOW + timedelta(hours=1)


def _keys(section):
    return [field.key for field in sorted(section.fields, key=lambda f: f.position)]


def test_suggest_key_transliterates_and_avoids_taken_keys():
    assert editing.suggest_key("What is the service called?", set()) == (
        "what_is_the_service_called"
    )
    assert editing.suggest_key("Сколько стоит услуга?", set()) == "skolko_stoit_usluga"
    assert editing.suggest_key("Price", {"price", "price_2"}) == "price_3"
    assert editing.suggest_key("🙂", set()) == "question"
    long_key = editing.suggest_key("word " * 40, set())
    assert len(long_key) <= 40 and long_key.startswith("word_word")


def test_move_field_swaps_neighbours_and_stamps_the_template(app):
    template = make_template()
    section = template.sections[0]
    price = section.fields[2]
    assert editing.move_field(price, -1, LATER)
    db.session.commit()
    assert _keys(section) == ["name", "price", "what"]
    assert template.updated_at == LATER
    # The first one cannot go further up.
    first = min(section.fields, key=lambda f: f.position)
    assert not editing.move_field(first, -1, LATER)


def test_move_section(app):
    template = make_template()
    audience = template.sections[1]
    assert editing.move_section(audience, -1, LATER)
    assert not editing.move_section(audience, -1, LATER)
    db.session.commit()
    db.session.expire_all()
    assert [s.title for s in db.session.get(Template, template.id).sections] == [
        "Audience",
        "The service",
    ]


def test_update_field_can_move_it_to_another_section(app):
    template = make_template()
    service, audience = template.sections
    what = service.fields[1]
    values = FieldData(key="what", label="What is done", type="long_text")
    editing.update_field(what, values, LATER, section=audience)
    db.session.commit()
    db.session.expire_all()
    service, audience = db.session.get(Template, template.id).sections
    assert _keys(service) == ["name", "price"]
    assert [f.position for f in service.fields] == [0, 1]
    assert _keys(audience) == ["channels", "who", "what"]
    assert audience.fields[2].label == "What is done"


def test_changing_the_type_drops_options(app):
    template = make_template()
    channels = template.sections[1].fields[0]
    editing.update_field(channels, FieldData(key="channels", label="Where", options=("A",)), LATER)
    assert channels.options == [] and channels.type == "short_text"


def test_delete_section_and_field_renumber_the_rest(app):
    template = make_template()
    service = template.sections[0]
    editing.delete_field(service.fields[0], LATER)
    editing.delete_section(template.sections[0], LATER)
    db.session.commit()
    db.session.expire_all()
    template = db.session.get(Template, template.id)
    assert [(s.title, s.position) for s in template.sections] == [("Audience", 0)]
    assert db.session.scalar(db.select(db.func.count(TemplateField.id))) == 2


def test_duplicate_is_deep_and_independent(app):
    template = make_template()
    copy = editing.duplicate_template(template, name="Copy", now=LATER)
    db.session.commit()
    assert copy.id != template.id and copy.archived_at is None
    assert editing.template_to_data(copy).sections == editing.template_to_data(template).sections
    original_ids = {f.id for s in template.sections for f in s.fields}
    assert not original_ids & {f.id for s in copy.sections for f in s.fields}
    copy.sections[0].fields[0].label = "Changed"
    db.session.commit()
    assert template.sections[0].fields[0].label == "Service name"


def test_copy_name_fits_the_column():
    label = "{} (copy)".format
    assert editing.copy_name("Page", label) == "Page (copy)"
    assert len(editing.copy_name("x" * 200, label)) == 200


def test_list_templates_counts_and_splits_archived(app):
    busy = make_template("B template")
    make_brief(busy)
    make_template("a template", sections=[])
    old = make_template("Old")
    editing.set_archived(old, True, LATER)
    db.session.commit()
    active, archived = editing.list_templates()
    assert [(r.template.name, r.sections, r.fields, r.briefs) for r in active] == [
        ("a template", 0, 0, 0),
        ("B template", 2, 5, 1),
    ]
    assert [r.template.name for r in archived] == ["Old"]
    editing.set_archived(old, False, LATER)
    assert old.archived_at is None


def test_editing_a_template_never_changes_a_brief(app):
    template = make_template()
    brief, _token = make_brief(template)
    field = template.sections[0].fields[0]
    editing.update_field(field, FieldData(key="renamed", label="New label"), LATER)
    editing.delete_section(template.sections[1], LATER)
    db.session.commit()
    labels = [f.label for s in brief.sections for f in s.fields]
    assert labels[0] == "Service name" and len(labels) == 5


def test_update_field_refuses_options_a_condition_could_no_longer_be_met_by(app):
    template = make_template(
        sections=[
            (
                "S",
                [
                    {"key": "place", "label": "Place", "type": "single_choice",
                     "options": ["Home", "Online"]},
                    {"key": "area", "label": "Districts",
                     "condition": {"all": [{"key": "place", "op": "equals", "value": "Home"}]}},
                ],
            )
        ]
    )  # fmt: skip
    place = template.sections[0].fields[0]
    online_only = FieldData(key="place", label="Place", type="single_choice", options=("Online",))
    assert editing.lost_answers(place, online_only.type, online_only.options) == [
        editing.LostAnswer("Districts", "Home")
    ]
    with pytest.raises(editing.DependencyError) as refused:
        editing.update_field(place, online_only, LATER)
    assert refused.value.names == ["Districts"]
    assert place.options == ["Home", "Online"] and template.updated_at != LATER
