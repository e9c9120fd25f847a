"""The timeline pages, the off-system contact form, the exports and the print views."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from briefs import workflow
from briefs.event_log import chain_head
from briefs.extensions import db
from briefs.models import Event
from tests.factories import IVAN, NOW, answer_fields, make_client, story

#: Some days after the story's last event (Mon 9 Nov 09:30 UTC).
LATER = datetime(2026, 11, 12, 9, 0, tzinfo=UTC)


@pytest.fixture
def fixed_clock(frozen_clock):
    """Pin the views' clock to LATER."""
    frozen_clock(LATER)
    return LATER


def urls(brief):
    b, c = brief.id, brief.client_id
    return [
        f"/briefs/{b}/timeline",
        f"/briefs/{b}/timeline/print",
        f"/briefs/{b}/timeline.md",
        f"/clients/{c}/timeline",
        f"/clients/{c}/timeline/print",
        f"/clients/{c}/timeline.md",
    ]


def text(response) -> str:
    return response.get_data(as_text=True)


# Access ------------------------------------------------------------------------------------


def test_every_route_asks_anonymous_visitors_to_sign_in(client, user):
    brief = story(user)
    for url in urls(brief):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    response = client.post(f"/briefs/{brief.id}/timeline", data={"note": "x"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(db.select(Event).where(Event.kind == "contact_logged")).id


def test_unknown_ids_get_the_not_found_page(auth_client):
    for url in [
        "/briefs/999/timeline",
        "/briefs/999/timeline/print",
        "/briefs/999/timeline.md",
        "/clients/999/timeline",
        "/clients/999/timeline/print",
        "/clients/999/timeline.md",
    ]:
        assert auth_client.get(url).status_code == 404, url
    response = auth_client.post(
        "/briefs/999/timeline",
        data={"day": "2026-11-10", "time": "10:00", "channel": "call", "note": "x"},
    )
    assert response.status_code == 404


# The brief's timeline ----------------------------------------------------------------------


def test_brief_timeline_groups_sentences_by_local_day(auth_client, user, fixed_clock):
    brief = story(user)
    body = text(auth_client.get(f"/briefs/{brief.id}/timeline"))
    days = re.findall(r'class="tl-day-title" id="day-([\d-]+)"', body)
    # Events on Mon 2, Tue 3, Thu 5, Fri 6, Sat 7 (incl. the call), Mon 9; none recorded Sun 8
    # shows, because the call recorded then happened on Saturday.
    assert days == ["2026-11-02", "2026-11-03", "2026-11-05", "2026-11-06", "2026-11-07",
                    "2026-11-09"]  # fmt: skip
    for sentence in [
        "Olga Owner sent the link to ivan@acme.example (5 questions)",
        "Ivan Contact saved 2 answers: “Service name”, “What exactly is done”",
        "Reminder 1 to ivan@acme.example queued; still missing: “Where customers come from”, "
        "“Who it is for”",
        "Ivan Contact submitted the brief with every required question answered",
        "Olga Owner asked for changes to “What exactly is done”: Add the *prices*",
        "Call with Ivan (added by hand by Olga Owner): Prices by Friday",
        "A status for Daria Director (decision-maker) queued",
    ]:
        assert sentence in body, sentence
    saturday = body[body.index('id="day-2026-11-07"') : body.index('id="day-2026-11-09"')]
    # 14:30 UTC is 17:30 in Moscow; the call sits after the reviews of 12:30–14:30.
    assert re.search(r"17:30</time>\s*<p class=\"tl-text\">Call with Ivan", saturday)
    assert saturday.index("accepted the answer to “Who it is for”") < saturday.index("Call with")
    assert 'class="tl-event by-hand"' in saturday and "Added by hand" in saturday


def test_brief_timeline_shows_the_measured_summary_and_the_bar(auth_client, user, fixed_clock):
    brief = story(user)
    body = text(auth_client.get(f"/briefs/{brief.id}/timeline"))
    assert body.count('class="whose-move-bar"') == 1
    # Waiting on the client: Mon 10:30 → Fri 09:30 (3 d 23 h), then “What exactly is done”
    # sent back Sat 10:30 and still open at LATER, Thu 12 09:00 (4 d 22 h 30 min).
    client = body[body.index("wm-side wm-client") : body.index("wm-side wm-agency")]
    assert "8 days 21 hours" in client and "3 days 23 hours" in client
    agency = body[body.index("wm-side wm-agency") : body.index('class="wm-bar"')]
    # Submitted Fri 09:40 → last review Sat 11:30.
    assert "1 day 1 hour" in agency and "0 working days" in agency
    assert "for 4 days 22 hours" in body and "sent back for changes" in body


def test_brief_page_carries_the_compact_summary_and_the_link(auth_client, user, fixed_clock):
    brief = story(user)
    body = text(auth_client.get(f"/briefs/{brief.id}"))
    assert f'href="/briefs/{brief.id}/timeline"' in body
    assert "Waiting on the client:</strong> 8 days 21 hours" in body
    assert 'class="whose-move-bar"' in body


def test_user_text_is_escaped_on_the_page(auth_client, user):
    brief = story(user)
    workflow.record(
        brief, "contact_logged", workflow.Actor.user(user), NOW + timedelta(days=8),
        occurred_at=(NOW + timedelta(days=8)).isoformat(), channel="other",
        with_whom="<b>Ivan</b>", note="<script>alert(1)</script>",
    )  # fmt: skip
    db.session.commit()
    body = text(auth_client.get(f"/briefs/{brief.id}/timeline"))
    assert "<script>alert(1)</script>" not in body
    assert "Contact with &lt;b&gt;Ivan&lt;/b&gt; (added by hand by Olga Owner): " in body


# Off-system contacts -----------------------------------------------------------------------


def test_a_contact_is_added_in_the_agency_zone_and_marked(auth_client, user, fixed_clock):
    brief = story(user)
    response = auth_client.post(
        f"/briefs/{brief.id}/timeline",
        data={"day": "2026-11-10", "time": "15:45", "channel": "messenger",
              "with_whom": "Ivan", "note": "  Photos next week  "},
    )  # fmt: skip
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/briefs/{brief.id}/timeline")
    event = db.session.scalars(db.select(Event).order_by(Event.id.desc())).first()
    assert (event.kind, event.actor_kind, event.actor_label) == (
        "contact_logged", "user", "Olga Owner",
    )  # fmt: skip
    # 15:45 in Moscow is 12:45 UTC; recorded at the moment of recording.
    assert event.data == {
        "occurred_at": "2026-11-10T12:45:00+00:00", "channel": "messenger",
        "with_whom": "Ivan", "note": "Photos next week",
    }  # fmt: skip
    assert event.created_at == LATER and len(event.hash) == 64
    body = text(auth_client.get(f"/briefs/{brief.id}/timeline"))
    tuesday = body[body.index('id="day-2026-11-10"') :]
    assert "15:45" in tuesday
    assert "Messenger conversation with Ivan (added by hand by Olga Owner): Photos next week" in (
        tuesday
    )
    # The brief page lists it when recorded, saying when it happened.
    page = text(auth_client.get(f"/briefs/{brief.id}"))
    assert "Photos next week" in page and "happened " in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"note": ""}, "note", "Write what was said or agreed."),
        ({"note": "x" * 2001}, "note", "Keep the note under 2000 characters."),
        ({"day": ""}, "day", "Enter the date it happened."),
        ({"time": "25:99"}, "time", "Not a valid time value."),
        ({"day": "2026-11-13"}, "day", "That moment is still to come."),
        ({"channel": "carrier pigeon"}, "channel", "Not a valid choice."),
        ({"promise_due": "2026-11-09"}, "promise_due", "A promise is due on or after the day"),
    ],
)
def test_contact_validation_keeps_what_was_typed(
    auth_client, user, fixed_clock, data, field, message
):
    brief = story(user)
    form = {"day": "2026-11-10", "time": "15:45", "channel": "call",
            "with_whom": "Ivan & Daria", "note": "Prices by Friday"} | data  # fmt: skip
    before = db.session.scalar(db.select(db.func.count(Event.id)))
    response = auth_client.post(f"/briefs/{brief.id}/timeline", data=form)
    assert response.status_code == 422
    body = text(response)
    assert f'id="{field}-error"' in body and message in body
    assert 'value="Ivan &amp; Daria"' in body
    if field != "note":
        assert "Prices by Friday</textarea>" in body
    assert db.session.scalar(db.select(db.func.count(Event.id))) == before


