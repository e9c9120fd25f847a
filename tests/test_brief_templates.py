"""Template pages over HTTP: the list, the editor, import, export and starters."""

import re

import pytest
from playwright.sync_api import expect

from briefs.extensions import db
from briefs.models import Template, TemplateField, TemplateSection
from briefs.template_editing import set_archived
from briefs.template_yaml import load_template
from tests.factories import NOW, PASSWORD, make_brief, make_template


def _get(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def _field_data(section_id, **overrides):
    data = {
        "label": "How long does it take?",
        "key": "",
        "type": "short_text",
        "options": "",
        "help": "",
        "example": "",
        "section_id": str(section_id),
    }
    data.update(overrides)
    return data


# -- Access ------------------------------------------------------------------------------


def test_every_page_refuses_anonymous_visitors(client, user):
    template = make_template()
    section = template.sections[0]
    field = section.fields[0]
    t = f"/templates/{template.id}"
    gets = [
        "/templates/",
        "/templates/new",
        "/templates/import",
        t,
        f"{t}/edit",
        f"{t}/export.yaml",
        f"{t}/sections/new",
        f"{t}/sections/{section.id}/edit",
        f"{t}/sections/{section.id}/fields/new",
        f"{t}/fields/{field.id}/edit",
    ]
    posts = [
        "/templates/starters/en",
        f"{t}/duplicate",
        f"{t}/archive",
        f"{t}/unarchive",
        f"{t}/sections/{section.id}/delete",
        f"{t}/sections/{section.id}/move/down",
        f"{t}/fields/{field.id}/delete",
        f"{t}/fields/{field.id}/move/down",
    ]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url
    for url in posts:
        response = client.post(url)
        assert response.status_code == 302 and "/login" in response.location, url
    assert db.session.scalar(db.select(db.func.count(Template.id))) == 1


def test_unknown_ids_get_404(auth_client):
    template = make_template()
    other = make_template("Other")
    foreign_section = other.sections[0]
    foreign_field = foreign_section.fields[0]
    t = f"/templates/{template.id}"
    for url in (
        "/templates/999",
        "/templates/999/edit",
        "/templates/999/export.yaml",
        f"{t}/sections/999/edit",
        f"{t}/sections/{foreign_section.id}/edit",
        f"{t}/sections/{foreign_section.id}/fields/new",
        f"{t}/fields/{foreign_field.id}/edit",
        f"{t}/fields/999/edit",
    ):
        assert auth_client.get(url).status_code == 404, url
    for url in (
        "/templates/999/duplicate",
        f"{t}/fields/{foreign_field.id}/delete",
        f"{t}/sections/{foreign_section.id}/delete",
        f"{t}/fields/{foreign_field.id}/move/sideways",
        "/templates/starters/de",
    ):
        assert auth_client.post(url).status_code == 404, url
    assert _get(TemplateField, foreign_field.id) is not None


# -- The list ----------------------------------------------------------------------------


def test_index_lists_active_and_archived_templates(auth_client):
    make_template("Service page")
    old = make_template("Old landing")
    set_archived(old, True, NOW)
    db.session.commit()
    body = auth_client.get("/templates/").get_data(as_text=True)
    active_part, archived_part = body.split("<h2>Archived</h2>")
    assert "Service page" in active_part and "Old landing" not in active_part
    assert "Old landing" in archived_part
    assert "Add in English" in body and "Add in Russian" in body


def test_index_without_templates_offers_the_starter(auth_client):
    body = auth_client.get("/templates/").get_data(as_text=True)
    assert "No templates yet" in body
    assert 'action="/templates/starters/ru"' in body


def _queries_of_page(client, count_queries, url) -> int:
    client.get(url)  # warm up: the first request loads settings the next ones reuse
    db.session.expire_all()
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_index_query_count_does_not_grow_with_templates(auth_client, count_queries):
    for number in range(2):
        make_brief(make_template(f"T{number}"))
    few = _queries_of_page(auth_client, count_queries, "/templates/")
    for number in range(10):
        make_template(f"More {number}")
    assert _queries_of_page(auth_client, count_queries, "/templates/") == few > 0


def test_editor_query_count_does_not_grow_with_sections(auth_client, count_queries):
    template = make_template()
    few = _queries_of_page(auth_client, count_queries, f"/templates/{template.id}")
    bigger = make_template(
        "Big", sections=[(f"S{n}", [{"key": f"k{n}", "label": "L"}]) for n in range(8)]
    )
    assert _queries_of_page(auth_client, count_queries, f"/templates/{bigger.id}") == few > 0


# -- Template details --------------------------------------------------------------------


def test_create_template(auth_client, app):
    response = auth_client.post(
        "/templates/new", data={"name": "  Landing page ", "description": "For ads", "locale": "ru"}
    )
    assert response.status_code == 302
    template = db.session.scalar(db.select(Template))
    assert response.location.endswith(f"/templates/{template.id}")
    assert (template.name, template.description, template.locale) == (
        "Landing page",
        "For ads",
        "ru",
    )
    assert auth_client.get(response.location).status_code == 200


def test_create_template_keeps_typed_values_on_error(auth_client):
    response = auth_client.post(
        "/templates/new", data={"name": "", "description": "Typed text", "locale": "en"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Typed text" in body and "This field is required." in body
    assert db.session.scalar(db.select(db.func.count(Template.id))) == 0


def test_edit_template_details(auth_client):
    template = make_template()
    page = auth_client.get(f"/templates/{template.id}/edit").get_data(as_text=True)
    assert 'value="Service page"' in page
    response = auth_client.post(
        f"/templates/{template.id}/edit",
        data={"name": "Renamed", "description": "", "locale": "ru"},
    )
    assert response.status_code == 302
    template = _get(Template, template.id)
    assert template.name == "Renamed" and template.locale == "ru"
    assert template.updated_at > NOW


def test_edit_refuses_an_unknown_language(auth_client):
    template = make_template()
    response = auth_client.post(
        f"/templates/{template.id}/edit", data={"name": "X", "locale": "de"}
    )
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert _get(Template, template.id).name == "Service page"


# -- The editor --------------------------------------------------------------------------


def test_editor_shows_sections_fields_and_previews(auth_client):
    template = make_template(
        sections=[
            (
                "The service",
                [
                    {
                        "key": "name",
                        "label": "Service name",
                        "help": "Say it **plainly**.\n\n<script>alert(1)</script>",
                        "example": "Teeth whitening",
                    },
                    {
                        "key": "kind",
                        "label": "Kind",
                        "type": "single_choice",
                        "options": ["A", "B"],
                    },
                ],
            )
        ]
    )
    body = auth_client.get(f"/templates/{template.id}").get_data(as_text=True)
    assert "<strong>plainly</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert "Teeth whitening" in body and "One choice" in body and "<li>B</li>" in body
    assert "Move down" in body and "Add a question" in body


def test_add_edit_delete_a_section(auth_client):
    template = make_template(sections=[])
    url = f"/templates/{template.id}/sections/new"
    response = auth_client.post(url, data={"title": "", "description": "Kept **text**"})
    assert response.status_code == 200 and "Kept **text**" in response.get_data(as_text=True)
    response = auth_client.post(url, data={"title": "Audience", "description": "Who buys"})
    section = db.session.scalar(db.select(TemplateSection))
    assert response.location.endswith(f"/templates/{template.id}#section-{section.id}")
    edit_url = f"/templates/{template.id}/sections/{section.id}/edit"
    assert 'value="Audience"' in auth_client.get(edit_url).get_data(as_text=True)
    auth_client.post(edit_url, data={"title": "The audience", "description": ""})
    assert _get(TemplateSection, section.id).title == "The audience"
    auth_client.post(
        f"/templates/{template.id}/sections/{section.id}/delete", data={"confirmed": "1"}
    )
    assert _get(TemplateSection, section.id) is None
    assert _get(Template, template.id).updated_at > NOW


def test_add_a_field_suggests_a_key_from_the_label(auth_client):
    template = make_template(locale="ru")
    section = template.sections[0]
    url = f"/templates/{template.id}/sections/{section.id}/fields/new"
    page = auth_client.get(url).get_data(as_text=True)
    assert f'<option selected value="{section.id}">' in page
    auth_client.post(url, data=_field_data(section.id, label="Сколько стоит услуга?"))
    auth_client.post(url, data=_field_data(section.id, label="Сколько стоит услуга?"))
    keys = _keys_of(section.id)
    assert keys[-2:] == ["skolko_stoit_usluga", "skolko_stoit_usluga_2"]


def _keys_of(section_id):
    return [f.key for f in _get(TemplateSection, section_id).fields]


def test_add_a_choice_field(auth_client):
    template = make_template()
    section = template.sections[1]
    response = auth_client.post(
        f"/templates/{template.id}/sections/{section.id}/fields/new",
        data=_field_data(
            section.id,
            label="Format",
            key="format",
            type="multiple_choice",
            options="In clinic\n\n  At home \nOnline\n",
            required="y",
            help="Pick **all** that apply",
            example="In clinic",
        ),
    )
    assert response.status_code == 302
    field = db.session.scalar(db.select(TemplateField).where(TemplateField.key == "format"))
    assert field.options == ["In clinic", "At home", "Online"]
    assert field.required and field.position == 2 and field.help == "Pick **all** that apply"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"key": "Service Name"}, "Use only lowercase Latin letters"),
        ({"key": "name"}, "Another question in this template already uses the key name."),
        ({"type": "single_choice", "options": " \n"}, "List the options to choose from"),
        ({"type": "single_choice", "options": "A\nA"}, "Each option may appear only once."),
        ({"type": "long_text", "options": "A\nB"}, "Only one-choice and several-choices"),
        ({"label": ""}, "This field is required."),
        ({"type": "essay"}, "Not a valid choice"),
    ],
)
def test_bad_field_input_keeps_typed_values(auth_client, overrides, message):
    template = make_template()
    section = template.sections[0]
    data = _field_data(section.id, help="My typed help", **overrides)
    response = auth_client.post(
        f"/templates/{template.id}/sections/{section.id}/fields/new", data=data
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in body and "My typed help" in body
    assert _keys_of(section.id) == ["name", "what", "price"]


def test_a_field_in_another_template_does_not_block_a_key(auth_client):
    other = make_template("Other", sections=[("Extras", [{"key": "extra", "label": "Extra"}])])
    other_section = other.sections[0]
    template = make_template()
    section = template.sections[0]
    response = auth_client.post(
        f"/templates/{template.id}/sections/{section.id}/fields/new",
        data=_field_data(section.id, key="extra"),
    )
    assert response.status_code == 302
    # The key is kept as typed, not made "extra_2" because the other template has it.
    assert _keys_of(section.id) == ["name", "what", "price", "extra"]
    assert _keys_of(other_section.id) == ["extra"]


def test_edit_a_field_and_move_it_to_another_section(auth_client):
    template = make_template()
    service, audience = template.sections
    price = service.fields[2]
    url = f"/templates/{template.id}/fields/{price.id}/edit"
    page = auth_client.get(url).get_data(as_text=True)
    assert 'value="price"' in page
    channels = audience.fields[0]
    options = auth_client.get(f"/templates/{template.id}/fields/{channels.id}/edit")
    assert "Search\nReferrals\nAds" in options.get_data(as_text=True)
    response = auth_client.post(
        url,
        data=_field_data(audience.id, label="Price, roubles", key="price", type="number"),
    )
    assert response.location.endswith(f"#field-{price.id}")
    assert _keys_of(service.id) == ["name", "what"]
    assert _keys_of(audience.id) == ["channels", "who", "price"]
    assert _get(TemplateField, price.id).label == "Price, roubles"


def test_edit_keeps_its_own_key(auth_client):
    template = make_template()
    field = template.sections[0].fields[0]
    response = auth_client.post(
        f"/templates/{template.id}/fields/{field.id}/edit",
        data=_field_data(field.section_id, label="Name", key="name"),
    )
    assert response.status_code == 302
    # Saved under the same key: a field's own key does not count as taken.
    edited = _get(TemplateField, field.id)
    assert (edited.key, edited.label) == ("name", "Name")
    assert _keys_of(field.section_id) == ["name", "what", "price"]


def test_move_to_a_section_of_another_template_is_refused(auth_client):
    template = make_template()
    other = make_template("Other")
    field = template.sections[0].fields[0]
    response = auth_client.post(
        f"/templates/{template.id}/fields/{field.id}/edit",
        data=_field_data(other.sections[0].id, label="Name", key="name"),
    )
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    # Nothing moved and nothing changed, in either template.
    refused = _get(TemplateField, field.id)
    assert (refused.section_id, refused.label) == (template.sections[0].id, "Service name")
    assert _keys_of(other.sections[0].id) == ["name", "what", "price"]


def test_reorder_fields_and_sections(auth_client):
    template = make_template()
    service, audience = template.sections
    what = service.fields[1]
    t = f"/templates/{template.id}"
    response = auth_client.post(f"{t}/fields/{what.id}/move/up")
    assert response.status_code == 302 and response.location.endswith(f"#field-{what.id}")
    assert _keys_of(service.id) == ["what", "name", "price"]
    auth_client.post(f"{t}/fields/{what.id}/move/down")
    auth_client.post(f"{t}/fields/{what.id}/move/down")
    assert _keys_of(service.id) == ["name", "price", "what"]
    auth_client.post(f"{t}/sections/{service.id}/move/down")
    assert [s.title for s in _get(Template, template.id).sections] == ["Audience", "The service"]
    body = auth_client.get(t).get_data(as_text=True)
    assert body.index("Audience") < body.index("The service")


def test_delete_a_field(auth_client):
    template = make_template()
    field = template.sections[0].fields[0]
    response = auth_client.post(
        f"/templates/{template.id}/fields/{field.id}/delete", data={"confirmed": "1"}
    )
    assert response.status_code == 302
    assert _keys_of(template.sections[0].id) == ["what", "price"]
    assert [f.position for f in _get(TemplateSection, template.sections[0].id).fields] == [0, 1]


# -- Duplicate and archive ---------------------------------------------------------------


def test_duplicate_is_deep(auth_client):
    template = make_template()
    response = auth_client.post(f"/templates/{template.id}/duplicate")
    copy = db.session.scalar(db.select(Template).where(Template.id != template.id))
    assert response.location.endswith(f"/templates/{copy.id}")
    assert copy.name == "Service page (copy)"
    assert [[f.key for f in s.fields] for s in copy.sections] == [
        ["name", "what", "price"],
        ["channels", "who"],
    ]
    assert copy.sections[1].fields[0].options == ["Search", "Referrals", "Ads"]
    # Editing the copy leaves the original alone.
    field = copy.sections[0].fields[0]
    auth_client.post(
        f"/templates/{copy.id}/fields/{field.id}/edit",
        data=_field_data(field.section_id, label="Changed", key="name"),
    )
    assert _get(Template, template.id).sections[0].fields[0].label == "Service name"


def test_archive_and_unarchive(auth_client):
    template = make_template("Seasonal page")
    brief, _token = make_brief(template)
    response = auth_client.post(f"/templates/{template.id}/archive")
    assert response.status_code == 302 and response.location.endswith("/templates/")
    assert _get(Template, template.id).archived_at is not None
    body = auth_client.get("/templates/").get_data(as_text=True)
    active_part, archived_part = body.split("<h2>Archived</h2>")
    assert ">Seasonal page</a>" not in active_part and ">Seasonal page</a>" in archived_part
    editor = auth_client.get(f"/templates/{template.id}").get_data(as_text=True)
    assert "This template is archived" in editor and "Restore from archive" in editor
    # The brief made from it keeps its questions.
    assert len(brief.sections[0].fields) == 3
    auth_client.post(f"/templates/{template.id}/unarchive")
    assert _get(Template, template.id).archived_at is None


# -- Export and import -------------------------------------------------------------------


def test_export_downloads_yaml(auth_client):
    template = make_template("Новая страница услуги")
    response = auth_client.get(f"/templates/{template.id}/export.yaml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-yaml; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="novaia-stranitsa-uslugi.yaml"'
    )
    data = load_template(response.get_data(as_text=True))
    assert data.name == "Новая страница услуги" and len(data.sections) == 2


def _upload(client, content: bytes, filename: str = "template.yaml"):
    # A hand-made body: the test client spools big generated bodies to a file it never closes.
    boundary = "----briefs-test"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: application/x-yaml\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        "/templates/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_export_then_import_round_trips(auth_client):
    template = make_template()
    field = template.sections[0].fields[0]
    field.help = "Multi-line\n\n**help**"
    field.example = "Line one\nLine two"
    template.description = "For the team"
    db.session.commit()
    exported = auth_client.get(f"/templates/{template.id}/export.yaml").get_data()
    response = _upload(auth_client, exported)
    assert response.status_code == 302
    imported = db.session.scalar(db.select(Template).where(Template.id != template.id))
    assert response.location.endswith(f"/templates/{imported.id}")
    again = auth_client.get(f"/templates/{imported.id}/export.yaml").get_data()
    assert again == exported


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"name: [oops", "t.yaml", "this is not valid YAML"),
        (b"- just\n- a list\n", "t.yaml", "the file must be a YAML mapping"),
        (
            b"format: briefs-template/1\nname: T\nsections:\n  - title: S\n    fields:\n"
            b"      - {key: a, label: A}\n      - {key: a, label: B}\n",
            "t.yaml",
            "sections[0].fields[1].key</code>: the key &#39;a&#39; is already used",
        ),
        (
            b"format: briefs-template/1\nname: T\nsections:\n  - title: S\n    fields:\n"
            b"      - {key: a, label: A, type: txt}\n",
            "t.yaml",
            "unknown type &#39;txt&#39;",
        ),
        (
            b"format: briefs-template/1\nname: T\nsections:\n  - title: S\n    fields:\n"
            b"      - {key: a}\n",
            "t.yml",
            "sections[0].fields[0].label</code>: this value is missing",
        ),
        (
            b"format: briefs-template/1\nname: T\nsections:\n  - title: S\n    fields:\n"
            b"      - {key: a, label: A, type: single_choice}\n",
            "t.yaml",
            "a choice question needs a list of options",
        ),
        (b"\xff\xfe\x00bad", "t.yaml", "the file is not UTF-8 text"),
        (b"format: briefs-template/1\nname: T\n", "t.txt", "Choose a .yaml or .yml file."),
        (b"x" * (1024 * 1024 + 1), "big.yaml", "The file is larger than 1024 KB."),
    ],
)
def test_bad_imports_explain_the_problem(auth_client, content, filename, message):
    response = _upload(auth_client, content, filename)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in body
    assert db.session.scalar(db.select(db.func.count(Template.id))) == 0


