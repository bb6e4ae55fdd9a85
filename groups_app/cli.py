"""`flask --app groups_app demo`: believable demo data across every feature."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from .demo import DemoRefused, load_demo


@click.command()
@with_appcontext
@click.option("--once", is_flag=True, help="Do nothing (and succeed) when the demo data is already loaded.")
def demo(once: bool):
    """Create believable demo data for every role. Refuses to run twice or in production."""
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
