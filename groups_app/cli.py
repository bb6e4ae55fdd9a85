"""`flask --app groups_app ...` commands: outbox, demo data, library import."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app


def register(app: Flask) -> None:
    @app.cli.group()
    def outbox():
        """Read the mail written to instance/outbox when no MAIL_SERVER is set."""

    @outbox.command("list")
    def outbox_list():
        """List the messages in the outbox, oldest first."""
        from .core.mail import outbox_messages

        messages = outbox_messages()
        if not messages:
            click.echo("The outbox is empty.")
        for number, message in enumerate(messages, 1):
            click.echo(f"{number:3}  {message.date}  {message.to}  {message.subject}")

    @outbox.command("show")
    @click.argument("number", type=int, default=0)
    def outbox_show(number: int):
        """Print message NUMBER (from `outbox list`); the newest when left out."""
        from .core.mail import outbox_messages

        messages = outbox_messages()
        if not messages:
            raise click.ClickException("The outbox is empty.")
        message = messages[number - 1] if number else messages[-1]
        click.echo(f"To: {message.to}\nSubject: {message.subject}\nDate: {message.date}\n\n{message.body}")

    @app.cli.command()
    @click.option("--once", is_flag=True, help="Do nothing (and succeed) when the demo data is already loaded.")
    def demo(once: bool):
        """Create believable demo data for every role. Refuses to run twice or in production."""
        from .demo import DemoRefused, load_demo

        try:
            accounts = load_demo(production=current_app.config["PRODUCTION"])
        except DemoRefused as refusal:
            if once and refusal.already_loaded:
                click.echo("Demo data is already loaded.")
                return
            raise click.ClickException(str(refusal)) from None
        click.echo("Demo data loaded. Accounts (password for all: see README):")
        for email, roles in accounts:
            click.echo(f"  {email:32} {roles}")

    @app.cli.group()
    def library():
        """Starter content from the library/ folder."""

    @library.command("import")
    @click.option("--folder", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="The library folder (default: the project's library/).")
    def library_import(folder: Path | None):
        """Import or update localities, discussion topics, leaflets and books from library/; re-running updates."""
        from .core.places import import_localities
        from .groups.services.topics import import_topics

        folder = folder or Path(current_app.config["LIBRARY_DIR"])
        added, updated = import_localities(folder / "localities.csv")
        click.echo(f"Localities: {added} added, {updated} updated.")
        added, updated = import_topics(folder / "topics.csv")
        click.echo(f"Topic texts: {added} added, {updated} updated.")
        from .leaflets.importer import import_leaflets

        report = import_leaflets(folder / "leaflets")
        click.echo(f"Leaflet versions: {report.added} added, {report.updated} updated, {report.unchanged} unchanged.")
        for problem in report.problems:
            click.echo(f"  not imported: {problem}", err=True)
        from .library.services.catalogue import import_books

        books = import_books(folder / "books.csv")
        click.echo(f"Books: {books.added} added, {books.updated} updated, {books.unchanged} unchanged.")
        for line, message in books.errors:
            click.echo(f"  books.csv line {line}: {message}", err=True)

    @library.command("remind")
    def library_remind():
        """Lapse holds that waited too long, then send due-soon and overdue reminders, each once (run daily)."""
        from .library.services.circulation import lapse_holds, send_reminders

        lapsed = lapse_holds()
        sent = send_reminders()
        click.echo(f"{lapsed} holds lapsed; {sent['due_soon']} due-soon and {sent['overdue']} overdue reminders sent.")
