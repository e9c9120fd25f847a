"""Turn a brief in the database into the plain data the Markdown export is written from.

`brief_export_markdown` writes it: the page's export, the ZIP's brief.md and the API's
export.md are the one text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from briefs.accounts import agency_settings
from briefs.chase_policy import zone
from briefs.extensions import db
from briefs.models import Brief, BriefField, BriefSection, Upload
from briefs.rules.answers import plain_number
from briefs.rules.markdown_export import (
    ExportBrief,
    ExportField,
    ExportFile,
    ExportSection,
    ExportWords,
    brief_markdown,
)


def load_brief_for_export(brief_id: int) -> Brief:
    """Fetch a brief with its client, sections and fields, or raise 404."""
    return db.get_or_404(
        Brief,
        brief_id,
        options=[
            selectinload(Brief.client),
            selectinload(Brief.sections).selectinload(BriefSection.fields),
        ],
    )


def server_file_url(upload: Upload) -> str:
    """Link a file to its download on the server."""
    return url_for(
        "briefs_admin.download_upload",
        brief_id=upload.brief_id,
        upload_id=upload.id,
        _external=True,
    )


def brief_export_markdown(brief: Brief, in_zip: dict[int, str] | None = None) -> str:
    """Write the brief's export in the brief's own language.

    `in_zip` maps upload ids to their paths inside a ZIP: those files link to their copy
    there; any other file links to the server.
    """
    in_zip = in_zip or {}

    def file_url(upload: Upload) -> str:
        return in_zip.get(upload.id) or server_file_url(upload)

    data = export_data(brief, file_url)
    with force_locale(brief.locale):
        return brief_markdown(data, export_words())


def export_data(brief: Brief, file_url: Callable[[Upload], str]) -> ExportBrief:
    """Build the export's data from a loaded brief; `file_url` links each upload."""
    uploads = db.session.scalars(
        db.select(Upload).where(Upload.brief_id == brief.id, Upload.removed_at.is_(None))
    ).all()
    by_id = {upload.id: upload for upload in uploads}
    agency_zone = zone(agency_settings().timezone)
    return ExportBrief(
        title=brief.title,
        client_name=brief.client.name,
        created=_local_day(brief.created_at, agency_zone),
        sent=_local_day(brief.sent_at, agency_zone),
        submitted=_local_day(brief.submitted_at, agency_zone),
        launch=brief.launch_date,
        sections=tuple(
            ExportSection(
                title=section.title,
                fields=tuple(
                    _field(field, by_id, file_url, brief.locale) for field in section.fields
                ),
            )
            for section in brief.sections
        ),
    )


def _field(
    field: BriefField,
    uploads: dict[int, Upload],
    file_url: Callable[[Upload], str],
    locale: str,
) -> ExportField:
    """Copy one field, resolving a file field's upload ids to links."""
    files: tuple[ExportFile, ...] = ()
    if field.type == "file":
        ids = [int(part) for part in field.value.split() if part.isdigit()]
        files = tuple(
            ExportFile(name=uploads[i].original_name, url=file_url(uploads[i]))
            for i in ids
            if i in uploads and uploads[i].field_id == field.id
        )
    return ExportField(
        label=field.label,
        key=field.key,
        condition=field.condition,
        type=field.type,
        required=field.required,
        value=field.value,
        not_applicable=field.not_applicable,
        review_verdict=field.review_verdict,
        review_comment=field.review_comment,
        files=files,
        number=plain_number(field.value, locale) if field.type == "number" else "",
    )


def _local_day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    """Return the agency's calendar day of a stored UTC time."""
    return moment.astimezone(zone).date() if moment else None


def export_words() -> ExportWords:
    """Return the export's fixed words in the current locale (wrap in force_locale)."""
    return ExportWords(
        client=_("Client:"),
        created=_("Created:"),
        sent=_("Sent to the client:"),
        submitted=_("Submitted:"),
        launch_date=_("Launch date:"),
        not_yet=_("Not yet"),
        progress=_progress_sentence(),
        yes=_("Yes"),
        no=_("No"),
        missing=_("Missing"),
        not_applicable=_("Not applicable"),
        no_answer_optional=_("No answer (optional)"),
        changes_requested=_("The agency asked for changes"),
    )


def _progress_sentence() -> Callable[[int, int, int], str]:
    """Return a function writing the completeness sentence in the current locale."""
    locale = str(get_locale() or "en")

    def sentence(answered: int, required: int, missing: int) -> str:
        # The renderer calls this later; keep the language the words were made in.
        with force_locale(locale):
            return ngettext(
                "Answered %(answered)s of %(num)s required question; %(missing)s missing.",
                "Answered %(answered)s of %(num)s required questions; %(missing)s missing.",
                required,
                answered=answered,
                missing=missing,
            )

    return sentence
