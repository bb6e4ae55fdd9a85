"""`flask --app groups_app groups ...`: upkeep to run from cron."""
from __future__ import annotations

import click
from flask import Flask


def register(app: Flask) -> None:
    @app.cli.group()
    def groups():
        """Support groups upkeep."""

    @groups.command("extend")
    def extend():
        """Create each group's regular meetings up to the planning horizon (run daily)."""
        from .services.meetings import extend_all

        click.echo(f"{extend_all()} meetings created.")
