"""Responses that download a file named after a title."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response
from slugify import slugify


def disposition(title: str, fallback: str, suffix: str) -> str:
    """Name the download after the title: an ASCII name and the full UTF-8 one."""
    ascii_name = slugify(title) or fallback
    unicode_name = slugify(title, allow_unicode=True) or ascii_name
    return (
        f'attachment; filename="{ascii_name}{suffix}"; '
        f"filename*=UTF-8''{quote(unicode_name + suffix, safe='')}"
    )


def markdown_download(text: str, title: str, fallback: str, suffix: str = ".md") -> Response:
    """Send Markdown as a UTF-8 download named after the title."""
    response = Response(text, mimetype="text/markdown")
    response.headers["Content-Type"] = "text/markdown; charset=utf-8"
    response.headers["Content-Disposition"] = disposition(title, fallback, suffix)
    return response
