"""Turn what the client posted into saved answers and stored files, field by field."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from briefs.answer_messages import answer_error, characters_removed, file_size, upload_error
from briefs.conflicts import APPLY, CONFLICT, Conflict, judge, read_base
from briefs.extensions import db
from briefs.models import BriefField, Upload
from briefs.rules.answers import AnswerError, clean_answer, has_control_characters
from briefs.uploads import (
    BRIEF_FULL,
    FIELD_FULL,
    UploadError,
    max_brief_bytes,
    max_field_files,
    remove_upload,
    store_upload,
    sync_answer,
)
from briefs.workflow import Actor, RevisionConflict, save_answer


@dataclass(frozen=True)
class Posted:
    """One field's value as the client sent it."""

    raw: str | list[str]
    not_applicable: bool
    #: The revision the page started from (None: an old page that did not say).
    base: int | None = None

    @property
    def text(self) -> str:
        return self.raw if isinstance(self.raw, str) else "\n".join(self.raw)


def cleaning_note(field: BriefField, posted: Posted) -> str | None:
    """The note for the client when saving took characters out of what they sent."""
    if field.type == "file" or not has_control_characters(posted.raw):
        return None
    return characters_removed()


@dataclass
class Outcome:
    """What one request changed, and what it refused."""

    #: Fields that got a new revision, in form order.
    saved: list[BriefField] = dataclass_field(default_factory=list)
    #: Field id -> message for values or files that were refused.
    errors: dict[int, str] = dataclass_field(default_factory=dict)
    #: Field id -> what the client typed, for refused fields, to show it again.
    typed: dict[int, Posted] = dataclass_field(default_factory=dict)
    #: Field id -> a save refused because someone saved the field since the page loaded.
    conflicts: dict[int, Conflict] = dataclass_field(default_factory=dict)
    #: Field id -> a note on a saved value that was cleaned (control characters removed).
    notes: dict[int, str] = dataclass_field(default_factory=dict)

    def add_saved(self, field: BriefField) -> None:
        if field not in self.saved:
            self.saved.append(field)


def read_posted(field: BriefField, form: MultiDict) -> Posted:
    """Read a field's value and its "does not apply" box from a posted form."""
    name = f"f-{field.id}"
    if field.type == "multiple_choice":
        raw: str | list[str] = form.getlist(name)
    elif field.type == "file":
        raw = field.value
    else:
        raw = form.get(name, "")
    return Posted(
        raw=raw,
        not_applicable=form.get(f"na-{field.id}", "") in ("1", "on", "true"),
        base=read_base(form.get(f"base-{field.id}")),
    )


def save_posted(
    field: BriefField, posted: Posted, *, actor: Actor, now: datetime
) -> bool | Conflict:
    """Validate and save one field; return whether it made a revision, or the conflict.

    Raises AnswerError for a value the field cannot take.
    """
    if field.type == "file":
        value = field.value  # files change through their own uploads, never as text
    else:
        value = clean_answer(field.type, list(field.options or []), posted.raw, field.brief.locale)
    verdict = judge(field, value, posted.not_applicable, posted.base)
    if verdict == CONFLICT:
        return Conflict(field, posted.text, posted.not_applicable, posted.base or 0)
    if verdict != APPLY:
        return False
    try:
        answer = save_answer(
            field, value, not_applicable=posted.not_applicable, actor=actor, now=now
        )
    except RevisionConflict:
        # Another save landed between judging and writing: show both, as for a stale page.
        db.session.refresh(field)
        return Conflict(field, posted.text, posted.not_applicable, posted.base or 0)
    return answer is not None


def save_fields(
    fields: list[BriefField], form: MultiDict, *, actor: Actor, now: datetime
) -> Outcome:
    """Save every field the form showed; refused values are reported, the rest saved."""
    outcome = Outcome()
    # Only fields the page rendered count: an unticked box is then a real "none".
    shown = set(form.getlist("seen"))
    for field in fields:
        if str(field.id) not in shown:
            continue
        posted = read_posted(field, form)
        try:
            result = save_posted(field, posted, actor=actor, now=now)
        except AnswerError as error:
            outcome.errors[field.id] = answer_error(error.code)
            outcome.typed[field.id] = posted
            continue
        if isinstance(result, Conflict):
            outcome.conflicts[field.id] = result
            outcome.typed[field.id] = posted
            continue
        if result:
            outcome.add_saved(field)
        if cleaning_note(field, posted):
            outcome.notes[field.id] = characters_removed(field.label)
    return outcome


def store_files(
    field: BriefField, files: list, outcome: Outcome, *, actor: Actor, now: datetime
) -> None:
    """Store each file sent for a file field; refused files are reported on the field."""
    refused = []
    stored = False
    left_out = 0
    for storage in files:
        if not storage or not storage.filename:
            continue  # an untouched file input still sends an empty part
        if left_out:
            left_out += 1  # the field is full: the rest are not even read
            continue
        try:
            store_upload(field, storage.stream, storage.filename, actor=actor, now=now)
            stored = True
        except UploadError as error:
            if error.code == FIELD_FULL:
                left_out = 1
            else:
                refused.append(_refusal(error))
    if stored:
        sync_answer(field, actor=actor, now=now)
        outcome.add_saved(field)
    if left_out:
        refused.append(_field_full(left_out))
    if refused:
        outcome.errors[field.id] = " ".join(refused)


def _field_full(count: int) -> str:
    return ngettext(
        "%(num)s file was not accepted: a question holds up to %(limit)s files. Please "
        "remove a file you no longer need, or put several files in one ZIP archive.",
        "%(num)s files were not accepted: a question holds up to %(limit)s files. Please "
        "remove files you no longer need, or put several files in one ZIP archive.",
        count,
        limit=max_field_files(),
    )


def _refusal(error: UploadError) -> str:
    if error.code == BRIEF_FULL:
        return _(
            "The file %(name)s does not fit: this brief's files may take %(limit)s in all. "
            "Please remove a file you no longer need, or send a link to it instead.",
            name=error.name,
            limit=file_size(max_brief_bytes()),
        )
    return upload_error(error.code, error.name)


def note_unreadable_files(
    field: BriefField, form: MultiDict, names: list[str], outcome: Outcome
) -> None:
    """Report files whose name the server could not read, rather than drop them silently.

    A file part whose name cannot be parsed (a name ending in a backslash escapes its own
    closing quote) arrives as a plain form value under the file input's name.
    """
    if not any(form.getlist(name) for name in names):
        return
    message = _(
        "A file could not be received because its name could not be read (for example, "
        "a name ending in a backslash). Please rename the file and upload it again."
    )
    earlier = outcome.errors.get(field.id)
    outcome.errors[field.id] = f"{earlier} {message}" if earlier else message


def store_form_files(
    fields: list[BriefField],
    files: MultiDict,
    form: MultiDict,
    outcome: Outcome,
    *,
    actor: Actor,
    now: datetime,
) -> None:
    """Store the files chosen in the whole form's file inputs; report unreadable ones."""
    for field in fields:
        if field.type == "file":
            name = f"files-{field.id}"
            store_files(field, files.getlist(name), outcome, actor=actor, now=now)
            note_unreadable_files(field, form, [name], outcome)


def remove_file(
    field: BriefField, upload: Upload, outcome: Outcome, *, actor: Actor, now: datetime
) -> None:
    """Take one file off its field, as a new revision of the field's answer."""
    if remove_upload(upload, field, actor=actor, now=now):
        outcome.add_saved(field)
