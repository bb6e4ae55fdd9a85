"""Core commands: the mail outbox, and the starter-content import that each feature adds to."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .extension_points import starter_content
from .mail import outbox_messages

outbox = AppGroup("outbox", help="Read the mail written to instance/outbox when no MAIL_SERVER is set.")
content = AppGroup("content", help="Starter content from the library/ folder (localities, topics, leaflets, books).")


@outbox.command("list")
def outbox_list():
    """List the messages in the outbox, oldest first."""
    messages = outbox_messages()
    if not messages:
        click.echo("The outbox is empty.")
    for number, message in enumerate(messages, 1):
        click.echo(f"{number:3}  {message.date}  {message.to}  {message.subject}")


@outbox.command("show")
@click.argument("number", type=int, default=0)
def outbox_show(number: int):
    """Print message NUMBER (from `outbox list`); the newest when left out."""
    messages = outbox_messages()
    if not messages:
        raise click.ClickException("The outbox is empty.")
    message = messages[number - 1] if number else messages[-1]
    click.echo(f"To: {message.to}\nSubject: {message.subject}\nDate: {message.date}\n\n{message.body}")


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
    app.cli.add_command(outbox)
    app.cli.add_command(content)
    starter_content.connect(app, import_localities_part)
