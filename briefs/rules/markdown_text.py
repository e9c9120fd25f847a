"""Escape user text for CommonMark so that it shows as typed and no text can add structure.

Pure: the brief export (briefs.rules.markdown_export) and the timeline report
(briefs.rules.timeline_report) write every piece of user text through these functions.

How text stays text. `inline` backslash-escapes the characters that start inline syntax
anywhere on a line (backslash, code, emphasis, links, raw HTML, tables, strikethrough) and
any `&` that could start an entity. Lines of answers also go through `plain_line`, which
escapes what only matters at the start of a line (headings, quotes, list markers, setext
underlines, fences), writes leading and trailing white space as numeric character
references (parsers strip it, and four spaces would start a code block), and drops control
characters nobody types. In a `text_block`, lines of one paragraph end in a backslash (a
hard line break); an empty line is a paragraph break; a run of empty lines keeps its length
with extra hard breaks.
"""

from __future__ import annotations

import re
import unicodedata

#: Escaped wherever they appear: each can open inline syntax in CommonMark or in the
#: common extensions (GFM tables and strikethrough, Python-Markdown tables).
_ALWAYS = frozenset("\\`*_[]<>|~")

#: Escaped when a line starts with them: headings, quotes, list items, setext underlines.
_LINE_START = frozenset("#>-+=*~`|")

#: `&` followed by something that reads as an entity (`&amp;`, `&#32;`, `&#x41;`).
_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")

#: A run of digits then `.` or `)` at the start of a line would start an ordered list.
_ORDERED_MARKER = re.compile(r"^(\d+)([.)])")


def text_block(text: str, prefix: str = "") -> str:
    """Return text as paragraphs that render exactly as typed; `prefix` starts each line."""
    lines = _lines(text)
    out: list[str] = []
    empty_run = 0
    for index, line in enumerate(lines):
        if not line:
            empty_run += 1
            continue
        if out and empty_run:
            # The first empty line ends the paragraph; any more become hard breaks.
            out.append(prefix.rstrip())
            out.extend(prefix + "\\" for _ in range(empty_run - 1))
        empty_run = 0
        last_in_paragraph = index + 1 == len(lines) or not lines[index + 1]
        out.append(prefix + plain_line(line) + ("" if last_in_paragraph else "\\"))
    return "\n".join(out)


def _lines(text: str) -> list[str]:
    """Split text into lines without control characters or outer empty lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\t\n" or unicodedata.category(ch) != "Cc")
    return text.strip("\n").split("\n")


def plain_line(line: str) -> str:
    """Escape one non-empty line of user text so it stays one line of plain text."""
    body = line.lstrip()
    lead = line[: len(line) - len(body)]
    stripped = body.rstrip()
    trail = body[len(stripped) :]
    body = inline(stripped)
    if body and not lead:
        body = _protect_line_start(body)
    return _refs(lead) + body + _refs(trail)


def _protect_line_start(text: str) -> str:
    """Escape a character that would make the line a heading, quote or list item."""
    if text and text[0] in _LINE_START:
        return "\\" + text
    return _ORDERED_MARKER.sub(r"\1\\\2", text, count=1)


def inline(text: str) -> str:
    """Escape characters that open inline syntax anywhere in a line."""
    text = "".join("\\" + ch if ch in _ALWAYS else ch for ch in text)
    return _ENTITY_LIKE.sub(r"\\&", text)


def _refs(spaces: str) -> str:
    """Write white space as character references so no parser strips or reads it."""
    return "".join(f"&#{ord(ch)};" for ch in spaces)


def single_line(text: str) -> str:
    """Return text on one line: line breaks become spaces, control characters go."""
    return " ".join(_lines(text)).strip()


def heading(level: int, text: str) -> str:
    """Return an ATX heading that shows exactly `text` on one line."""
    # `#` anywhere could close the heading early, so it is escaped throughout.
    content = inline(single_line(text)).replace("#", "\\#")
    return "#" * level + (" " + content if content else "")


def paragraph(text: str) -> str:
    """Return a one-line paragraph of fixed words."""
    return _protect_line_start(inline(single_line(text)))
