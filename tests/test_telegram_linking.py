"""Telegram: the agency connects its bot, each teammate links a chat with a one-time code.

Telegram itself is a real HTTP server on 127.0.0.1 (tests/fake_telegram.py) speaking the
Bot API; send-due reads its updates and answers there.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from briefs.accounts import create_user
from briefs.extensions import db
from briefs.mail import send_due
from briefs.models import TelegramBot, TelegramLink
from briefs.rules.tokens import hash_token, unseal
from briefs.telegram import bot_api, linking
from tests.conftest import login
from tests.factories import NOW, PASSWORD
from tests.fake_telegram import TOKEN


def _connect(auth_client, token: str = TOKEN):
    return auth_client.post("/settings/telegram", data={"token": token})


def _code(auth_client) -> str:
    page = auth_client.post("/account/telegram/code").get_data(as_text=True)
    return re.search(r'id="telegram-code">/start ([A-Z0-9]+)<', page).group(1)


def test_it_connects_a_bot_whose_token_telegram_accepts(app, auth_client, fake_telegram):
    response = _connect(auth_client)
    assert response.status_code == 302
    page = auth_client.get("/settings/telegram").get_data(as_text=True)
    assert "@pixel_briefs_bot" in page
    bot = db.session.scalar(select(TelegramBot))
    assert bot.username == "pixel_briefs_bot"
    # Sealed with SECRET_KEY, not kept as is.
    assert TOKEN not in bot.token_sealed
    assert unseal(bot.token_sealed, app.config["SECRET_KEY"]) == TOKEN
    assert fake_telegram.calls == ["getMe"]


def test_it_refuses_a_token_telegram_does_not_know(app, auth_client, fake_telegram):
    response = _connect(auth_client, "123456789:AAWrongTokenWrongTokenWrongToken")
    assert response.status_code == 422
    assert "Telegram did not accept this token" in response.get_data(as_text=True)
    assert db.session.scalar(select(TelegramBot)) is None


def test_it_says_why_in_russian(app, user, auth_client, fake_telegram):
    user.locale = "ru"
    db.session.commit()
    page = _connect(auth_client, "123456789:AAWrongTokenWrongTokenWrongToken")
    assert page.status_code == 422
    assert "Telegram не принял этот токен" in page.get_data(as_text=True)
    malformed = _connect(auth_client, "not a token")
    assert "Это не похоже на токен бота" in malformed.get_data(as_text=True)
    # A token of the wrong shape is never sent to Telegram.
    assert fake_telegram.calls == ["getMe"]


def test_it_says_so_when_telegram_does_not_answer(app, auth_client):
    app.config["TELEGRAM_API_URL"] = "http://127.0.0.1:9"
    response = _connect(auth_client)
    assert response.status_code == 422
    assert "Telegram did not answer" in response.get_data(as_text=True)


def test_only_the_owner_connects_or_disconnects_the_bot(app, user, client, fake_telegram):
    create_user(email="kate@agency.example", name="Kate", password=PASSWORD, now=NOW)
    db.session.commit()
    login(client, "kate@agency.example")
    assert _connect(client).status_code == 403
    assert client.post("/settings/telegram/disconnect").status_code == 403


def test_it_disconnects_the_bot(app, auth_client, fake_telegram):
    _connect(auth_client)
    response = auth_client.post("/settings/telegram/disconnect", follow_redirects=True)
    assert "The bot is disconnected" in response.get_data(as_text=True)
    assert db.session.scalar(select(TelegramBot)) is None
    assert "has not connected a bot" in auth_client.get("/account").get_data(as_text=True)


def test_a_teammate_links_their_chat_with_a_one_time_code(app, user, auth_client, fake_telegram):
    _connect(auth_client)
    code = _code(auth_client)
    link = db.session.scalar(select(TelegramLink))
    # Only the hash is kept.
    assert link.code_hash == hash_token(code) and code not in str(vars(link))
    fake_telegram.say(5550001, f"/start {code}")
    report = send_due.run(NOW + timedelta(minutes=5))
    assert report.telegram.linked == [user.id]
    db.session.refresh(link)
    assert link.chat_id == 5550001 and link.code_hash is None
    assert fake_telegram.delivered() == [
        (
            5550001,
            "Linked. Briefs will send your alerts here. You can change this on your account page.",
        )
    ]
    page = auth_client.get("/account").get_data(as_text=True)
    assert "Linked to @pixel_briefs_bot since" in page
    # The offset is kept: the next run reads nothing twice.
    assert db.session.scalar(select(TelegramBot.update_offset)) == 1001
    send_due.run(NOW + timedelta(minutes=10))
    assert len(fake_telegram.sent) == 1


def test_a_code_works_once_and_not_after_fifteen_minutes(app, user, auth_client, fake_telegram):
    _connect(auth_client)
    code = _code(auth_client)
    fake_telegram.say(5550001, f"/start {code}")
    fake_telegram.say(5550002, f"/start {code}", language="ru")
    send_due.run(NOW + timedelta(minutes=1))
    assert db.session.scalar(select(TelegramLink.chat_id)) == 5550001
    [(chat, refusal)] = [(c, t) for c, t in fake_telegram.delivered() if c == 5550002]
    assert refusal == (
        "Этот код не подходит или устарел. Пожалуйста, создайте новый в своём аккаунте "
        "Briefs и отправьте его снова."
    )
    linking.unlink(user)
    late = linking.new_code(user, NOW)
    db.session.commit()
    fake_telegram.say(5550003, f"/start {late}")
    send_due.run(NOW + linking.CODE_LIFETIME + timedelta(seconds=1))
    assert db.session.scalar(select(TelegramLink.chat_id)) is None


def test_a_teammate_chooses_where_alerts_go_and_unlinks(app, user, auth_client, fake_telegram):
    _connect(auth_client)
    code = _code(auth_client)
    fake_telegram.say(5550001, f"/start {code}")
    send_due.run(NOW + timedelta(minutes=1))
    link = db.session.scalar(select(TelegramLink))
    assert link.channel == "email"  # until they choose
    auth_client.post("/account/telegram/channel", data={"channel": "both"})
    db.session.refresh(link)
    assert link.channel == "both"
    response = auth_client.post("/account/telegram/unlink", follow_redirects=True)
    assert "Telegram is unlinked" in response.get_data(as_text=True)
    assert db.session.scalar(select(TelegramLink)) is None


def test_a_different_bot_unlinks_everyone_and_the_same_bot_keeps_them(
    app, user, auth_client, fake_telegram
):
    _connect(auth_client)
    db.session.add(TelegramLink(user_id=user.id, chat_id=5550001, linked_at=NOW))
    db.session.commit()
    _connect(auth_client)
    assert db.session.scalar(select(TelegramLink.chat_id)) == 5550001
    fake_telegram.username = "other_briefs_bot"
    _connect(auth_client)
    assert db.session.scalar(select(TelegramBot.username)) == "other_briefs_bot"
    assert db.session.scalar(select(TelegramLink)) is None


@pytest.mark.parametrize("mode", ["not_http", "cut_short", "trickle"])
def test_connecting_waits_on_a_badly_answering_telegram_no_longer_than_its_timeout(
    app, auth_client, bad_http, monkeypatch, mode
):
    monkeypatch.setattr(bot_api, "TIMEOUT", 0.5)
    app.config["TELEGRAM_API_URL"] = bad_http.url
    bad_http.mode = mode
    started = time.monotonic()
    response = _connect(auth_client)
    assert time.monotonic() - started < 2
    assert response.status_code == 422
    assert "Telegram did not answer" in response.get_data(as_text=True)
    assert db.session.scalar(select(TelegramBot)) is None
