"""Conditions in the template file format: written, read back, and refused with the line."""

import pytest

from briefs.template_yaml import (
    FieldData,
    SectionData,
    TemplateData,
    TemplateFormatError,
    dump_template,
    load_template,
)

HOME = "At the customer's home"
AT_HOME = {"all": [{"key": "place", "op": "equals", "value": HOME}]}

WITH_CONDITIONS = TemplateData(
    name="Services",
    sections=(
        SectionData(
            title="The service",
            fields=(
                FieldData(
                    key="place",
                    label="Where is the service provided?",
                    type="single_choice",
                    options=(HOME, "Online"),
                ),
                FieldData(key="area", label="Districts", condition=AT_HOME),
                FieldData(
                    key="tool",
                    label="Video tool",
                    condition={
                        "any": [
                            {"key": "place", "op": "one_of", "values": ["Online"]},
                            {"key": "area", "op": "not_answered"},
                        ]
                    },
                ),
            ),
        ),
        SectionData(
            title="At the customer's home",
            condition=AT_HOME,
            fields=(FieldData(key="parking", label="Parking?", type="yes_no"),),
        ),
    ),
)


def test_conditions_round_trip():
    text = dump_template(WITH_CONDITIONS)
    assert "show_when:" in text and "op: equals" in text
    assert load_template(text) == WITH_CONDITIONS


def _file(show_when: str, where: str = "area") -> str:
    """A small template whose `where` question carries the given show_when lines."""
    lines = [
        "format: briefs-template/1",
        "name: T",
        "sections:",
        "- title: S",
        "  fields:",
        "  - key: place",
        "    label: Place",
    ]
    for key in ("area", "tool"):
        lines += [f"  - key: {key}", f"    label: {key.title()}"]
        if key == where:
            lines += ["    show_when:"] + [f"      {line}" for line in show_when.splitlines()]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("show_when", "where", "line", "says"),
    [
        ("all:\n- key: tool\n  op: answered", "area", 10, "'tool' comes later"),
        ("all:\n- key: nowhere\n  op: answered", "tool", 12, "no question has the key 'nowhere'"),
        ("all:\n- key: area\n  op: answered", "area", 10, "cannot depend on its own answer"),
        ("all:\n- key: place\n  op: is", "area", 10, "unknown operator"),
        ("all:\n- key: place\n  op: equals", "area", 10, "'equals' needs a value"),
    ],
)
def test_a_wrong_condition_is_refused_naming_the_line(show_when, where, line, says):
    with pytest.raises(TemplateFormatError) as caught:
        load_template(_file(show_when, where))
    message = str(caught.value)
    assert f"line {line} (sections[0].fields[" in message
    assert says in message


def test_a_sections_condition_on_a_later_question_is_refused():
    text = dump_template(
        TemplateData(
            name="T",
            sections=(
                SectionData(
                    title="First",
                    condition={"all": [{"key": "parking", "op": "answered"}]},
                    fields=(FieldData(key="parking", label="Parking?"),),
                ),
            ),
        )
    )
    with pytest.raises(TemplateFormatError) as caught:
        load_template(text)
    assert "line 6 (sections[0].show_when): 'parking' comes later" in str(caught.value)


@pytest.mark.parametrize(
    ("field", "show_when", "says"),
    [
        (
            "    type: single_choice\n    options: [Home, Online]",
            "all:\n- key: place\n  op: one_of\n  values: [Online, Salon]",
            "'place' cannot be answered 'Salon' (its answers: Home, Online)",
        ),
        (
            "    type: yes_no",
            "all:\n- key: place\n  op: equals\n  value: 'Yes'",
            "'place' cannot be answered 'Yes' (its answers: yes, no)",
        ),
    ],
)
def test_a_condition_waiting_for_an_answer_that_cannot_come_is_refused(field, show_when, says):
    text = _file(show_when, "tool").replace("    label: Place\n", f"    label: Place\n{field}\n")
    with pytest.raises(TemplateFormatError) as caught:
        load_template(text)
    assert says in str(caught.value)
    assert "so this would never be shown" in str(caught.value)


def test_a_condition_on_any_text_or_part_of_an_option_is_kept():
    for field, show_when in (
        ("", "all:\n- key: place\n  op: equals\n  value: Salon"),
        (
            "    type: multiple_choice\n    options: [Prices, Photos]\n",
            "all:\n- key: place\n  op: contains\n  value: price",
        ),
    ):
        text = _file(show_when, "tool").replace("    label: Place\n", f"    label: Place\n{field}")
        assert load_template(text).sections[0].fields[2].condition is not None
