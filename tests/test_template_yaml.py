"""The template file format: YAML out, YAML in, and a located problem for every mistake."""

import pytest

from briefs.template_yaml import (
    FORMAT,
    MAX_TEMPLATE_BYTES,
    FieldData,
    SectionData,
    TemplateData,
    TemplateFormatError,
    dump_template,
    load_template,
)

RICH = TemplateData(
    name="Новая страница: «услуга» #1",
    locale="ru",
    description="Для команды.\n\n- пункт\n- ещё пункт\n",
    sections=(
        SectionData(
            title="The service",
            description="Line one\nline two",
            fields=(
                FieldData(
                    key="service_name",
                    label="What is the service called?",
                    type="short_text",
                    required=True,
                    help="**Bold** help with a [link](https://example.com).",
                    example="Teeth whitening",
                ),
                FieldData(
                    key="price",
                    label="Price",
                    type="number",
                    example="25000",
                ),
                FieldData(
                    key="yes",
                    label="no",
                    type="multiple_choice",
                    options=("Yes", "No", "on", "true", "12", "# not a comment"),
                    example="  leading spaces and trailing  \n# a line like a heading\n",
                    help="---\nkey: value\n",
                ),
            ),
        ),
        SectionData(title="Empty section"),
        SectionData(
            title="Proof",
            fields=(
                FieldData(key="licence", label="Licences", type="file"),
                FieldData(key="free", label="Free consultation?", type="yes_no"),
                FieldData(key="launch", label="Launch date", type="date", required=True),
            ),
        ),
    ),
)


def test_export_then_import_round_trips_exactly():
    assert load_template(dump_template(RICH)) == RICH


def test_dump_is_readable_yaml():
    text = dump_template(RICH)
    assert text.startswith(f"format: {FORMAT}\nname: ")
    assert "Новая страница" in text  # not \u-escaped
    assert "description: |" in text  # multi-line text as a literal block
    assert "required: true" in text
    # Empty optional values are left out; options appear only on choice questions.
    section = text.split("- title: Empty section")[1].split("- title: Proof")[0]
    assert "description" not in section
    assert text.count("options:") == 1


def test_keys_keep_their_order_in_the_file():
    text = dump_template(RICH)
    positions = [text.index(key) for key in ("format:", "name:", "language:", "sections:")]
    assert positions == sorted(positions)


def test_yes_no_and_numbers_are_read_as_text():
    text = f"""
format: {FORMAT}
name: Numbers
sections:
  - title: S
    fields:
      - key: a
        label: Pick
        type: single_choice
        options: [Yes, No, On, 5]
        example: 5000
      - key: b
        label: 2024
        required: false
"""
    data = load_template(text)
    first, second = data.sections[0].fields
    assert first.options == ("Yes", "No", "On", "5")
    assert first.example == "5000"
    assert second.label == "2024" and second.type == "short_text" and second.required is False
    assert data.locale == "en"


def test_minimal_file_gets_defaults():
    data = load_template(f"format: {FORMAT}\nname: Blank\n")
    assert data == TemplateData(name="Blank", locale="en", description="", sections=())


def _problems(text: str) -> list[str]:
    with pytest.raises(TemplateFormatError) as caught:
        load_template(text)
    return [str(problem) for problem in caught.value.problems]


CHOICE = "      - key: a\n        label: L\n        type: single_choice\n"
MULTI = "      - key: a\n        label: L\n        type: multiple_choice\n"


