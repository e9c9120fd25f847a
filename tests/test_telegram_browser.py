"""In Chromium, in Russian: the owner connects the bot and links her Telegram, at 375 px."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from briefs.extensions import db
from briefs.mail import send_due
from tests.factories import NOW, PASSWORD
from tests.fake_telegram import TOKEN

pytestmark = pytest.mark.browser


def test_the_owner_connects_the_bot_and_links_her_telegram(page, live_server, user, fake_telegram):
    user.locale = "ru"
    db.session.commit()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/settings/telegram")
    page.get_by_label("Токен бота").fill(TOKEN)
    page.get_by_role("button", name="Подключить", exact=True).click()
    expect(page.locator("#bot-name")).to_have_text("@pixel_briefs_bot")

    page.goto(f"{live_server}/account")
    page.get_by_role("button", name="Привязать Telegram").click()
    code = re.fullmatch(r"/start ([A-Z0-9]+)", page.locator("#telegram-code").inner_text())
    assert code is not None
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    fake_telegram.say(5550001, f"/start {code.group(1)}")
    send_due.run(NOW + timedelta(minutes=1))

    page.goto(f"{live_server}/account")
    expect(page.locator("#telegram")).to_contain_text("Привязан к @pixel_briefs_bot")
    page.get_by_label("Присылать мои уведомления").select_option("telegram")
    page.locator("#telegram").get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Ваш выбор для уведомлений сохранён.")).to_be_visible()
    expect(page.get_by_label("Присылать мои уведомления")).to_have_value("telegram")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
