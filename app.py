"""Entry point: `flask --app app run` and friends."""

from briefs import create_app

app = create_app()
