"""The decision-maker's read-only status page, /s/<token>."""
