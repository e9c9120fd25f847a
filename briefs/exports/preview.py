"""Render the Markdown export as sanitised HTML for the preview page."""

from __future__ import annotations

import string
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markupsafe import Markup

from briefs.formatting import render_markdown


class _HardBreak(InlineProcessor):
    """A backslash at the end of a line is a line break, as in CommonMark."""

    def handleMatch(self, m, data):  # noqa: N802  (Python-Markdown's API name)
        return etree.Element("br"), m.start(0), m.end(0)


class _EscapedAmpersand(InlineProcessor):
    """An escaped `&` stays a literal ampersand even before text that reads as an entity."""

    def handleMatch(self, m, data):  # noqa: N802  (Python-Markdown's API name)
        # Python-Markdown's serializer would keep `&amp;` typed by a client as an entity.
        return self.md.htmlStash.store("&amp;"), m.start(0), m.end(0)


class CommonMarkEscapes(Extension):
    """Read the export the way CommonMark does: any ASCII punctuation may be escaped."""

    def extendMarkdown(self, md_instance):  # noqa: N802  (Python-Markdown's API name)
        # The export escapes `&`, `<`, `=`, `~` and others Python-Markdown leaves literal.
        for char in string.punctuation:
            if char not in md_instance.ESCAPED_CHARS:
                md_instance.ESCAPED_CHARS.append(char)
        # Above the escape pattern (180) so `\` + newline is not read as a literal `\`.
        md_instance.inlinePatterns.register(_HardBreak(r"\\\n"), "commonmark_hard_break", 185)
        md_instance.inlinePatterns.register(
            _EscapedAmpersand(r"\\&", md_instance), "escaped_ampersand", 186
        )


def render_export_html(text: str) -> Markup:
    """Render export Markdown to HTML with the same sanitising as help texts."""
    return render_markdown(text, extensions=[CommonMarkEscapes()])
