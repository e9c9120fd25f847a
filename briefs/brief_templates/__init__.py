"""Templates: build, import, export and archive questionnaires."""
