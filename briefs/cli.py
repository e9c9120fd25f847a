"""Command-line tools: `flask --app app users create`, `send-due`, `backup` and friends."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

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


@click.command("send-due")
@click.option("--dry-run", is_flag=True, help="List what would go out, change nothing.")
@click.option("--now", "now_text", metavar="ISO-TIME", help="Evaluate the schedule at this time.")
def send_due_command(dry_run: bool, now_text: str | None) -> None:
    """Queue due reminders, escalations and digests, then deliver the outbox."""
    from briefs.mail import send_due

    now = clock.utcnow()
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError:
            click.echo(f"--now: not an ISO time: {now_text}", err=True)
            sys.exit(2)
        now = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    started = time.monotonic()
    report = send_due.run(now, dry_run=dry_run, wall=clock.utcnow)
    if not dry_run:
        from flask import current_app

        from briefs.observability import record_send_due

        record_send_due(
            current_app.instance_path,
            seconds=time.monotonic() - started,
            finished_at=clock.utcnow(),
            report=report,
        )
    if dry_run:
        # One line per mail, folded as a real run folds (one mail per person per run).
        for line in report.preview:
            click.echo(str(line))
        if not report.planned and not report.due:
            click.echo("Nothing is due.")
        return
    for message in report.queued:
        click.echo(f"queued {message.kind} to {', '.join(message.to_addrs)}: {message.subject}")
    if report.smtp_configured:
        click.echo(
            f"delivered {report.delivered}, failed {report.failed}, "
            f"unconfirmed {report.unconfirmed}"
        )
    else:
        click.echo(f"{len(report.due)} message(s) wait in the outbox: SMTP_URL is not set")
    if report.webhooks.delivered or report.webhooks.failed:
        click.echo(
            f"webhooks delivered {report.webhooks.delivered}, failed {report.webhooks.failed}"
        )
    telegram = report.telegram
    if telegram.sent or telegram.failed or telegram.linked:
        click.echo(
            f"telegram sent {telegram.sent}, failed {telegram.failed}, "
            f"chats linked {len(telegram.linked)}"
        )


#: What each kind of break means, for the person reading verify-log's output.
_BREAK_REASONS = {
    "content": "its content does not match its hash (edited?)",
    "prev_hash": "it does not follow the event before it (an event deleted or reordered?)",
    "value": "the value it wrote was changed afterwards (answer, comment or review edited?)",
}


@click.command("verify-log")
@click.option(
    "--head",
    "expected_head",
    metavar="HASH",
    help="A head hash recorded elsewhere (a digest, an export): it must still be in the log.",
)
def verify_log_command(expected_head: str | None) -> None:
    """Check the event log's hash chain and name every broken link."""
    from briefs.event_log import check_log
    from briefs.models import Event

    report = check_log(expected_head.strip().lower() if expected_head else None)
    if report.holds:
        click.echo(f"The log holds: {report.count} events, head {report.head or '(empty)'}")
        if report.head_at is not None:
            click.echo(
                f"The head given is event {report.head_at} of {report.count}: "
                f"{report.count - report.head_at} event(s) were added since."
            )
        return
    for broken in report.breaks:
        if broken.reason == "head":
            click.echo(
                f"The head given ({broken.detail}) is not in the log: events were removed "
                "from its end, or the chain was recomputed.",
                err=True,
            )
            continue
        event = db.session.get(Event, broken.event_id)
        what = _BREAK_REASONS[broken.reason]
        if broken.detail == "gone":
            what = "the value it wrote is no longer stored (deleted?)"
        click.echo(
            f"Broken at event {broken.event_id} ({event.kind}, brief {event.brief_id}, "
            f"{event.created_at.isoformat()}): {what}.",
            err=True,
        )
    click.echo(f"{len(report.breaks)} break(s) in {report.count} events.", err=True)
    sys.exit(1)


@click.command("sweep-uploads")
def sweep_uploads_command() -> None:
    """Delete upload files no current upload owns (left by a crash), older than an hour."""
    from datetime import timedelta

    from briefs.uploads import sweep

    cutoff = clock.utcnow() - timedelta(hours=1)
    deleted = sweep(older_than=cutoff)
    db.session.commit()
    click.echo(f"Deleted {len(deleted)} file(s) no upload owns.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path: str) -> None:
    """Write the database and every uploaded file to one archive at PATH (.tar.gz)."""
    from briefs.backup import BackupError, backup

    try:
        manifest = backup(path, now=clock.utcnow())
    except BackupError as error:
        click.echo(f"No backup written: {error}.", err=True)
        sys.exit(1)
    rows = sum(manifest["rows"].values())
    click.echo(f"Backed up {rows} rows and {manifest['files']} file(s) to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the data.")
def restore_command(path: str, yes: bool) -> None:
    """Replace the database and the uploads with a backup archive's (stop the app first)."""
    from briefs.backup import BackupError, restore

    if not yes:
        click.confirm(
            "This replaces the whole database and every uploaded file. Continue?", abort=True
        )
    try:
        manifest = restore(path)
    except BackupError as error:
        click.echo(f"Nothing restored: {error}.", err=True)
        sys.exit(1)
    rows = sum(manifest["rows"].values())
    click.echo(
        f"Restored {rows} rows and {manifest['files']} file(s) "
        f"from the backup of {manifest['created_at']}."
    )


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(users)
    app.cli.add_command(send_due_command)
    app.cli.add_command(verify_log_command)
    app.cli.add_command(sweep_uploads_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
