"""The client's form behind a secret link: /c/<token>."""

from flask import Blueprint

bp = Blueprint("client_form", __name__)

from briefs.client_form import routes  # noqa: E402,F401  (routes attach themselves to bp)
