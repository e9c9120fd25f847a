"""Render the Markdown export as sanitised HTML for the preview page.

The export escapes text so that plain Python-Markdown reads it as CommonMark and GitHub
do (briefs.rules.markdown_text), so the preview needs no reading rules of its own.
"""

from __future__ import annotations

from markupsafe import Markup

from briefs.formatting import render_markdown


def render_export_html(text: str) -> Markup:
    """Render export Markdown to HTML with the same sanitising as help texts."""
    return render_markdown(text)
