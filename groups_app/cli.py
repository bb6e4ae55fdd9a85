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


@click.command("bench-data")
@with_appcontext
@click.option("--scale", type=click.Choice(["large", "small"]), default="small", show_default=True,
              help="large: 300 groups, 15,000 mothers, 250,000 attendances, 5,000 books; small: a twentieth.")
@click.option("--seed", type=int, default=13, show_default=True, help="The same seed builds the same program.")
def bench_data(scale: str, seed: int):
    """Fill an empty, migrated throw-away database with a program-sized data set, for `make bench`."""
    import time

    from .bench import SCALES, BenchRefused, build

    started = time.perf_counter()
    try:
        counts = build(SCALES[scale], seed=seed)
    except BenchRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    made = ", ".join(f"{n:,} {table}" for table, n in counts.items())
    click.echo(f"Bench data ({scale}) built in {time.perf_counter() - started:.0f} s: {made}.")
