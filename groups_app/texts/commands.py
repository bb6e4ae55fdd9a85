"""`flask texts send [--loop]`: the texts' sender; `flask texts failed`: what could not be sent."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..core.commands import keep_sending, mail_round, said
from ..core.mail import FAILED
from ..core.timeutil import aware
from ..extensions import db
from .models import OutgoingText
from .sender import deliver_due

texts = AppGroup("texts", help="Send the queued text messages (the text_outbox table) and list those that failed.")


@texts.command("send")
@click.option("--loop", is_flag=True, help="Keep running: send what is due every TEXT_POLL_SECONDS (a worker). "
                                           "With --mail it sends the mail too, so one worker does both.")
@click.option("--mail", "with_mail", is_flag=True, help="Also send the queued mail each round.")
def send(loop: bool, with_mail: bool):
    """Send the queued texts that are due, once (for cron, every minute), or with --loop as a worker."""

    def one_round(quiet: bool = False) -> None:
        done = deliver_due()
        if not quiet or done.sent or done.retrying or done.failed:
            click.echo(said("Texts", done))
        if with_mail:
            mail_round(quiet)

    if loop:
        keep_sending("Texts", current_app.config["TEXT_POLL_SECONDS"], lambda: one_round(quiet=True))
    else:
        one_round()


@texts.command("failed")
def failed():
    """List the texts that could not be sent (never their words)."""
    rows = db.session.scalars(select(OutgoingText).where(OutgoingText.status == FAILED)
                              .order_by(OutgoingText.created_at.desc()).limit(1000)).all()
    if not rows:
        click.echo("No text failed.")
    for text in rows:
        click.echo(f"{text.id:5}  {aware(text.created_at):%Y-%m-%d %H:%M} UTC  {text.to}  {text.kind}"
                   f"  [{text.attempts} tries: {text.last_error}]")


@texts.command("templates")
@click.option("--public-url", default=None, help="Build links from this address (default: the app's PUBLIC_URL; "
                                                 "the test assumes 30 characters).")
def templates(public_url: str | None):
    """Print each text template's segments in each language, with the longest realistic values."""
    from .template_budget import report

    for line in report(public_url or current_app.config["PUBLIC_URL"]):
        click.echo(line)
