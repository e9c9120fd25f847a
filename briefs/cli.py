"""Command-line tools: `flask --app app users create` and friends."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from briefs import clock
from briefs.accounts import AccountError, create_user
from briefs.extensions import db

users = AppGroup("users", help="Manage agency accounts.")


@users.command("create")
@click.option("--email", required=True, help="Sign-in e-mail.")
@click.option("--name", required=True, help="Name shown to the team and to clients.")
def create_user_command(email: str, name: str) -> None:
    """Create an agency user (the first one becomes the owner).

    The password is asked at a prompt, or read as the first line of stdin when piped.
    """
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        click.echo("The password needs at least 8 characters.", err=True)
        sys.exit(1)
    try:
        user = create_user(email=email, name=name, password=password, now=clock.utcnow())
    except AccountError as error:
        click.echo(f"Not created: {error}.", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Created {user.email}{' (owner)' if user.is_owner else ''}.")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(users)