def test_the_form_starts_at_now_in_the_agency_zone(auth_client, user, fixed_clock):
    brief = story(user)
    body = text(auth_client.get(f"/briefs/{brief.id}/timeline"))
    assert 'value="2026-11-12"' in body and 'value="12:00"' in body  # 09:00 UTC
    assert "never edited or deleted" in body


# The client's timeline ---------------------------------------------------------------------


def test_client_timeline_spans_its_briefs(auth_client, user, fixed_clock):
    first = story(user)
    second = story(user, title="Prices page", client=first.client)
    other = story(user, title="Someone else's page", client=make_client("Other Co"))
    body = text(auth_client.get(f"/clients/{first.client_id}/timeline"))
    assert "Teeth whitening page" in body and "Prices page" in body
    assert "Someone else" not in body and other.id
    assert body.count('class="whose-move-bar"') == 2
    assert "All briefs, added up" in body
    # Each brief waited 8 d 21 h 30 min on the client; added up: 17 d 19 h.
    totals = body[body.index('id="totals-title"') : body.index("tl-brief-part")]
    assert "17 days 19 hours" in totals
    assert re.search(r'<span class="tl-brief">Prices page</span> Olga Owner sent the link', body)
    assert f'href="/briefs/{second.id}/timeline"' in body


def test_client_page_links_to_the_timeline(auth_client, user):
    brief = story(user)
    body = text(auth_client.get(f"/clients/{brief.client_id}"))
    assert f'href="/clients/{brief.client_id}/timeline"' in body


