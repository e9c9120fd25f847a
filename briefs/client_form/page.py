"""What the client's form shows: fields with their values, progress, what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime

from flask import url_for
from flask_babel import format_time, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from briefs.accounts import agency_settings
from briefs.answer_messages import file_size
from briefs.chase_policy import calendar
from briefs.client_form.access import Link
from briefs.client_form.filling import Posted
from briefs.comments import comments_by_field
from briefs.conflicts import Conflict
from briefs.extensions import db
from briefs.handovers import Holder, brief_handovers, holder_names, holders
from briefs.models import Brief, BriefField, BriefSection, Comment, Upload, User
from briefs.rules.completeness import (
    Progress,
    answered_in,
    is_missing,
    is_sent_back,
    missing_fields,
    progress,
)
from briefs.rules.deadlines import info_due_date
from briefs.rules.handover_limits import MAX_NOTE
from briefs.uploads import uploads_by_field
from briefs.whole_brief import whole

#: File types the picker suggests; the server still sniffs every file's content.
ACCEPT = ".jpg,.jpeg,.png,.gif,.webp,.pdf,.doc,.docx,.xls,.xlsx,.pptx,.odt,.ods,.zip"


@dataclass(frozen=True)
class FileView:
    """One uploaded file as the client sees it."""

    upload: Upload
    size_text: str
    download_url: str
    remove_url: str


@dataclass(frozen=True)
class FieldView:
    """One question with what to show in its input."""

    field: BriefField
    text: str
    chosen: frozenset[str]
    not_applicable: bool
    error: str | None
    sent_back: bool
    files: list[FileView]
    #: The revision the page shows; saves send it back so nothing is overwritten unseen.
    base: int = 0
    conflict: Conflict | None = None
    comments: tuple[Comment, ...] = ()
    resolved: bool = False
    #: Colleagues who hold this question (shown to the contacts only).
    holders: tuple[str, ...] = ()
    #: The answer is the agency's suggestion, waiting for the client to confirm it.
    suggested: bool = False
    #: The question's condition is false for the answers saved so far.
    hidden: bool = False

    @property
    def described_by(self) -> str:
        """Ids of the texts that describe the input, for aria-describedby."""
        fid = self.field.id
        ids = [f"review-{fid}"] if self.sent_back else []
        ids += [f"suggested-{fid}"] if self.suggested else []
        ids += [f"help-{fid}"] if self.field.help else []
        ids += [f"example-{fid}"] if self.field.example else []
        ids += [f"err-{fid}"] if self.error else []
        return " ".join(ids)


@dataclass(frozen=True)
class Step:
    """One section as a step of the form: the chip that opens it, and how far it is."""

    section_id: int
    title: str
    #: "2 of 5 answered", counting every question of the section that applies.
    text: str
    done: bool
    #: All its questions are hidden by conditions, so the chip is hidden like the section.
    hidden: bool


@dataclass(frozen=True)
class HandoverForm:
    """What was typed into one "hand to a colleague" form, and what was wrong with it."""

    scope: str
    name: str = ""
    email: str = ""
    note: str = ""
    errors: dict[str, str] = dataclass_field(default_factory=dict)
    #: Ids of the questions ticked in the form.
    chosen: frozenset[int] = frozenset()


@dataclass(frozen=True)
class FormPage:
    """Everything the form template prints."""

    brief: Brief
    token: str
    agency_name: str
    sections: list[tuple[BriefSection, list[FieldView]]]
    progress: Progress
    progress_text: str
    missing: list[BriefField]
    errors: list[tuple[BriefField, str]]
    texts: dict[str, str]
    #: Words repeated for every question, translated once (see `repeated_words`).
    words: dict[str, Markup] = dataclass_field(default_factory=dict)
    accept: str = ACCEPT
    link: Link | None = None
    #: Colleagues holding questions, with how far each is (the contacts' page only).
    holders: list[Holder] = dataclass_field(default_factory=list)
    handover_form: HandoverForm | None = None
    #: The longest note a hand-over may carry (the textarea's maxlength).
    note_limit: int = MAX_NOTE
    #: The day the answers are needed by, from the launch date and the agency's calendar.
    answers_due: date | None = None
    #: Answers the agency sent back for changes (counted apart from `missing`).
    sent_back: list[BriefField] = dataclass_field(default_factory=list)
    #: Required questions still unanswered or sent back, listed when the client submits.
    #: Set when "Submit" was pressed with these open: the page then asks first.
    confirm_submit: list[BriefField] = dataclass_field(default_factory=list)
    #: Who at the agency reviews the answers (the brief's creator), when known.
    reviewer: str = ""
    #: The sections as steps: chips on a phone, a table of contents on a wide screen.
    steps: list[Step] = dataclass_field(default_factory=list)

    @property
    def left_text(self) -> str:
        """The folded summary line: how many required questions are left."""
        return left_words(len(self.missing))

    @property
    def colleague(self):
        """The handover when a colleague opened the page, else None."""
        return self.link.handover if self.link else None


def progress_text(stats: Progress, colleague: bool = False) -> str:
    """Say how many required questions are answered."""
    if colleague:
        return ngettext(
            "%(answered)s of your %(num)s required question answered",
            "%(answered)s of your %(num)s required questions answered",
            stats.required,
            answered=stats.answered,
        )
    return ngettext(
        "%(answered)s of %(num)s required question answered",
        "%(answered)s of %(num)s required questions answered",
        stats.required,
        answered=stats.answered,
    )


def form_steps(
    sections: list[tuple[BriefSection, list[BriefField]]], hidden: frozenset[str]
) -> list[Step]:
    """Describe each section as a step: its title and how many of its questions are answered."""
    steps = []
    for section, fields in sections:
        answered, shown = answered_in(fields, hidden)
        text = ngettext(
            "%(answered)s of %(num)s answered",
            "%(answered)s of %(num)s answered",
            shown,
            answered=answered,
        )
        steps.append(Step(section.id, section.title, text, answered == shown, not shown))
    return steps


def left_words(missing: int) -> str:
    """Say how many required questions are left, for the folded summary line."""
    return ngettext("%(num)d left", "%(num)d left", missing)


def file_views(token: str, uploads: list[Upload]) -> list[FileView]:
    """Describe uploaded files with their links."""
    return [
        FileView(
            upload=upload,
            size_text=file_size(upload.size),
            download_url=url_for("client_form.download", token=token, upload_id=upload.id),
            remove_url=url_for("client_form.remove_file", token=token, upload_id=upload.id),
        )
        for upload in uploads
    ]


def _field_view(
    token: str,
    field: BriefField,
    uploads: list[Upload],
    typed: Posted | None,
    error: str | None,
    *,
    conflict: Conflict | None = None,
    comments: list[Comment] | None = None,
    holders: list[str] | None = None,
    hidden: bool = False,
) -> FieldView:
    if conflict is not None and field.type == "long_text":
        # Both texts in the box, to edit into one answer; both are also shown apart.
        raw, not_applicable = conflict.merged, conflict.mine_not_applicable
    elif typed is not None:
        raw, not_applicable = typed.raw, typed.not_applicable
    else:
        raw, not_applicable = field.value, field.not_applicable
    items = raw if isinstance(raw, list) else raw.splitlines()
    return FieldView(
        field=field,
        text=raw if isinstance(raw, str) else "\n".join(raw),
        chosen=frozenset(item.strip() for item in items if item.strip()),
        not_applicable=not_applicable,
        error=error,
        sent_back=is_sent_back(field),
        files=file_views(token, uploads),
        base=field.revision,
        conflict=conflict,
        comments=tuple(comments or ()),
        resolved=field.comments_resolved_at is not None,
        holders=tuple(holders or ()),
        suggested=field.answer_user_id is not None and typed is None and conflict is None,
        hidden=hidden,
    )


def js_texts() -> dict[str, str]:
    """Return the words client.js shows, in the page's language."""
    return {
        "saving": _("Saving…"),
        "uploading": _("Uploading…"),
        "offline": _("Offline — will retry"),
        "notSaved": _("Not saved: %(reason)s"),
        "notSavedShort": _("Not saved."),
        "reload": _("please reload the page and try again."),
        "busy": _("the server is busy, trying again shortly."),
        "failed": _(
            "the server could not save this answer. What you typed stays here and in this "
            "browser; please try again later or tell the agency."
        ),
        "tooBig": _("the files are too large to send at once."),
        "conflict": _("Not saved: this answer was changed meanwhile. Please choose below."),
        "restored": _("Restored what you typed earlier; saving…"),
        "back": _("Back: %(section)s"),
        "next": _("Next: %(section)s"),
    }