def test_import_escapes_what_the_file_says(auth_client):
    content = (
        b"format: briefs-template/1\nname: T\nsections:\n  - title: S\n    fields:\n"
        b"      - {key: a, label: A, type: '<img src=x onerror=alert(1)>'}\n"
    )
    body = _upload(auth_client, content).get_data(as_text=True)
    assert "unknown type &#39;&lt;img src=x onerror=alert(1)&gt;&#39;" in body
    assert "<img src=x" not in body


def test_import_without_a_file(auth_client):
    response = auth_client.post("/templates/import", data={})
    assert response.status_code == 200
    assert "Choose a file to import." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Template.id))) == 0


def test_import_lists_at_most_fifty_problems(auth_client):
    fields = "".join(f"      - {{key: k{n}, label: L, type: bad}}\n" for n in range(60))
    content = f"format: briefs-template/1\nname: T\nsections:\n  - title: S\n    fields:\n{fields}"
    body = _upload(auth_client, content.encode()).get_data(as_text=True)
    assert len(re.findall(r"unknown type", body)) == 50
    assert "…and 10 more." in body


# -- Starters ----------------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "name"), [("en", "New service page"), ("ru", "Новая")])
def test_install_starter(auth_client, locale, name):
    response = auth_client.post(f"/templates/starters/{locale}")
    template = db.session.scalar(db.select(Template))
    assert response.status_code == 302
    assert response.location.endswith(f"/templates/{template.id}")
    assert template.locale == locale and template.name.startswith(name)
    page = auth_client.get(response.location).get_data(as_text=True)
    assert "was added" in page