# Exports -----------------------------------------------------------------------------------


def test_markdown_export_headers_and_chain_head(auth_client, user):
    brief = story(user)
    response = auth_client.get(f"/briefs/{brief.id}/timeline.md")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="teeth-whitening-page-timeline.md"; '
        "filename*=UTF-8''teeth-whitening-page-timeline.md"
    )
    head = db.session.scalars(
        db.select(Event).where(Event.brief_id == brief.id).order_by(Event.id.desc())
    ).first()
    body = text(response)
    assert body.endswith("\n") and f"`{head.hash}`" in body
    assert f"**Latest event:** {head.id}" in body and "`flask --app app verify-log`" in body


def test_exports_give_the_same_bytes_at_the_same_moment(auth_client, user, frozen_clock):
    brief = story(user)
    story(user, title="Prices page", client=brief.client)
    exports = [url for url in urls(brief) if "timeline/print" in url or url.endswith(".md")]
    frozen_clock(LATER)
    first = {url: auth_client.get(url).data for url in exports}
    # Seconds later, within the same minute: the export states the same moment.
    frozen_clock(LATER + timedelta(seconds=40))
    for url, data in first.items():
        assert auth_client.get(url).data == data, url
    assert (
        "As of 2026-11-12 12:00: waits still open"
        in first[f"/briefs/{brief.id}/timeline.md"].decode()
    )


def test_exports_count_an_open_wait_up_to_the_moment_of_export(auth_client, user, frozen_clock):
    brief = story(user)
    # The answer to "What exactly is done" was sent back on Sat 7 Nov at 10:30 UTC.
    frozen_clock(NOW + timedelta(days=5 + 24, hours=1))
    page = text(auth_client.get(f"/briefs/{brief.id}/timeline"))
    printed = text(auth_client.get(f"/briefs/{brief.id}/timeline/print"))
    exported = text(auth_client.get(f"/briefs/{brief.id}/timeline.md"))
    assert "<strong>Waiting on the client</strong> for 24 days," in page
    assert "<strong>Waiting on the client</strong> for 24 days," in printed
    assert "- Waiting on the client for 24 days (since 2026-11-07 13:30," in exported
    assert "As of 2026-12-01 13:30: waits still open are counted up to this moment." in exported
    client_md = text(auth_client.get(f"/clients/{brief.client_id}/timeline.md"))
    assert "- Waiting on the client for 24 days (since 2026-11-07 13:30," in client_md


def test_client_markdown_export_names_every_brief(auth_client, user):
    brief = story(user)
    story(user, title="Prices page", client=brief.client)
    response = auth_client.get(f"/clients/{brief.client_id}/timeline.md")
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="acme-dental-timeline.md"'
    )
    body = text(response)
    assert "### Teeth whitening page" in body and "### Prices page" in body
    assert "### All briefs, added up" in body
    assert "· Prices page · Olga Owner sent the link to ivan@acme.example" in body
    head = db.session.scalars(db.select(Event).order_by(Event.id.desc())).first()
    assert f"`{head.hash}`" in body


