"""Routes of the exports blueprint."""

from briefs.exports import bp  # noqa: F401
