"""Routes of the briefs_admin blueprint."""

from briefs.briefs_admin import bp  # noqa: F401
