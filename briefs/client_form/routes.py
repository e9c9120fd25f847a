"""Routes of the client_form blueprint."""

from briefs.client_form import bp  # noqa: F401
