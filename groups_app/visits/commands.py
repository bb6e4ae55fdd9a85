"""`flask --app groups_app visits ...`: escalating concerns, reminding the next visit, closing cases at the
first birthday, anonymising."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .services import cases, concerns, next_visit, privacy

cli = AppGroup("visits", help="Home-visit upkeep.")


@cli.command("escalate")
def escalate():
    """Send concerns not acknowledged within CONCERN_ACK_HOURS to every coordinator, once (run every 15 minutes)."""
    click.echo(f"{concerns.escalate_overdue()} concerns escalated to the coordinators.")


@cli.command("remind")
def remind():
    """Remind each mother of her volunteer's visit tomorrow, once, after TEXT_REMINDER_TIME (run every 15 minutes)."""
    result = next_visit.remind_next_visits()
    if not result.due:
        click.echo("Not yet: reminders go out after TEXT_REMINDER_TIME on the program's clock.")
    else:
        click.echo(f"{result.mothers} mothers reminded of tomorrow's visit.")


@cli.command("close-ended")
def close_ended():
    """Close the active cases whose baby had her first birthday (run daily)."""
    click.echo(f"{cases.close_ended()} cases closed at the baby's first birthday.")


@cli.command("anonymise")
@click.option("--years", type=int, default=None, help="Cases closed longer ago than this (default CASE_RETENTION_YEARS).")
def anonymise(years):
    """Clear the notes and names of cases closed longer ago than CASE_RETENTION_YEARS; the counts stay."""
    click.echo(f"{privacy.anonymise_old_cases(years)} closed cases anonymised.")