def test_markdown_export_matches_the_golden_file(
    auth_client, user, monkeypatch, assert_golden, fixed_clock
):
    # The client link's token is random and its hash's prefix is in an event (so in the chain).
    monkeypatch.setattr(workflow, "new_token", lambda: ("golden-token", "9" * 64))
    brief = story(user)
    workflow.record(
        brief, "contact_logged", workflow.Actor.user(user), NOW + timedelta(days=7, hours=1),
        occurred_at=(NOW + timedelta(days=7)).isoformat(), channel="meeting",
        with_whom="Ivan *and* [Daria](x)", note="# Agreed\n<b>prices</b> by `Friday` & photos",
    )  # fmt: skip
    answer_fields(brief, ["what"], NOW + timedelta(days=7, hours=2), IVAN)
    db.session.commit()
    exported = auth_client.get(f"/briefs/{brief.id}/timeline.md").get_data(as_text=True)
    assert_golden("timeline_brief.en.md", exported)


def _deliveries(brief):
    """Deliver the story's reminder a minute after it was queued; fail its status mail."""
    workflow.record(
        brief, "message_sent", workflow.SYSTEM, NOW + timedelta(days=3, minutes=1),
        message=1, message_kind="reminder", to=["ivan@acme.example"], cc=[],
    )  # fmt: skip
    workflow.record(
        brief, "message_failed", workflow.SYSTEM, NOW + timedelta(days=7, minutes=1),
        message=2, message_kind="escalation", error="SMTPRecipientsRefused", attempts=5,
        final=True,
    )  # fmt: skip
    db.session.commit()


def test_a_delivered_message_is_one_line_with_both_times(auth_client, user, fixed_clock):
    brief = story(user)
    _deliveries(brief)
    exported = text(auth_client.get(f"/briefs/{brief.id}/timeline.md"))
    assert (
        "- 12:30 · Reminder 1 to ivan@acme.example — queued 12:30, delivered 12:31; "
        "still missing: “Where customers come from”, “Who it is for”\n"
    ) in exported
    assert "delivered to" not in exported
    # A failed delivery still says so, on a line of its own.
    assert "- 12:30 · A status for Daria Director (decision-maker) queued\n" in exported
    assert (
        "- 12:31 · Status to the decision-maker could not be delivered after 5 attempts: "
        "SMTPRecipientsRefused"
    ) in exported
    page = text(auth_client.get(f"/briefs/{brief.id}/timeline"))
    assert "queued 12:30, delivered 12:31" in page and "delivered to" not in page


def test_a_delivered_message_is_one_line_in_russian(auth_client, user, fixed_clock):
    brief = story(user)
    brief.locale = "ru"
    _deliveries(brief)
    exported = text(auth_client.get(f"/briefs/{brief.id}/timeline.md"))
    assert (
        "Напоминание 1 (кому: ivan@acme.example) — в исходящих с 12:30, доставлено 12:31; "
        "ещё не хватает: «Where customers come from», «Who it is for»"
    ) in exported
    assert "— доставлено\n" not in exported


def test_every_export_carries_the_whole_logs_count_and_head(auth_client, user):
    brief = story(user)
    story(user, title="Prices page", client=brief.client)  # the log goes on past this brief
    head = chain_head()
    for url in (
        f"/briefs/{brief.id}/timeline.md",
        f"/clients/{brief.client_id}/timeline.md",
        f"/briefs/{brief.id}/timeline/print",
        f"/clients/{brief.client_id}/timeline/print",
    ):
        body = text(auth_client.get(url))
        assert head.count > 0 and str(head.count) in body and head.hash in body, url
        assert "Events in the whole record:" in body and "Head of the whole record:" in body


# Print views -------------------------------------------------------------------------------


def test_print_views_stand_alone(auth_client, user, fixed_clock):
    brief = story(user)
    for url in (f"/briefs/{brief.id}/timeline/print", f"/clients/{brief.client_id}/timeline/print"):
        body = text(auth_client.get(url))
        assert 'class="topbar"' not in body and "css/timeline.css" in body
        assert re.search(r"As of [^<]*12:00[^<]*: waits still open are counted up", body), body
        assert 'class="whose-move-bar"' in body and 'class="tl-day"' in body
        assert "<code>flask --app app verify-log</code>" in body