def repeated_words(agency_name: str) -> dict[str, Markup]:
    """Return the words every question and section repeats, translated once per page.

    A page of 30 questions asked gettext some 250 times for the same dozen words. These are
    Markup, as Jinja's gettext gives, so `%` in a template escapes only the values put in.
    """

    def word(text: str) -> Markup:
        return Markup(_(text))

    agency = Markup.escape(agency_name) if agency_name else word("the agency")
    return {
        "required": word("required"),
        "example": word("Example: %(example)s"),
        "yes": word("Yes"),
        "no": word("No"),
        "does_not_apply": word("Does not apply to us"),
        "ask": word("Ask a question about this"),
        "resolved": word("resolved"),
        "your_comment": word("Your comment for %(agency)s") % {"agency": agency},
        "send_comment": word("Send comment"),
        "mark_resolved": word("Mark resolved"),
        "hand_section": word("Hand questions of “%(section)s” to a colleague"),
        "to_hand_over": word("Questions to hand over"),
        "colleague_name": word("Colleague's name"),
        "their_email": word("Their e-mail"),
        "note_for_them": word("A note for them (optional)"),
        "handover_explained": word(
            "They get an e-mail with a link that opens only these questions. You still see "
            "their answers here and can withdraw the link at any time."
        ),
        "send_questions": word("Send them the questions"),
    }


