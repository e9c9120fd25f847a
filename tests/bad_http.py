"""An HTTP server that answers badly on purpose: not HTTP at all, a header line too long,
a body cut short, a byte at a time (faster than any read timeout, forever), or a redirect.

Each connection is read once and answered by `mode`; the answer goes on the wire as is.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

ANSWERS = {
    "not_http": b"SSH-2.0-OpenSSH_9.2\r\n",
    "long_header": b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 70_000 + b"\r\n\r\n",
    "cut_short": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    b'Content-Length: 500\r\n\r\n{"ok":',
    # The status line, then headers that never end.
    "trickle": b"HTTP/1.1 200 OK\r\nX-Slow: ",
    # Elsewhere on the same server: a client that follows it makes a second request.
    "redirect": b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n",
}


@dataclass
class BadHttp:
    """Where the server listens, how it answers, and how many requests reached it."""

    url: str = ""
    mode: str = "not_http"
    #: Seconds between the bytes a trickling answer sends.
    every: float = 0.2
    requests: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)


def start_bad_http() -> tuple[BadHttp, socket.socket]:
    """Serve a BadHttp in a thread on a free port of 127.0.0.1; close the socket to stop."""
    state = BadHttp()
    listener = socket.create_server(("127.0.0.1", 0))
    state.url = f"http://127.0.0.1:{listener.getsockname()[1]}"

    def answer(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                state.requests += 1
                conn.sendall(ANSWERS[state.mode])
                while state.mode == "trickle" and not state.stopping.wait(state.every):
                    conn.sendall(b"a")
                time.sleep(0.05)
            except OSError:
                pass  # the client gave up

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return state, listener
