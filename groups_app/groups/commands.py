"""`flask --app groups_app groups ...`: upkeep to run from cron, and the starter topic bank."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from .services.meetings import extend_all
from .services.reminders import remind_tomorrow
from .services.topics import import_topics

cli = AppGroup("groups", help="Support groups upkeep.")


@cli.command("extend")
def extend():
    """Create each group's regular meetings up to the planning horizon (run daily)."""
    click.echo(f"{extend_all()} meetings created.")


@cli.command("remind-tomorrow")
def remind_tomorrow_command():
    """Remind members of tomorrow's meetings by text or email, once, after TEXT_REMINDER_TIME (run every 15 minutes)."""
    result = remind_tomorrow()
    if not result.due:
        click.echo("Not yet: reminders go out after TEXT_REMINDER_TIME on the program's clock.")
    else:
        click.echo(f"{result.members} members of {result.meetings} meetings reminded.")


def import_topics_part(folder: Path) -> list[str]:
    added, updated = import_topics(folder / "topics.csv")
    return [f"Topic texts: {added} added, {updated} updated."]