def build_page(
    link: Link,
    *,
    errors: dict[int, str] | None = None,
    typed: dict[int, Posted] | None = None,
    conflicts: dict[int, Conflict] | None = None,
    handover_form: HandoverForm | None = None,
    confirm_submit: bool = False,
) -> FormPage:
    """Assemble the form page for a link, with refused values shown as typed."""
    # Whole again if a commit expired it (briefs.whole_brief): read below by other modules.
    brief, token = whole(link.brief), link.token
    errors, typed, conflicts = errors or {}, typed or {}, conflicts or {}
    uploads = uploads_by_field(brief)
    comments = comments_by_field(brief.id)
    # A colleague sees only their own questions, so nothing about the other holders.
    shares = [] if link.is_colleague else holders(brief, brief_handovers(brief.id))
    held_by = holder_names(shares)
    hidden = link.hidden
    sections = [
        (
            section,
            [
                _field_view(
                    token,
                    f,
                    uploads.get(f.id, []),
                    typed.get(f.id),
                    errors.get(f.id),
                    conflict=conflicts.get(f.id),
                    comments=comments.get(f.id),
                    holders=held_by.get(f.id),
                    hidden=f.key in hidden,
                )
                for f in fields
            ],
        )
        for section, fields in link.sections
    ]
    fields = link.fields
    stats = progress(fields, hidden)
    settings = agency_settings()
    agency_name = settings.name
    missing = missing_fields(fields, hidden)
    due = None
    if brief.launch_date is not None:
        due = info_due_date(
            brief.launch_date, brief.work_days, calendar(settings, brief.launch_date)
        )
    return FormPage(
        brief=brief,
        token=token,
        agency_name=agency_name,
        sections=sections,
        progress=stats,
        progress_text=progress_text(stats, link.is_colleague),
        missing=[f for f in missing if not is_sent_back(f)],
        errors=[(f, errors[f.id]) for f in fields if f.id in errors],
        texts=js_texts(),
        words=repeated_words(agency_name),
        link=link,
        holders=shares,
        handover_form=handover_form,
        answers_due=due,
        sent_back=[f for f in fields if f.key not in hidden and is_sent_back(f)],
        confirm_submit=missing if confirm_submit else [],
        reviewer=_reviewer(brief),
        steps=form_steps(link.sections, hidden),
    )


def _reviewer(brief: Brief) -> str:
    """Name who reviews a submitted brief: the person who created it, when known."""
    if brief.status != "submitted" or brief.created_by_id is None:
        return ""
    user = db.session.get(User, brief.created_by_id)
    return user.name if user else ""


def state_json(link: Link) -> dict:
    """Return the link's progress and missing list for the page to update live."""
    fields, hidden = link.fields, link.hidden
    stats = progress(fields, hidden)
    missing = [
        {"id": f.id, "label": f.label}
        for f in fields
        if f.key not in hidden and is_missing(f) and not is_sent_back(f)
    ]
    return {
        "progress": {
            "answered": stats.answered,
            "required": stats.required,
            "percent": stats.percent,
            "text": progress_text(stats, link.is_colleague),
        },
        "left": left_words(len(missing)),
        "missing": missing,
        "hidden": [f.id for f in fields if f.key in hidden],
        "steps": [
            {"id": step.section_id, "text": step.text, "done": step.done}
            for step in form_steps(link.sections, hidden)
        ],
    }


def saved_message(field: BriefField, now: datetime) -> str:
    """Say when the field's answer was saved, in the client's time zone."""
    return _("Saved at %(time)s", time=format_time(field.answered_at or now, "short"))
