"""Write a brief as a CommonMark document whose structure no answer can break.

Pure: takes plain data and the fixed words in the brief's language, returns the text. The
same data always gives the same bytes.

How text stays text. Every piece of user text (titles, labels, answers, file names) goes
through `_inline`, which backslash-escapes the characters that start inline syntax anywhere
on a line (backslash, code, emphasis, links, raw HTML, tables, strikethrough) and any `&`
that could start an entity. Answer lines also go through `_line`, which escapes what only
matters at the start of a line (headings, quotes, list markers, setext underlines, fences),
writes leading and trailing white space as numeric character references (parsers strip it,
and four spaces would start a code block), and drops control characters nobody types.
Lines of one paragraph end in a backslash (a hard line break); an empty line is a
paragraph break; a run of empty lines keeps its length with extra hard breaks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from briefs.rules.completeness import has_answer, is_sent_back, progress

#: Escaped wherever they appear: each can open inline syntax in CommonMark or in the
#: common extensions (GFM tables and strikethrough, Python-Markdown tables).
_ALWAYS = frozenset("\\`*_[]<>|~")

#: Escaped when a line starts with them: headings, quotes, list items, setext underlines.
_LINE_START = frozenset("#>-+=*~`|")

#: `&` followed by something that reads as an entity (`&amp;`, `&#32;`, `&#x41;`).
_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")

#: A run of digits then `.` or `)` at the start of a line would start an ordered list.
_ORDERED_MARKER = re.compile(r"^(\d+)([.)])")

YES = "yes"
NO = "no"


@dataclass(frozen=True)
class ExportFile:
    """A file attached to an answer: its name as uploaded and an absolute link to it."""

    name: str
    url: str


@dataclass(frozen=True)
class ExportField:
    """One question and its current answer."""

    label: str
    type: str
    required: bool
    #: The stored answer: choices one per line; for files see `files`.
    value: str = ""
    not_applicable: bool = False
    review_verdict: str | None = None
    review_comment: str = ""
    #: Files still attached to a file field, in the order the answer lists them.
    files: tuple[ExportFile, ...] = ()


@dataclass(frozen=True)
class ExportSection:
    """A section heading and its fields, in order."""

    title: str
    fields: tuple[ExportField, ...] = ()


@dataclass(frozen=True)
class ExportBrief:
    """What the export shows about a brief; dates already in the agency's calendar."""

    title: str
    client_name: str
    created: date
    sent: date | None = None
    submitted: date | None = None
    launch: date | None = None
    sections: tuple[ExportSection, ...] = ()


@dataclass(frozen=True)
class Words:
    """The fixed words of the export, already in the brief's language."""

    client: str
    created: str
    sent: str
    submitted: str
    launch_date: str
    #: Shown for a date that has not happened or is not set.
    not_yet: str
    #: Builds the completeness sentence from (answered, required, missing).
    progress: Callable[[int, int, int], str]
    yes: str
    no: str
    missing: str
    not_applicable: str
    no_answer_optional: str
    changes_requested: str


def render_markdown_export(brief: ExportBrief, words: Words) -> str:
    """Return the brief as a Markdown document ending in one newline."""
    fields = [field for section in brief.sections for field in section.fields]
    stats = progress(fields)
    blocks = [
        _heading(1, brief.title),
        "\n".join(
            [
                _meta(words.client, brief.client_name),
                _meta(words.created, _day(brief.created, words)),
                _meta(words.sent, _day(brief.sent, words)),
                _meta(words.submitted, _day(brief.submitted, words)),
                _meta(words.launch_date, _day(brief.launch, words)),
            ]
        ),
        _paragraph(words.progress(stats.answered, stats.required, stats.missing)),
    ]
    for section in brief.sections:
        blocks.append(_heading(2, section.title))
        for field in section.fields:
            blocks.append(_heading(3, field.label))
            blocks.extend(_field_blocks(field, words))
    return "\n\n".join(blocks) + "\n"