def test_starter_refuses_get(auth_client):
    assert auth_client.get("/templates/starters/en").status_code == 405


# -- In a browser ------------------------------------------------------------------------


@pytest.mark.browser
def test_build_a_template_in_the_browser(page, live_server, user):
    page.goto(f"{live_server}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/templates/")
    page.click("text=Add in English")
    assert page.locator("h1").first.inner_text() == "New service page"
    first_section = page.locator("section.tpl-section").first
    first_question = first_section.locator(".tpl-label").first.inner_text()
    # Move the first question down with the real, CSRF-protected form.
    first_section.locator(".tpl-field").first.get_by_role("button", name="Move down").click()
    second = page.locator("section.tpl-section").first.locator(".tpl-label").nth(1)
    assert second.inner_text() == first_question
    # Add a question with an empty key: one is made from the label.
    page.locator("section.tpl-section").first.get_by_role("link", name="Add a question").click()
    page.fill("#label", "Is parking available?")
    page.select_option("#type", "yes_no")
    page.click("form.tpl-form button[type=submit]")
    # Waits for the template page the save leads to (count() would read the form page).
    expect(page.locator("code", has_text="is_parking_available")).to_have_count(1)


def test_a_badly_written_condition_is_refused_in_russian(auth_client, user):
    user.locale = "ru"
    db.session.commit()
    content = (
        "format: briefs-template/1\nname: T\nsections:\n  - title: S\n    fields:\n"
        "      - {key: place, label: Место}\n"
        "      - key: area\n        label: Районы\n        show_when:\n"
        "          all:\n          - {key: place, op: equals}\n"
    ).encode()
    body = _upload(auth_client, content).get_data(as_text=True)
    assert "<code>строка 9 (sections[0].fields[1].show_when)</code>" in body
    assert "не удаётся прочитать условие: для &#39;equals&#39; нужно значение" in body
    assert "needs a value" not in body
    assert db.session.scalar(db.select(db.func.count(Template.id))) == 0
