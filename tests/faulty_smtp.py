"""An SMTP server on 127.0.0.1 that fails on purpose, counting what it took by Message-ID.

Modes (set `server.mode` at any time; `server.delay` is the seconds a slow answer takes):
- "ok": answers at once.
- "slow": takes the message, answers 250 after `delay` (a slow but working server).
- "quit421": takes the message with 250, then answers 421 to QUIT.
- "late250": takes the message, answers 250 only after `delay` (longer than the client's
  timeout, so the client has given up by then).
- "drop": takes the message and closes the connection without answering.
- "stall": says nothing for `delay` after EHLO (the client times out before MAIL).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class FaultyMailbox:
    """The handler: keeps what came in and misbehaves as `mode` says."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.delay = 2.0
        #: Message-ID of every message whose content arrived, in order, repeats included.
        self.received: list[str] = []
        self.lock = threading.Lock()
        #: Called (in the server's thread) while a message's content is held, before answering.
        self.on_data = None

    def counts(self) -> Counter:
        with self.lock:
            return Counter(self.received)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        session.host_name = hostname
        if self.mode == "stall":
            await asyncio.sleep(self.delay)
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        mail = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(mail["Message-ID"])
        if self.on_data is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.on_data, mail)
        if self.mode == "drop":
            server.transport.close()
            return "250 never heard"
        if self.mode in ("slow", "late250"):
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        if self.mode == "quit421":
            return "421 Service closing transmission channel"
        return "221 Bye"


def start_faulty_smtp() -> tuple[FaultyMailbox, Controller, int]:
    """Start the server on a free port of 127.0.0.1; stop the controller when done."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = FaultyMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    return mailbox, controller, port
