"""Write a brief as a Markdown document whose structure no answer can break.

Pure: takes plain data and the fixed words in the brief's language, returns the text. The
same data always gives the same bytes. Every piece of user text goes through the escaping
of briefs.rules.markdown_text, so the document reads the same in CommonMark, GitHub's
Markdown and Python-Markdown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from briefs.rules.completeness import has_answer, is_sent_back, progress
from briefs.rules.conditions import hidden_keys
from briefs.rules.markdown_text import (
    heading,
    inline,
    paragraph,
    plain_line,
    single_line,
    text_block,
)

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
    key: str = ""
    #: When the question applies (briefs.rules.conditions); None = always.
    condition: dict | None = None
    #: A number answer's value as plain digits when the client wrote it otherwise
    #: (`answers.plain_number`), shown after their text: "от 25 000 ₽ (25000)".
    number: str = ""


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
class ExportWords:
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


def brief_markdown(brief: ExportBrief, words: ExportWords) -> str:
    """Return the brief as a Markdown document ending in one newline.

    Questions hidden by their conditions are left out, answered or not, and so is a section
    left with none.
    """
    fields = [field for section in brief.sections for field in section.fields]
    hidden = hidden_keys(fields)
    stats = progress(fields, hidden)
    blocks = [
        heading(1, brief.title),
        "\n".join(
            [
                _meta(words.client, brief.client_name),
                _meta(words.created, _day(brief.created, words)),
                _meta(words.sent, _day(brief.sent, words)),
                _meta(words.submitted, _day(brief.submitted, words)),
                _meta(words.launch_date, _day(brief.launch, words)),
            ]
        ),
        paragraph(words.progress(stats.answered, stats.required, stats.missing)),
    ]
    for section in brief.sections:
        shown = [field for field in section.fields if field.key not in hidden]
        if section.fields and not shown:
            continue
        blocks.append(heading(2, section.title))
        for field in shown:
            blocks.append(heading(3, field.label))
            blocks.extend(_field_blocks(field, words))
    return "\n\n".join(blocks) + "\n"


def _field_blocks(field: ExportField, words: ExportWords) -> list[str]:
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
        blocks.append(paragraph(words.yes if field.value.strip() == YES else words.no))
    elif field.number:
        blocks.append(text_block(f"{field.value.strip()} ({field.number})"))
    else:
        blocks.append(text_block(field.value))
    if is_sent_back(field):
        blocks.append(_note(words.changes_requested, field.review_comment))
    return blocks


def _meta(label: str, value: str) -> str:
    """Return one list item of the brief's facts: a bold label and its value."""
    return f"- **{inline(single_line(label))}** {inline(single_line(value))}"


def _day(value: date | None, words: ExportWords) -> str:
    """Return a date as YYYY-MM-DD, or the words for no date."""
    return value.isoformat() if value else words.not_yet


def _marker(text: str) -> str:
    """Return an emphasised marker line (missing, not applicable, no answer)."""
    return f"_{inline(single_line(text))}_"


def _bullets(items) -> str:
    """Return a bullet list, one escaped line per item."""
    return "\n".join(f"- {plain_line(item)}" for item in items)


def _link(file: ExportFile) -> str:
    """Return a Markdown link to a file, its name as the text."""
    name = inline(single_line(file.name), links=False) or "\\_"
    return f"[{name}]({_destination(file.url)})"


def _destination(url: str) -> str:
    """Percent-encode what could end or confuse a link destination."""
    return "".join(
        f"%{ord(ch):02X}" if ch in ' <>()\\"`' or ord(ch) < 0x21 or ord(ch) == 0x7F else ch
        for ch in url
    )


def _note(title: str, comment: str) -> str:
    """Return a quoted note: the agency asked for changes, with its comment."""
    head = f"> **{inline(single_line(title))}**"
    body = text_block(comment, prefix="> ") if comment.strip() else ""
    return head + ("  \n" + body if body else "")
