"""Which responses go compressed: pages, styles, scripts and JSON, to any browser that
accepts it (Flask-Compress picks zstd, brotli or gzip); files and downloads as they are."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_compress import Compress

#: What is worth compressing; uploads, archives and exports are sent as stored.
MIMETYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
]

compress = Compress()


def read_static_whole(response: Response) -> Response:
    """Read a stylesheet or script into memory so it is compressed like a page.

    Flask sends static files as a stream, and a compressed stream would leave the file open
    (and could not use gzip); these files are a few kilobytes each.
    """
    if request.endpoint == "static" and response.mimetype in MIMETYPES and response.is_streamed:
        response.direct_passthrough = False
        response.make_sequence()  # closes the file once the response is closed
    return response


def init_app(app: Flask) -> None:
    """Compress responses; streamed ones (file downloads) are left alone."""
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)
    # Registered after Flask-Compress, so it runs before it (after_request runs in reverse).
    app.after_request(read_static_whole)
