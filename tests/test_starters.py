"""The "New service page" starter: both languages load, match, and install."""

import pytest

from briefs.extensions import db
from briefs.models import Template
from briefs.models.types import CHOICE_TYPES
from briefs.starters import STARTER_LOCALES, install_starter, load_starter, starter_path
from tests.factories import NOW


def _shape(data):
    return [
        [(field.key, field.type, field.required, len(field.options)) for field in section.fields]
        for section in data.sections
    ]


def test_both_languages_load_with_the_same_structure():
    en, ru = load_starter("en"), load_starter("ru")
    assert en.locale == "en" and ru.locale == "ru"
    assert _shape(en) == _shape(ru)
    assert len(en.sections) == 6
    keys = [field.key for section in en.sections for field in section.fields]
    for key in ("service_name", "service_price", "audience_who", "offer_usp", "launch_date"):
        assert key in keys


def test_the_russian_file_is_written_in_russian():
    ru = load_starter("ru")
    assert ru.name == "Новая страница услуги"
    for section in ru.sections:
        for field in section.fields:
            assert any("а" <= char <= "я" for char in field.label.lower()), field.key


@pytest.mark.parametrize("locale", STARTER_LOCALES)
def test_every_question_is_helpful(locale):
    data = load_starter(locale)
    fields = [field for section in data.sections for field in section.fields]
    assert all(field.example for field in fields)
    types = {field.key: field.type for field in fields}
    assert types["service_price"] == "number"
    assert types["launch_date"] == "date"
    assert types["proof_certificates"] == "file" and types["content_photos"] == "file"
    assert types["service_format"] == "multiple_choice"
    assert "yes_no" in types.values()
    # Only the essentials are required, so a busy client is not blocked.
    required = [field for field in fields if field.required]
    assert 5 <= len(required) <= len(fields) // 2
    for field in fields:
        assert bool(field.options) == (field.type in CHOICE_TYPES)


def test_unknown_language_has_no_starter():
    with pytest.raises(ValueError):
        starter_path("de")


@pytest.mark.parametrize("locale", STARTER_LOCALES)
def test_install_creates_a_template(app, locale):
    template = install_starter(locale, NOW)
    db.session.commit()
    stored = db.session.get(Template, template.id)
    assert stored.locale == locale
    assert stored.created_at == NOW and stored.updated_at == NOW
    assert [s.position for s in stored.sections] == list(range(6))
    assert sum(len(s.fields) for s in stored.sections) == sum(
        len(s.fields) for s in load_starter(locale).sections
    )
    assert stored.sections[0].fields[0].key == "service_name"


def test_installing_twice_makes_two_templates(app):
    install_starter("en", NOW)
    install_starter("en", NOW)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Template.id))) == 2
