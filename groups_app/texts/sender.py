"""Sending the queued texts (`flask texts send`): claimed like mail (core.mail.claim_next), tried
again with back-off, failed after TEXT_MAX_ATTEMPTS, and never sent twice.

The window between the provider's "accepted" and our "sent" (a crash, a lost answer) is closed
from our side: `attempts` is committed before each try, so a text that comes back to the queue
with attempts > 0 may have left; before sending it again the sender asks the provider whether it
already took it (Gateway.find) and, if so, only records it as sent.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import update

from ..core.mail import FAILED, QUEUED, SENDING, SENT, backoff, claim_next, requeue_abandoned
from ..core.timeutil import aware, utcnow
from ..extensions import db
from .gateways import Gateway, GatewayRefused, GatewayUnavailable, gateway_for
from .models import OutgoingText
from .outbox import after_quiet_hours


@dataclass
class Delivery:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _finish(text: OutgoingText, **values) -> bool:
    """Write the outcome, if the row is still ours (still being sent): one conditional UPDATE."""
    done = db.session.execute(
        update(OutgoingText).where(OutgoingText.id == text.id, OutgoingText.status == SENDING).values(**values)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return done.rowcount == 1


def _mark_sent(text: OutgoingText, provider_id: str) -> bool:
    # Her number and the words go once sent: the row stays for the month's counts, what she was told need not.
    return _finish(text, status=SENT, sent_at=utcnow(), provider_message_id=provider_id[:64] or None,
                   last_error=None, body="", to="")


def _forget_deleted_accounts() -> None:
    """Texts of an account deleted since they were queued: never sent, and no number or words kept."""
    gone = OutgoingText.user_id.is_(None)
    db.session.execute(update(OutgoingText).where(gone, OutgoingText.status == QUEUED)
                       .values(status=FAILED, last_error="her account was deleted")
                       .execution_options(synchronize_session=False))
    db.session.execute(update(OutgoingText).where(gone, OutgoingText.status != SENDING, OutgoingText.to != "")
                       .values(to="", body="").execution_options(synchronize_session=False))
    db.session.commit()


def _try(text: OutgoingText, gateway: Gateway, now: datetime) -> tuple[str, bool]:
    """Send one claimed text: ('sent' | 'retrying' | 'failed', whether the provider is out of reach)."""
    may_have_left = text.attempts > 0
    text.attempts += 1  # committed before the provider hears of it: see the module's docstring
    db.session.commit()
    try:
        found = gateway.find(text.to, text.body, aware(text.created_at)) if may_have_left else None
        result = found or gateway.send(text.to, text.body).provider_message_id
    except GatewayRefused as refusal:
        _finish(text, status=FAILED, last_error=_short(f"refused: {refusal}"), undeliverable=refusal.about_recipient)
        return "failed", False
    except GatewayUnavailable as error:
        if text.attempts >= current_app.config["TEXT_MAX_ATTEMPTS"]:
            _finish(text, status=FAILED, last_error=_short(str(error)))
            return "failed", True
        later = now + backoff(text.attempts)
        _finish(text, status=QUEUED, last_error=_short(str(error)),
                next_attempt_at=later if text.urgent else after_quiet_hours(later))
        return "retrying", True
    _mark_sent(text, result)
    return "sent", False


def _short(text: str) -> str:
    secret = current_app.config.get("TEXT_API_KEY")
    if secret:
        text = text.replace(secret, "***")
    return " ".join(text.split())[:200]


def deliver_due(now: datetime | None = None, limit: int = 100, gateway: Gateway | None = None) -> Delivery:
    """Send up to `limit` due texts. When the provider cannot be reached the round stops (the rest
    wait for the next one). Safe to run in several processes at once."""
    now = now or utcnow()
    gateway = gateway or gateway_for(current_app.config)
    delivery = Delivery()
    _forget_deleted_accounts()
    requeue_abandoned(OutgoingText, now, keep_sent=None)  # sent rows are kept: they are the month's counts
    for _ in range(limit):
        text = claim_next(OutgoingText, now)
        if text is None:
            break
        outcome, out_of_reach = _try(text, gateway, now)
        setattr(delivery, outcome, getattr(delivery, outcome) + 1)
        if out_of_reach:
            break
    return delivery
