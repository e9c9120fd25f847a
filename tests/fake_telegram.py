"""A Telegram Bot API on 127.0.0.1 that speaks getMe, getUpdates and sendMessage.

It knows one token (`server.token`); any other gets 401 as the real API answers. Tests
put updates in `server.updates` (helper: `server.say(chat_id, text)`); getUpdates returns
those from the offset asked for. Every call's method is kept in `server.calls`, and every
sendMessage in `server.sent`, refused ones included, as (chat_id, text, answered
status). To fail on purpose, put answers in
`server.failures`: each sendMessage takes the first one left, if any:
- 500: "Internal Server Error";
- 429: "Too Many Requests" with `retry_after` seconds (`server.retry_after`);
- 403: "Forbidden: bot was blocked by the user".
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "123456789:AAFakeTokenForTestsOnly_0123456789ab"
USERNAME = "pixel_briefs_bot"

_DESCRIPTIONS = {
    500: "Internal Server Error",
    429: "Too Many Requests: retry after {retry_after}",
    403: "Forbidden: bot was blocked by the user",
    400: "Bad Request: chat not found",
}


class FakeTelegram:
    """The server's state: its token, the updates it holds, what was sent."""

    def __init__(self) -> None:
        self.token = TOKEN
        self.username = USERNAME
        self.updates: list[dict] = []
        self.sent: list[tuple[int, str, int]] = []
        self.failures: list[int] = []
        self.retry_after = 30
        self.calls: list[str] = []
        self.lock = threading.Lock()
        self.url = ""

    def say(self, chat_id: int, text: str, language: str = "en") -> None:
        """Add a private message from a user to the bot, as getUpdates will return it."""
        with self.lock:
            update_id = 1000 + len(self.updates)
            self.updates.append(
                {
                    "update_id": update_id,
                    "message": {
                        "message_id": update_id,
                        "from": {"id": chat_id, "is_bot": False, "language_code": language},
                        "chat": {"id": chat_id, "type": "private"},
                        "date": 0,
                        "text": text,
                    },
                }
            )

    def delivered(self) -> list[tuple[int, str]]:
        """Return (chat_id, text) of every message the server accepted, in order."""
        with self.lock:
            return [(chat, text) for chat, text, status in self.sent if status == 200]

    def answer(self, method: str, params: dict) -> tuple[int, dict]:
        """Return the HTTP status and JSON body for one call."""
        with self.lock:
            if method == "getMe":
                return 200, {
                    "ok": True,
                    "result": {"id": 123456789, "is_bot": True, "username": self.username},
                }
            if method == "getUpdates":
                offset = int(params.get("offset") or 0)
                found = [u for u in self.updates if u["update_id"] >= offset]
                return 200, {"ok": True, "result": found}
            if method == "sendMessage":
                status = self.failures.pop(0) if self.failures else 200
                self.sent.append((params["chat_id"], params["text"], status))
                if status == 200:
                    return 200, {"ok": True, "result": {"message_id": len(self.sent)}}
                body = {
                    "ok": False,
                    "error_code": status,
                    "description": _DESCRIPTIONS[status].format(retry_after=self.retry_after),
                }
                if status == 429:
                    body["parameters"] = {"retry_after": self.retry_after}
                return status, body
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}


def start_fake_telegram() -> tuple[FakeTelegram, ThreadingHTTPServer]:
    """Start the server on a free port in a thread; return its state and the server."""
    state = FakeTelegram()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802  (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            params = json.loads(self.rfile.read(length) or b"{}")
            _empty, bot, method = self.path.split("/", 2)
            with state.lock:
                state.calls.append(method)
            if bot != f"bot{state.token}":
                status, body = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            else:
                status, body = state.answer(method, params)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server
