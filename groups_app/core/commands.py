"""Core commands: sending the mail outbox, reading the outbox folder, backup and restore, and the
starter-content import that each feature adds to."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..extensions import db
from . import backup
from .extension_points import starter_content
from .mail import deliver_due, failed_mail, outbox_messages
from .timeutil import aware

mail = AppGroup("mail", help="Send the queued mail (the mail_outbox table), and list what could not be sent.")
outbox = AppGroup("outbox", help="Read the mail written to instance/outbox when no MAIL_SERVER is set.")
content = AppGroup("content", help="Starter content from the library/ folder (localities, topics, leaflets, books).")


def said(what: str, done) -> str:
    """One line on a sender's round: "Mail: 2 sent, 0 to try again later, 0 failed."."""
    return f"{what}: {done.sent} sent, {done.retrying} to try again later, {done.failed} failed."


def keep_sending(what: str, pause: int, one_round: Callable[[], None]) -> None:
    """A sender as a worker: a round every `pause` seconds until Ctrl-C. A failed round (the database
    restarting, say) is said and rolled back, and the next round tries again."""
    click.echo(f"Sending {what.lower()} every {pause} seconds; stop with Ctrl-C.")
    try:
        while True:
            try:
                one_round()
            except Exception as error:  # noqa: BLE001 - the database may be restarting: try again next round
                click.echo(f"{what}: this round failed ({type(error).__name__}); trying again.", err=True)
                db.session.rollback()
            finally:
                db.session.remove()
            time.sleep(pause)
    except KeyboardInterrupt:
        click.echo("Stopped.")


def mail_round(quiet: bool = False) -> None:
    """Send the mail that is due; say so unless `quiet` and nothing happened."""
    done = deliver_due()
    if not quiet or done.sent or done.retrying or done.failed:
        click.echo(said("Mail", done))


@mail.command("send")
@click.option("--loop", is_flag=True, help="Keep running: send what is due every MAIL_POLL_SECONDS (a worker).")
def mail_send(loop: bool):
    """Send the queued messages that are due, once (for cron, every minute), or with --loop as a worker."""
    if loop:
        keep_sending("Mail", current_app.config["MAIL_POLL_SECONDS"], lambda: mail_round(quiet=True))
    else:
        mail_round()


@mail.command("failed")
def mail_failed():
    """List the messages that could not be sent (an admin can send them again from the admin pages)."""
    failed = failed_mail(per_page=1000).items
    if not failed:
        click.echo("No message failed.")
    for message in failed:
        click.echo(f"{message.id:5}  {aware(message.created_at):%Y-%m-%d %H:%M} UTC  {message.to}  {message.subject}"
                   f"  [{message.attempts} tries: {message.last_error}]")


def _deliver_to_folder() -> None:
    """Without MAIL_SERVER, sending means writing to the folder: do it before reading it."""
    if not current_app.config["MAIL_SERVER"]:
        deliver_due()


@outbox.command("list")
def outbox_list():
    """List the messages in the outbox, oldest first (sending what is queued first when no MAIL_SERVER is set)."""
    _deliver_to_folder()
    messages = outbox_messages()
    if not messages:
        click.echo("The outbox is empty.")
    for number, message in enumerate(messages, 1):
        click.echo(f"{number:3}  {message.date}  {message.to}  {message.subject}")


@outbox.command("show")
@click.argument("number", type=int, default=0)
def outbox_show(number: int):
    """Print message NUMBER (from `outbox list`); the newest when left out."""
    _deliver_to_folder()
    messages = outbox_messages()
    if not messages:
        raise click.ClickException("The outbox is empty.")
    message = messages[number - 1] if number else messages[-1]
    click.echo(f"To: {message.to}\nSubject: {message.subject}\nDate: {message.date}\n\n{message.body}")


@click.command("backup")
@click.option("--to", "destination", type=click.Path(path_type=Path), default=None,
              help="The archive to write, or a folder to put it in (default: BACKUP_DIR, instance/backups).")
@click.option("--keep-days", type=click.IntRange(min=1), default=None,
              help="Then delete the archives in that folder older than this many days (never the newest).")
def backup_command(destination: Path | None, keep_days: int | None):
    """Write one archive: a consistent copy of the database, a manifest of its tables, the leaflet files."""
    folder = Path(current_app.config["BACKUP_DIR"])
    try:
        done = backup.backup(destination, database_url=current_app.config["SQLALCHEMY_DATABASE_URI"],
                             backups_folder=folder, files=backup.files_folder(current_app))
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {done.path}: {len(done.tables)} tables, {done.rows} rows, {done.files} files.")
    if keep_days:
        for gone in backup.prune(done.path.parent, keep_days):
            click.echo(f"Deleted {gone.name} (older than {keep_days} days).")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds data: everything in it now is lost.")
def restore_command(archive: Path, force: bool):
    """Bring back a backup ARCHIVE into the app's database, which must be empty, and check it against its manifest."""
    db.session.remove()
    db.engine.dispose()  # no connection of ours holds the database while it is replaced
    try:
        done = backup.restore(archive, database_url=current_app.config["SQLALCHEMY_DATABASE_URI"],
                              files=backup.files_folder(current_app), force=force)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {done.path.name}: {len(done.tables)} tables, {done.rows} rows and {done.files} files, "
               "each the same as in the backup's manifest.")


@content.command("import")
@click.option("--folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The library folder (default: the project's library/).")
def content_import(folder: Path | None):
    """Import or update every feature's starter content; re-running updates, never duplicates."""
    folder = folder or Path(current_app.config["LIBRARY_DIR"])
    for lines in starter_content.collect(folder):
        for line in lines:
            click.echo(line, err=line.startswith("  "))


def import_localities_part(folder: Path) -> list[str]:
    from .places import import_localities

    added, updated = import_localities(folder / "localities.csv")
    return [f"Localities: {added} added, {updated} updated."]


def init_app(app: Flask) -> None:
    app.cli.add_command(mail)
    app.cli.add_command(outbox)
    app.cli.add_command(content)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    starter_content.connect(app, import_localities_part)
