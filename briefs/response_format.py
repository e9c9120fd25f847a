"""Whether a request came from a script that reads JSON rather than a browser page."""

from __future__ import annotations

from flask import request


def wants_json() -> bool:
    """Tell whether to answer with JSON: the client prefers it to HTML, or sent JSON."""
    # A tie goes to HTML: only a script names application/json without preferring HTML.
    preferred = request.accept_mimetypes.best_match(("text/html", "application/json"))
    return preferred == "application/json" or request.is_json
