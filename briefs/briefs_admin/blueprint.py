"""The URLs of the briefs_admin blueprint; the views live in routes, sending, collaboration."""

from __future__ import annotations

from flask import Blueprint

from briefs.briefs_admin import collaboration, reviewing, routes, sending

bp = Blueprint("briefs_admin", __name__)

_BRIEF = "/briefs/<int:brief_id>"
_FIELD = f"{_BRIEF}/fields/<int:field_id>"

# One brief: create, show, edit, share its link, review, close.
bp.add_url_rule("/briefs/new", view_func=routes.new_brief, methods=["GET", "POST"])
bp.add_url_rule(_BRIEF, view_func=routes.brief, methods=["GET"])
bp.add_url_rule(f"{_BRIEF}/edit", view_func=routes.edit_details, methods=["GET", "POST"])
bp.add_url_rule(f"{_BRIEF}/sent", view_func=routes.mark_sent, methods=["POST"])
bp.add_url_rule(
    f"{_BRIEF}/link/regenerate", view_func=routes.regenerate_link, methods=["GET", "POST"]
)
bp.add_url_rule(f"{_BRIEF}/close", view_func=routes.close, methods=["POST"])
bp.add_url_rule(f"{_BRIEF}/reopen", view_func=routes.reopen, methods=["POST"])
bp.add_url_rule(f"{_FIELD}/review", view_func=routes.review, methods=["POST"])
bp.add_url_rule(f"{_BRIEF}/accept-shown", view_func=reviewing.accept_shown, methods=["POST"])
bp.add_url_rule(
    f"{_BRIEF}/files/<int:upload_id>", view_func=routes.download_upload, methods=["GET"]
)

# Sending by e-mail and the brief's own reminder settings.
bp.add_url_rule(f"{_BRIEF}/send", view_func=sending.send_by_email, methods=["POST"])
bp.add_url_rule(f"{_BRIEF}/reminders", view_func=sending.reminder_settings, methods=["POST"])

# Working together: assign questions, withdraw links, comment, suggest answers.
bp.add_url_rule(f"{_BRIEF}/handovers", view_func=collaboration.assign, methods=["POST"])
bp.add_url_rule(
    f"{_BRIEF}/handovers/<int:handover_id>/withdraw",
    view_func=collaboration.withdraw_handover,
    methods=["POST"],
)
bp.add_url_rule(f"{_FIELD}/comments", view_func=collaboration.comment, methods=["POST"])
bp.add_url_rule(f"{_FIELD}/resolve", view_func=collaboration.resolve_thread, methods=["POST"])
bp.add_url_rule(f"{_FIELD}/prefill", view_func=collaboration.prefill_field, methods=["POST"])
