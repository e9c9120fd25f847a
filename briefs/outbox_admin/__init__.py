"""The outbox page and the chasing settings: reminder policy, holidays, wording."""

from flask import Blueprint

bp = Blueprint("outbox_admin", __name__)

from briefs.outbox_admin import routes  # noqa: E402,F401  (routes attach themselves to bp)
