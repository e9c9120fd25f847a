"""Plain, polite sentences for why an answer or a file was not accepted."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _

from briefs import uploads
from briefs.rules import answers


def answer_error(code: str) -> str:
    """Return the message for an AnswerError code, in the page's language."""
    if code == answers.TOO_LONG:
        return _(
            "This answer is longer than %(limit)s characters. Please shorten it, "
            "or upload the text as a file.",
            limit=format_decimal(answers.MAX_ANSWER_LENGTH),
        )
    messages = {
        answers.NOT_A_NUMBER: _(
            "Please enter a number, for example 25000, 1,500.50 or “from 25,000”."
        ),
        answers.NOT_A_DATE: _("Please enter a date, for example 31.12.2026."),
        answers.NOT_AN_EMAIL: _("Please enter an e-mail address, for example name@example.com."),
        answers.NOT_A_URL: _("Please enter a web address, for example example.com."),
        answers.NOT_AN_OPTION: _("Please choose one of the options shown."),
    }
    return messages.get(code, _("This answer could not be saved. Please check it."))


def characters_removed(label: str | None = None) -> str:
    """Say that invisible control characters were taken out of an answer before saving."""
    if label:
        return _(
            "Your answer to “%(label)s” held invisible control characters; we saved it "
            "without them.",
            label=label,
        )
    return _("Invisible control characters were taken out of this answer before saving.")


def upload_error(code: str, name: str) -> str:
    """Return the message for an UploadError code, naming the file."""
    if code == uploads.EMPTY_FILE:
        return _("The file %(name)s is empty.", name=name)
    if code == uploads.NOT_STORED:
        return _(
            "The file %(name)s could not be stored on the server just now. Your other "
            "answers are kept. Please try again later, or send a link to the file in "
            "another answer.",
            name=name,
        )
    if code == uploads.TOO_BIG:
        return _(
            "The file %(name)s is larger than %(limit)s. Please send a smaller file, "
            "or a link to it in another answer.",
            name=name,
            limit=file_size(uploads.max_bytes()),
        )
    return _(
        "The file %(name)s was not accepted: please upload images (JPEG, PNG, GIF, WebP), "
        "PDF, Word, Excel, PowerPoint or OpenDocument files, or ZIP archives.",
        name=name,
    )


def file_size(size: int) -> str:
    """Return a size in bytes as a short human figure, e.g. "2.4 MB"."""
    if size < 1024:
        return _("%(size)s bytes", size=format_decimal(size))
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(round(size / 1024)))
    return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1)))
