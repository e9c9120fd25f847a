"""Headers that keep every page to its own origin: nothing loads from, or frames it from,
another host, and nothing a client typed can run as script; over HTTPS, browsers never
fall back to plain HTTP; a page showing a live client link is never cached."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, Response, current_app, make_response

#: Inline style attributes stay allowed (progress bars set their width); scripts come only
#: from the app's own files.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

#: A year, the value browsers' preload lists ask for; sent only when BASE_URL is https.
HSTS = "max-age=31536000; includeSubDomains"


def no_store(view: Callable) -> Callable:
    """Mark a view's responses as not to be stored by browsers or proxies (a live link)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapped


def add_headers(response: Response) -> Response:
    """Set the security headers, leaving stricter ones a view already chose."""
    response.headers.setdefault("Content-Security-Policy", POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config["BASE_URL"].startswith("https://"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response."""
    app.after_request(add_headers)