# Queries -----------------------------------------------------------------------------------


def _with_events(user, title: str, extra: int):
    brief = story(user, title=title, client=make_client(title))
    for n in range(extra):
        workflow.record(
            brief, "contact_logged", workflow.Actor.user(user), NOW + timedelta(days=8, minutes=n),
            occurred_at=(NOW + timedelta(days=8)).isoformat(), channel="call", note=f"n{n}",
        )  # fmt: skip
    db.session.commit()
    return brief


def test_queries_do_not_grow_with_the_number_of_events(auth_client, user, count_queries):
    few = _with_events(user, "Few", 5 - 15)  # the story has 15 events
    many = _with_events(user, "Many", 50 - 15)
    assert (
        db.session.scalar(db.select(db.func.count(Event.id)).where(Event.brief_id == many.id)) == 50
    )
    for make_url in (
        lambda b: f"/briefs/{b.id}/timeline",
        lambda b: f"/briefs/{b.id}/timeline/print",
        lambda b: f"/briefs/{b.id}/timeline.md",
        lambda b: f"/clients/{b.client_id}/timeline",
        lambda b: f"/clients/{b.client_id}/timeline.md",
    ):
        small_url, large_url = make_url(few), make_url(many)
        with count_queries(fresh_session=True) as small:
            auth_client.get(small_url)
        with count_queries(fresh_session=True) as large:
            auth_client.get(large_url)
        assert 0 < len(small) == len(large), small_url


# Promises ----------------------------------------------------------------------------------

PROMISE_SENTENCES = {
    "en": {
        "pending": "Call with Ivan (added by hand by Olga Owner): Prices soon; "
        "Pavel promised the answers by {day}",
        "kept": "Pavel promised the answers by {day}: kept",
        "not_kept": "Pavel promised the answers by {day}: not kept, "
        "not all of them had arrived by then",
        "days": {10: "November 10, 2026", 20: "November 20, 2026"},
    },
    "ru": {
        "pending": "Звонок — Ivan (добавлено вручную, автор: Olga Owner): Prices soon; "
        "Pavel: обещание прислать ответы до {day}",
        "kept": "Pavel: обещание прислать ответы до {day} — выполнено",
        "not_kept": "Pavel: обещание прислать ответы до {day} — не выполнено, "
        "к этому сроку пришли не все ответы",
        "days": {10: "10 ноября 2026 г.", 20: "20 ноября 2026 г."},
    },
}


def promise_on(brief, user, due: str) -> None:
    """Log a call on Sunday the 8th in which Pavel promised the answers by `due`."""
    workflow.record(
        brief, "contact_logged", workflow.Actor.user(user), NOW + timedelta(days=6, hours=1),
        occurred_at=(NOW + timedelta(days=6)).isoformat(), channel="call", with_whom="Ivan",
        note="Prices soon", promise={"by": "Pavel", "due": due},
    )  # fmt: skip
    db.session.commit()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_promise_reads_pending_then_not_kept_on_the_page(auth_client, user, frozen_clock, lang):
    user.locale = lang
    words = PROMISE_SENTENCES[lang]
    brief = story(user)
    promise_on(brief, user, "2026-11-10")
    frozen_clock(datetime(2026, 11, 10, 12, 0, tzinfo=UTC))
    body = text(auth_client.get(f"/briefs/{brief.id}/timeline")).replace("\u202f", " ")
    assert words["pending"].format(day=words["days"][10]) in body
    # “What exactly is done” was sent back on the 7th and is still unanswered on the 12th.
    frozen_clock(LATER)
    body = text(auth_client.get(f"/briefs/{brief.id}/timeline")).replace("\u202f", " ")
    assert words["not_kept"].format(day=words["days"][10]) in body


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_promise_kept_is_said_so_in_timeline_md(auth_client, user, frozen_clock, lang):
    words = PROMISE_SENTENCES[lang]
    brief = story(user)
    brief.locale = lang
    promise_on(brief, user, "2026-11-20")
    answer_fields(brief, ["what"], NOW + timedelta(days=8))
    db.session.commit()
    frozen_clock(LATER)
    markdown = text(auth_client.get(f"/briefs/{brief.id}/timeline.md")).replace("\u202f", " ")
    assert words["kept"].format(day=words["days"][20]) in markdown