def _doc(fields: str, head: str = "") -> str:
    return f"format: {FORMAT}\nname: T\n{head}sections:\n  - title: S\n    fields:\n{fields}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: [unclosed", "this is not valid YAML"),
        ("just a sentence", "the file must be a YAML mapping"),
        ("- a\n- b\n", "the file must be a YAML mapping"),
        ("", "the file must be a YAML mapping"),
        ("name: T\n", "format: this value is missing; expected 'briefs-template/1'"),
        ("format: briefs-template/9\nname: T\n", "format: 'briefs-template/9' is not a format"),
        (f"format: {FORMAT}\n", "name: this value is missing"),
        (f"format: {FORMAT}\nname: '  '\n", "name: must not be empty"),
        (f"format: {FORMAT}\nname: [a]\n", "name: must be text"),
        (f"format: {FORMAT}\nname: {'x' * 201}\n", "name: is longer than 200 characters"),
        (f"format: {FORMAT}\nname: T\nlanguage: de\n", "language: unknown language 'de'"),
        (f"format: {FORMAT}\nname: T\nsectons: []\n", "unknown key 'sectons'"),
        (f"format: {FORMAT}\nname: T\nsections: 3\n", "sections: must be a list"),
        (f"format: {FORMAT}\nname: T\nsections: [3]\n", "sections[0]: must be a mapping"),
        (f"format: {FORMAT}\nname: T\nsections:\n  - fields: []\n", "sections[0].title: this"),
        (
            f"format: {FORMAT}\nname: T\nsections:\n  - title: S\n    colour: red\n",
            "sections[0]: unknown key 'colour'",
        ),
        (_doc("      - label: L\n"), "sections[0].fields[0].key: this value is missing"),
        (
            _doc("      - key: Service Name\n        label: L\n"),
            "sections[0].fields[0].key: 'Service Name' may use only lowercase",
        ),
        (_doc("      - key: a\n"), "sections[0].fields[0].label: this value is missing"),
        (
            _doc("      - key: a\n        label: L\n        type: txt\n"),
            "sections[0].fields[0].type: unknown type 'txt'",
        ),
        (
            _doc("      - key: a\n        label: L\n        type: single_choice\n"),
            "sections[0].fields[0].options: a choice question needs a list of options",
        ),
        (
            _doc(MULTI + "        options: []\n"),
            "sections[0].fields[0].options: a choice question needs a list of options",
        ),
        (
            _doc("      - key: a\n        label: L\n        options: [x, y]\n"),
            "sections[0].fields[0].options: only choice questions have options",
        ),
        (
            _doc(CHOICE + "        options: x\n"),
            "sections[0].fields[0].options: must be a list",
        ),
        (
            _doc(CHOICE + "        options: [x, x]\n"),
            "sections[0].fields[0].options[1]: the option 'x' appears twice",
        ),
        (
            _doc(CHOICE + "        options: ['']\n"),
            "sections[0].fields[0].options[0]: must not be empty",
        ),
        (
            _doc("      - key: a\n        label: L\n        required: yes\n"),
            "sections[0].fields[0].required: must be true or false",
        ),
        (
            _doc("      - key: a\n        label: L\n        hint: typo\n"),
            "sections[0].fields[0]: unknown key 'hint'",
        ),
        (
            _doc("      - key: a\n        label: L\n        label: M\n"),
            "line 8, column 9: the key 'label' appears twice",
        ),
        (
            _doc("      - &q\n        key: a\n        label: L\n      - *q\n"),
            "anchors and aliases (&name, *name) are not supported",
        ),
    ],
)
def test_bad_files_get_a_located_problem(text, expected):
    problems = _problems(text)
    assert any(expected in problem for problem in problems), problems


def test_a_key_used_twice_names_both_places():
    text = f"""
format: {FORMAT}
name: T
sections:
  - title: A
    fields:
      - {{key: price, label: Price}}
  - title: B
    fields:
      - {{key: other, label: Other}}
      - {{key: price, label: Price again}}
"""
    assert _problems(text) == [
        "sections[1].fields[1].key: the key 'price' is already used at sections[0].fields[0]"
    ]


def test_every_problem_is_listed_at_once():
    text = _doc(
        "      - key: Bad\n        label: L\n"
        "      - key: b\n        type: txt\n"
        "      - key: c\n        label: C\n        type: single_choice\n"
    )
    problems = _problems(text)
    assert len(problems) == 4
    assert [problem.split(":")[0] for problem in problems] == [
        "sections[0].fields[0].key",
        "sections[0].fields[1].label",
        "sections[0].fields[1].type",
        "sections[0].fields[2].options",
    ]


def test_a_file_over_the_limit_is_refused_before_parsing():
    text = f"format: {FORMAT}\nname: T\ndescription: '{'x' * MAX_TEMPLATE_BYTES}'\n"
    assert _problems(text) == ["the file is larger than 1024 KB"]


def test_the_error_says_what_is_wrong():
    with pytest.raises(TemplateFormatError) as caught:
        load_template("name: T\n")
    assert "format: this value is missing" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_the_documented_example_loads():
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "template-format.md").read_text("utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    data = load_template(example)
    assert data.name == "New service page"
    assert [f.key for f in data.sections[0].fields] == [
        "service_name",
        "service_format",
        "service_price",
    ]
