"""Review mode and the action bar: only waiting answers, accepted all at once."""

from __future__ import annotations

from datetime import timedelta

from briefs import workflow
from briefs.extensions import db
from briefs.models import Event
from tests.factories import IVAN, NOW, answer_fields, fields_by_key, make_brief, make_long_brief


def _sent_brief_with_answers(keys: list[str]):
    brief, _token = make_long_brief(12)
    workflow.mark_sent(brief, IVAN, NOW)
    answer_fields(brief, keys, NOW + timedelta(hours=1))
    db.session.commit()
    return brief


def test_it_offers_to_review_the_waiting_answers(auth_client, frozen_clock):
    brief = _sent_brief_with_answers(["q0", "q1", "q2"])
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    bar = body[
        body.index('class="card action-bar"') : body.index("</section>", body.index("action-bar"))
    ]
    assert f'href="/briefs/{brief.id}?review=1">Review 3 answers</a>' in bar


def test_review_mode_shows_only_the_waiting_answers(auth_client, frozen_clock):
    brief = _sent_brief_with_answers(["q0", "q1", "q2"])
    fields = fields_by_key(brief)
    workflow.review(fields["q1"], "accepted", "", IVAN, NOW + timedelta(hours=2))
    db.session.commit()
    body = auth_client.get(f"/briefs/{brief.id}?review=1").get_data(as_text=True)
    assert "2 answers wait for review" in body
    assert f'id="field-{fields["q0"].id}"' in body and f'id="field-{fields["q2"].id}"' in body
    assert f"field-{fields['q1'].id}" not in body and f"field-{fields['q5'].id}" not in body
    assert "Accept all 2 answers shown" in body


def test_accept_shown_accepts_what_was_shown_and_not_what_changed(auth_client, frozen_clock):
    brief = _sent_brief_with_answers(["q0", "q1", "q2"])
    fields = fields_by_key(brief)
    shown = [f"{fields[k].id}:{fields[k].revision}" for k in ("q0", "q1", "q2")]
    # The client changes one answer after the page was shown.
    workflow.save_answer(
        fields["q2"], "Changed", not_applicable=False, actor=IVAN, now=NOW + timedelta(hours=3)
    )
    db.session.commit()
    response = auth_client.post(f"/briefs/{brief.id}/accept-shown", data={"shown": shown})
    assert response.status_code == 302 and response.location.endswith("?review=1")
    for key, verdict in (("q0", "accepted"), ("q1", "accepted"), ("q2", None)):
        db.session.refresh(fields[key])
        assert fields[key].review_verdict == verdict, key
    reviews = db.session.scalars(db.select(Event).where(Event.kind == "review_given")).all()
    assert len(reviews) == 2
    body = auth_client.get(response.location).get_data(as_text=True)
    assert "2 answers accepted." in body
    assert "1 answer changed while you were reading it, so it still waits for you." in body


def test_accepted_answers_are_folded_on_the_brief_page(auth_client, frozen_clock):
    brief = _sent_brief_with_answers(["q0", "q1"])
    fields = fields_by_key(brief)
    workflow.review(fields["q0"], "accepted", "", IVAN, NOW + timedelta(hours=2))
    db.session.commit()
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert f'<details class="accepted-answer" id="field-{fields["q0"].id}">' in body
    assert f'<details class="accepted-answer" id="field-{fields["q1"].id}">' not in body


def test_the_action_bar_follows_whose_move_it_is(auth_client, frozen_clock):
    brief, _token = make_brief()
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert 'class="button primary">Send by e-mail</button>' in body
    workflow.mark_sent(brief, IVAN, NOW)
    db.session.commit()
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert 'class="button primary">Remind now</button>' in body
    # The bar's button is the first primary one; "mark as sent again" is no longer blue.
    first = body.index("button primary")
    assert body[first:].startswith('button primary">Remind now<')
    assert 'class="button">Mark as sent again</button>' in body


def test_it_warns_when_no_mail_server_is_configured(app, auth_client, frozen_clock):
    brief, _token = make_brief()
    app.config["SMTP_URL"] = ""
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "No mail server is configured (SMTP_URL)" in body
    app.config["SMTP_URL"] = "smtp://127.0.0.1:2525"
    body = auth_client.get(f"/briefs/{brief.id}").get_data(as_text=True)
    assert "No mail server is configured" not in body