def _field_blocks(field: ExportField, words: Words) -> list[str]:
    """Return the blocks under a field's heading: its answer or a marker, then any note."""
    blocks: list[str] = []
    if field.not_applicable:
        blocks.append(_marker(words.not_applicable))
    elif not has_answer(field) or (field.type == "file" and not field.files):
        blocks.append(_marker(words.missing if field.required else words.no_answer_optional))
    elif field.type == "multiple_choice":
        blocks.append(_bullets(line for line in field.value.split("\n") if line.strip()))
    elif field.type == "file":
        blocks.append("\n".join(f"- {_link(file)}" for file in field.files))
    elif field.type == "yes_no" and field.value.strip() in (YES, NO):
        blocks.append(_paragraph(words.yes if field.value.strip() == YES else words.no))
    else:
        blocks.append(text_block(field.value))
    if is_sent_back(field):
        blocks.append(_note(words.changes_requested, field.review_comment))
    return blocks


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
        out.append(prefix + _line(line) + ("" if last_in_paragraph else "\\"))
    return "\n".join(out)


def _lines(text: str) -> list[str]:
    """Split text into lines without control characters or outer empty lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\t\n" or unicodedata.category(ch) != "Cc")
    return text.strip("\n").split("\n")


def _line(line: str) -> str:
    """Escape one non-empty line of an answer so it stays one line of plain text."""
    body = line.lstrip()
    lead = line[: len(line) - len(body)]
    stripped = body.rstrip()
    trail = body[len(stripped) :]
    body = _inline(stripped)
    if body and not lead:
        body = _protect_line_start(body)
    return _refs(lead) + body + _refs(trail)


def _protect_line_start(text: str) -> str:
    """Escape a character that would make the line a heading, quote or list item."""
    if text and text[0] in _LINE_START:
        return "\\" + text
    return _ORDERED_MARKER.sub(r"\1\\\2", text, count=1)


def _inline(text: str) -> str:
    """Escape characters that open inline syntax anywhere in a line."""
    text = "".join("\\" + ch if ch in _ALWAYS else ch for ch in text)
    return _ENTITY_LIKE.sub(r"\\&", text)


def _refs(spaces: str) -> str:
    """Write white space as character references so no parser strips or reads it."""
    return "".join(f"&#{ord(ch)};" for ch in spaces)


def _single_line(text: str) -> str:
    """Return text on one line: line breaks become spaces, control characters go."""
    return " ".join(_lines(text)).strip()


def _heading(level: int, text: str) -> str:
    """Return an ATX heading that shows exactly `text` on one line."""
    # `#` anywhere could close the heading early, so it is escaped throughout.
    content = _inline(_single_line(text)).replace("#", "\\#")
    return "#" * level + (" " + content if content else "")


def _paragraph(text: str) -> str:
    """Return a one-line paragraph of fixed words."""
    return _protect_line_start(_inline(_single_line(text)))


def _meta(label: str, value: str) -> str:
    """Return one list item of the brief's facts: a bold label and its value."""
    return f"- **{_inline(_single_line(label))}** {_inline(_single_line(value))}"


def _day(value: date | None, words: Words) -> str:
    """Return a date as YYYY-MM-DD, or the words for no date."""
    return value.isoformat() if value else words.not_yet


def _marker(text: str) -> str:
    """Return an emphasised marker line (missing, not applicable, no answer)."""
    return f"_{_inline(_single_line(text))}_"


def _bullets(items) -> str:
    """Return a bullet list, one escaped line per item."""
    return "\n".join(f"- {_line(item)}" for item in items)


def _link(file: ExportFile) -> str:
    """Return a Markdown link to a file, its name as the text."""
    name = _inline(_single_line(file.name)) or "\\_"
    return f"[{name}]({_destination(file.url)})"


def _destination(url: str) -> str:
    """Percent-encode what could end or confuse a link destination."""
    return "".join(
        f"%{ord(ch):02X}" if ch in ' <>()\\"`' or ord(ch) < 0x21 or ord(ch) == 0x7F else ch
        for ch in url
    )


def _note(title: str, comment: str) -> str:
    """Return a quoted note: the agency asked for changes, with its comment."""
    head = f"> **{_inline(_single_line(title))}**"
    body = text_block(comment, prefix="> ") if comment.strip() else ""
    return head + ("\\\n" + body if body else "")
