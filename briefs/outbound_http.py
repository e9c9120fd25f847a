"""Requests to other servers (webhook receivers, the Telegram Bot API), bounded as a whole.

urllib's `timeout` bounds each read of the socket, so a server that trickles its answer a
byte at a time holds the caller for as long as it likes; and an answer that is not HTTP
(a garbled status line, a header line too long, a body cut short) raises http.client's own
errors, which are not OSError. Here the whole exchange has a deadline (a timer shuts the
socket once it passes), and every way of getting no usable answer is one `NoAnswer`.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.error
import urllib.request


class NoAnswer(OSError):
    """No complete HTTP answer came in time (or what came was not HTTP)."""


def exchange(
    request: urllib.request.Request,
    seconds: float,
    *,
    read: bool = True,
    follow_redirects: bool = True,
) -> tuple[int, bytes]:
    """Send `request`; return the answer's status and body (unread when `read` is false).

    All of it, connecting, sending, the status, headers and body, within `seconds`. An
    error status is an answer, returned like any other; raise NoAnswer when none came.
    Without `follow_redirects` a redirect is the answer too: its target was never checked
    the way the address asked for was (it may be a private one).
    """
    deadline = time.monotonic() + seconds
    timers: list[threading.Timer] = []
    expired = threading.Event()

    def bounded(base: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
        class Bounded(base):  # type: ignore[misc, valid-type]
            def connect(self) -> None:
                super().connect()
                timer = threading.Timer(
                    max(deadline - time.monotonic(), 0), _shut, (self.sock, expired)
                )
                timer.daemon = True
                timers.append(timer)
                timer.start()

        return Bounded

    handlers = [_HTTPHandler(bounded), _HTTPSHandler(bounded)]
    if not follow_redirects:
        handlers.append(_NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    try:
        try:
            response = opener.open(request, timeout=seconds)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            answer = response.code, (response.read() if read else b"")
    except (OSError, http.client.HTTPException, ValueError) as error:
        if expired.is_set():
            raise NoAnswer(_late(seconds)) from error
        raise NoAnswer(str(error) or type(error).__name__) from error
    finally:
        for timer in timers:
            timer.cancel()
    if expired.is_set():  # cut short by the deadline: what was read may be a part only
        raise NoAnswer(_late(seconds))
    return answer


def _late(seconds: float) -> str:
    return f"no complete answer within {seconds:g} s"


def _shut(sock: socket.socket, expired: threading.Event) -> None:
    """End the exchange: a read blocked on this socket returns at once."""
    expired.set()
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, bounded) -> None:
        super().__init__()
        self.bounded = bounded

    def http_open(self, req):
        return self.do_open(self.bounded(http.client.HTTPConnection), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, bounded) -> None:
        super().__init__()
        self.bounded = bounded

    def https_open(self, req):
        return self.do_open(self.bounded(http.client.HTTPSConnection), req, context=self._context)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand a redirect back as the answer (urllib raises it as an HTTPError)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None
