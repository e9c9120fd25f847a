"""A small client for the Telegram Bot API: getMe, getUpdates, sendMessage.

Requests go to TELEGRAM_API_URL (https://api.telegram.org; tests point it at a local
server) as `<url>/bot<token>/<method>` with a JSON body. Every failure becomes one
`BotApiError` carrying the HTTP status (None: no answer), Telegram's description and, for
429, how many seconds it asked to wait.
"""

from __future__ import annotations

import json
import re
import urllib.request
from dataclasses import dataclass

from briefs.outbound_http import NoAnswer, exchange

#: Seconds the Bot API has to answer, all of it (briefs.outbound_http).
TIMEOUT = 10
#: What a bot token looks like: "<bot id>:<secret>".
TOKEN_SHAPE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,100}$")


class BotApiError(Exception):
    """The Bot API refused a call, or did not answer."""

    def __init__(self, status: int | None, description: str, retry_after: int | None = None):
        super().__init__(f"{status or 'no answer'}: {description}")
        self.status = status
        self.description = description
        self.retry_after = retry_after

    @property
    def blocked(self) -> bool:
        """The user blocked the bot or the chat is gone: sending there will not work."""
        return self.status == 403

    @property
    def permanent(self) -> bool:
        """Sending the same request again will fail again (any 4xx but 429)."""
        return self.status is not None and 400 <= self.status < 500 and self.status != 429


@dataclass(frozen=True)
class BotApi:
    """Where the Bot API is, and the bot's token."""

    base_url: str
    token: str

    def call(self, method: str, params: dict | None = None) -> object:
        """Call a method; return its `result`, or raise BotApiError."""
        request = urllib.request.Request(
            f"{self.base_url.rstrip('/')}/bot{self.token}/{method}",
            data=json.dumps(params or {}).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "Briefs-Telegram/1"},
        )
        try:
            status, body = exchange(request, TIMEOUT)
        except NoAnswer as error:
            raise BotApiError(None, str(error)) from error
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        if status == 200 and answer.get("ok"):
            return answer.get("result")
        retry_after = (answer.get("parameters") or {}).get("retry_after")
        raise BotApiError(
            answer.get("error_code") or status,
            str(answer.get("description") or f"HTTP {status}"),
            int(retry_after) if isinstance(retry_after, int) else None,
        )

    def get_me(self) -> dict:
        """Return the bot's own user (its `username`)."""
        return self.call("getMe")  # type: ignore[return-value]

    def get_updates(self, offset: int) -> list[dict]:
        """Return the updates from `offset` on, without waiting for new ones."""
        return self.call(  # type: ignore[return-value]
            "getUpdates", {"offset": offset, "timeout": 0, "allowed_updates": ["message"]}
        )

    def send_message(self, chat_id: int, text: str) -> None:
        """Send plain text to a chat (no parse mode, so nothing in it needs escaping)."""
        self.call(
            "sendMessage", {"chat_id": chat_id, "text": text, "disable_web_page_preview": True}
        )
