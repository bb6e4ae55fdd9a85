"""`flask --app groups_app library ...`: the daily reminders, and the starter book catalogue."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from .services.catalogue import import_books
from .services.circulation import lapse_holds, send_reminders

cli = AppGroup("library", help="The lending library's upkeep.")


@cli.command("remind")
def remind():
    """Lapse holds that waited too long, then send due-soon and overdue reminders, each once (run daily)."""
    lapsed = lapse_holds()
    sent = send_reminders()
    click.echo(f"{lapsed} holds lapsed; {sent['due_soon']} due-soon and {sent['overdue']} overdue reminders sent.")


def import_books_part(folder: Path) -> list[str]:
    books = import_books(folder / "books.csv")
    lines = [f"Books: {books.added} added, {books.updated} updated, {books.unchanged} unchanged."]
    return lines + [f"  books.csv line {line}: {message}" for line, message in books.errors]
