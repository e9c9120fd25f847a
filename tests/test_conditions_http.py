"""Questions hidden by their conditions: missing, progress, export, reminders, the form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from briefs.api_tokens import create_token
from briefs.extensions import db
from briefs.handovers import hand_over
from briefs.mail import send_due
from briefs.models import Answer, Event, Review, Template
from briefs.workflow import SYSTEM, Actor, QuestionHidden, mark_sent, review
from tests.factories import NOW, fields_by_key, make_brief, make_template

HOME = "At the customer's home"
ONLINE = "Online"
MONDAY_MORNING = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # 10:00 in Moscow


def where(value: str) -> dict:
    return {"all": [{"key": "place", "op": "equals", "value": value}]}


def service_template() -> Template:
    """Where the service is provided, then questions for each place."""
    return make_template(
        sections=[
            (
                "The service",
                [
                    {"key": "name", "label": "Service name"},
                    {
                        "key": "place",
                        "label": "Where is the service provided?",
                        "type": "single_choice",
                        "options": [HOME, ONLINE],
                    },
                    {
                        "key": "area",
                        "label": "Which districts do you cover?",
                        "condition": where(HOME),
                    },
                    {
                        "key": "tool",
                        "label": "Which video tool do you use?",
                        "condition": where(ONLINE),
                    },
                ],
            ),
        ]
    )


def save(client, token, field, value):
    return client.post(f"/c/{token}/fields/{field.id}", data={f"f-{field.id}": value}).get_json()


def test_hidden_questions_are_neither_missing_nor_counted(client, frozen_clock):
    brief, token = make_brief(service_template())
    fields = fields_by_key(brief)
    body = client.get(f"/c/{token}").get_data(as_text=True)
    # Before "place" is answered, both follow-ups are hidden, but on the page for scripts.
    assert "0 of 2 required questions answered" in body
    assert f'id="field-{fields["area"].id}"' in body
    assert body.count(" hidden>") >= 2

    reply = save(client, token, fields["place"], HOME)
    assert reply["progress"]["required"] == 3 and reply["progress"]["answered"] == 1
    assert [m["label"] for m in reply["missing"]] == [
        "Service name",
        "Which districts do you cover?",
    ]
    assert reply["hidden"] == [fields["tool"].id]

    reply = save(client, token, fields["place"], ONLINE)
    assert [m["label"] for m in reply["missing"]] == [
        "Service name",
        "Which video tool do you use?",
    ]
    assert reply["hidden"] == [fields["area"].id]


def test_without_javascript_each_save_shows_what_now_applies(client, frozen_clock):
    brief, token = make_brief(service_template())
    fields = fields_by_key(brief)
    area, tool = fields["area"].id, fields["tool"].id
    place = fields["place"].id
    client.post(f"/c/{token}", data={"seen": [place], f"f-{place}": HOME, "action": "save"})
    body = client.get(f"/c/{token}").get_data(as_text=True)
    assert f'id="field-{area}" tabindex="-1" data-field="{area}"' in body
    area_tag = body[body.index(f'id="field-{area}"') :].split(">", 1)[0]
    tool_tag = body[body.index(f'id="field-{tool}"') :].split(">", 1)[0]
    assert " hidden" not in area_tag and " hidden" in tool_tag
    assert "1 of 3 required questions answered" in body


def test_submit_records_only_the_questions_that_apply_as_missing(client, frozen_clock):
    brief, token = make_brief(service_template())
    fields = fields_by_key(brief)
    client.post(
        f"/c/{token}",
        data={
            "seen": [fields["place"].id, fields["name"].id],
            f"f-{fields['place'].id}": ONLINE,
            f"f-{fields['name'].id}": "Yoga",
            "action": "submit_anyway",
        },
    )
    event = db.session.scalar(select(Event).where(Event.kind == "brief_submitted"))
    assert event.data["missing"] == ["tool"]


def test_export_leaves_out_a_question_hidden_after_it_was_answered(auth_client, frozen_clock):
    brief, token = make_brief(service_template())
    fields = fields_by_key(brief)
    save(auth_client, token, fields["place"], HOME)
    save(auth_client, token, fields["area"], "Central and North")
    export = auth_client.get(f"/briefs/{brief.id}/export.md").get_data(as_text=True)
    assert "Which districts do you cover?" in export and "Central and North" in export
    assert "Which video tool" not in export

    save(auth_client, token, fields["place"], ONLINE)
    export = auth_client.get(f"/briefs/{brief.id}/export.md").get_data(as_text=True)
    assert "Which districts" not in export and "Central and North" not in export
    assert "Which video tool do you use?" in export
    # The hidden answer keeps its revisions.
    revisions = db.session.scalars(select(Answer).where(Answer.field_id == fields["area"].id))
    assert [a.value for a in revisions] == ["Central and North"]
    db.session.refresh(fields["area"])
    assert fields["area"].value == "Central and North"


def test_reminders_never_ask_about_a_hidden_question(app, smtp_server):
    brief, token = make_brief(service_template(), now=MONDAY_MORNING)
    fields = fields_by_key(brief)
    fields["place"].value = ONLINE
    fields["place"].revision = 1
    mark_sent(brief, SYSTEM, MONDAY_MORNING)
    db.session.commit()
    thursday = datetime(2026, 11, 5, 6, 5, tzinfo=UTC)
    assert send_due.run(thursday).delivered == 1
    [(_rcpt, mail)] = smtp_server.messages
    for part in ("plain", "html"):
        text = mail.get_body((part,)).get_content()
        assert "Which video tool do you use?" in text and "Service name" in text
        assert "Which districts" not in text


def test_a_sent_brief_keeps_the_conditions_it_was_made_with(client, frozen_clock):
    template = service_template()
    brief, token = make_brief(template)
    [section] = template.sections
    section.fields[2].condition = None  # the agency drops the condition later
    db.session.commit()
    assert fields_by_key(brief)["area"].condition == where(HOME)
    later, _ = make_brief(template)
    assert fields_by_key(later)["area"].condition is None


def test_a_sections_condition_hides_all_its_questions(client, frozen_clock):
    template = service_template()
    extra = make_template(
        sections=[("At home", [{"key": "parking", "label": "Is there parking?"}])]
    )
    section = extra.sections[0]
    section.template_id = template.id
    section.position = 1
    section.fields[0].template_id = template.id
    section.condition = where(HOME)
    db.session.commit()
    db.session.expire_all()
    brief, token = make_brief(db.session.get(Template, template.id))
    fields = fields_by_key(brief)
    assert fields["parking"].condition == where(HOME)
    reply = save(client, token, fields["place"], ONLINE)
    assert fields["parking"].id in reply["hidden"]
    reply = save(client, token, fields["place"], HOME)
    assert "Is there parking?" in [m["label"] for m in reply["missing"]]


def test_the_agency_page_marks_a_hidden_question_and_offers_no_accept(auth_client, frozen_clock):
    brief, token = make_brief(service_template())
    fields = fields_by_key(brief)
    save(auth_client, token, fields["place"], HOME)
    save(auth_client, token, fields["area"], "Central")
    save(auth_client, token, fields["place"], ONLINE)
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    card = body[body.index(f'id="field-{fields["area"].id}"') :].split("</article>", 1)[0]
    assert "Hidden: its condition is not met" in card
    assert "Central" in card  # the answer and its history stay visible
    assert ">Accept<" not in card
    place = body[body.index(f'id="field-{fields["place"].id}"') :].split("</article>", 1)[0]
    assert "Hidden" not in place and ">Accept<" in place
    assert "Request changes" not in card and "Request changes" in place


def test_a_hidden_question_cannot_be_sent_back(auth_client, user, frozen_clock):
    brief, token = make_brief(service_template())
    fields = fields_by_key(brief)
    save(auth_client, token, fields["place"], HOME)
    save(auth_client, token, fields["area"], "Central")
    save(auth_client, token, fields["place"], ONLINE)
    area = fields["area"]

    response = auth_client.post(
        f"/briefs/{brief.id}/fields/{area.id}/review",
        data={f"f{area.id}-verdict": "changes_requested", f"f{area.id}-comment": "More, please"},
        follow_redirects=True,
    )
    assert "is hidden now: its condition is not met" in response.get_data(as_text=True)

    _token, secret = create_token(user, "CRM", "write", NOW)
    refused = auth_client.post(
        f"/api/v1/briefs/{brief.id}/fields/area/review",
        json={"verdict": "changes_requested", "comment": "More, please"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert refused.status_code == 409
    assert "hidden" in refused.get_json()["detail"]

    db.session.refresh(area)
    assert area.review_verdict is None
    assert db.session.scalar(select(Review.id)) is None
    with pytest.raises(QuestionHidden):
        review(area, "changes_requested", "More", SYSTEM, NOW)


def test_a_colleagues_page_shows_a_handed_over_question_once_it_applies(client, frozen_clock):
    brief, token = make_brief(service_template())
    fields = fields_by_key(brief)
    area, name = fields["area"], fields["name"]
    _handover, theirs = hand_over(
        brief,
        [name, area],
        name="Maria",
        email="maria@acme.example",
        note="",
        actor=Actor.client("Ivan"),
        now=NOW,
        secret_key=client.application.config["SECRET_KEY"],
    )
    db.session.commit()

    def card(page: str) -> str:
        start = page.index(f'id="field-{area.id}"')
        return page[page.rindex("<", 0, start) : page.index(">", start)]

    # Hidden at first: "place" is not answered, and it is not on Maria's page.
    page = client.get(f"/c/{theirs}").get_data(as_text=True)
    assert " hidden" in card(page)
    assert f'name="f-{fields["place"].id}"' not in page
    assert save(client, theirs, name, "Whitening")["hidden"] == [area.id]

    save(client, token, fields["place"], HOME)

    # Maria's next save says the question applies now, and so does her next load.
    reply = save(client, theirs, name, "Teeth whitening")
    assert reply["hidden"] == []
    assert [m["label"] for m in reply["missing"]] == ["Which districts do you cover?"]
    page = client.get(f"/c/{theirs}").get_data(as_text=True)
    assert " hidden" not in card(page)

    save(client, token, fields["place"], ONLINE)
    assert save(client, theirs, name, "Whitening")["hidden"] == [area.id]


@pytest.mark.parametrize(
    ("locale", "says"),
    [
        (
            "en",
            "saved 1 answer: “Where is the service provided?” — "
            "1 question no longer applies: “Which districts do you cover?”; "
            "1 question now applies: “Which video tool do you use?”",
        ),
        (
            "ru",
            "сохранён 1 ответ — «Where is the service provided?»; "
            "1 вопрос больше не задаётся: «Which districts do you cover?»; "
            "1 вопрос теперь задаётся: «Which video tool do you use?»",
        ),
    ],
)
def test_the_timeline_says_which_questions_a_save_hid_or_brought_in(auth_client, locale, says):
    brief, token = make_brief(service_template(), locale=locale)
    fields = fields_by_key(brief)
    save(auth_client, token, fields["place"], HOME)
    save(auth_client, token, fields["area"], "Central")
    save(auth_client, token, fields["place"], ONLINE)
    events = db.session.scalars(select(Event).where(Event.kind == "answer_saved")).all()
    assert [(e.data.get("hid"), e.data.get("shown")) for e in events] == [
        (None, ["area"]),
        (None, None),
        (["area"], ["tool"]),
    ]
    # Each line in the brief's own language.
    timeline = auth_client.get(f"/briefs/{brief.id}/timeline.md").get_data(as_text=True)
    assert says in timeline
