"""Turn what the client posted into saved answers and stored files, field by field."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from briefs.answer_messages import answer_error, file_size, upload_error
from briefs.conflicts import APPLY, CONFLICT, Conflict, judge, read_base
from briefs.extensions import db
from briefs.models import BriefField, Upload
from briefs.rules.answers import AnswerError, clean_answer
from briefs.uploads import (
    BRIEF_FULL,
    UploadError,
    max_brief_bytes,
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
        value = clean_answer(field.type, list(field.options or []), posted.raw)
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
        elif result:
            outcome.add_saved(field)
    return outcome


def store_files(
    field: BriefField, files: list, outcome: Outcome, *, actor: Actor, now: datetime
) -> None:
    """Store each file sent for a file field; refused files are reported on the field."""
    refused = []
    stored = False
    for storage in files:
        if not storage or not storage.filename:
            continue  # an untouched file input still sends an empty part
        try:
            store_upload(field, storage.stream, storage.filename, actor=actor, now=now)
            stored = True
        except UploadError as error:
            refused.append(_refusal(error))
    if stored:
        sync_answer(field, actor=actor, now=now)
        outcome.add_saved(field)
    if refused:
        outcome.errors[field.id] = " ".join(refused)


def _refusal(error: UploadError) -> str:
    if error.code == BRIEF_FULL:
        return _(
            "The file %(name)s does not fit: this brief's files may take %(limit)s in all. "
            "Please remove a file you no longer need, or send a link to it instead.",
            name=error.name,
            limit=file_size(max_brief_bytes()),
        )
    return upload_error(error.code, error.name)


def store_form_files(
    fields: list[BriefField], files: MultiDict, outcome: Outcome, *, actor: Actor, now: datetime
) -> None:
    """Store the files chosen in the whole form's file inputs."""
    for field in fields:
        if field.type == "file":
            store_files(field, files.getlist(f"files-{field.id}"), outcome, actor=actor, now=now)


def remove_file(
    field: BriefField, upload: Upload, outcome: Outcome, *, actor: Actor, now: datetime
) -> None:
    """Take one file off its field, as a new revision of the field's answer."""
    if remove_upload(upload, field, actor=actor, now=now):
        outcome.add_saved(field)
