"""Routes of the timeline blueprint (placeholder until the timeline lands)."""

from briefs.timeline import bp  # noqa: F401
