"""A text a mother sent to the program's number, through the provider's signed webhook: STOP (in
her language) switches her to home-page-only and confirms once; anything else is only logged."""
from __future__ import annotations

import unicodedata

from flask import current_app
from sqlalchemy import select, update

from ...accounts.models import User
from ...core import audit
from ...core.mail import FAILED, QUEUED, public_url
from ...core.notify import render_text
from ...core.phones import e164_or_none
from ...core.timeutil import today
from ...extensions import db
from ..models import InboundText, OutgoingText
from ..outbox import queue_text

# What a mother may reply, in the app's six languages, compared without case, spaces,
# punctuation, vowel marks or the Arabic tatweel, and with every Arabic alef as a bare alef.
STOP_WORDS = ("STOP", "UNSUBSCRIBE", "עצור", "הסר", "توقف", "إيقاف", "СТОП", "አቁም", "ALTO", "BAJA")
_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ـ": None})


class MalformedInbound(ValueError):
    """The webhook's body lacks what every inbound text has (From, Body)."""


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_ALEFS)
    kept = (ch for ch in text if not unicodedata.category(ch).startswith(("M", "P", "Z", "C", "S")))
    return "".join(kept).casefold()


_STOP = frozenset(_plain(word) for word in STOP_WORDS)


def is_stop(body: str) -> bool:
    return _plain(body) in _STOP


def receive(params) -> InboundText:
    """Handle one inbound text (the webhook's form, already verified) and commit. Raises
    MalformedInbound when From or Body is missing."""
    sender, body = params.get("From"), params.get("Body")
    if sender is None or body is None:
        raise MalformedInbound("From and Body are required")
    sender, body = sender.replace("\x00", "").strip(), body.replace("\x00", "")
    e164 = e164_or_none(sender)
    user = db.session.scalar(select(User).where(User.phone == e164)) if e164 else None
    if user is None:
        action = "unknown_number"
        current_app.logger.info("texts: an inbound text from a number no account has")
    elif is_stop(body):
        action = "stop"
        stop_texts(user)
    else:
        action = "ignored"
    record = InboundText(from_number=(e164 or sender)[:32], body=body[:320], user_id=user.id if user else None,
                         action=action, provider_message_id=(params.get("MessageSid") or "")[:64] or None)
    db.session.add(record)
    db.session.commit()
    return record


def stop_texts(user: User) -> None:
    """She asked for no more texts: no texts and no email from now on (her home page only), the
    texts still waiting for her dropped, and one confirmation a day however often she asks."""
    user.contact_by_sms = False
    user.contact_by_email = False
    db.session.execute(
        update(OutgoingText).where(OutgoingText.user_id == user.id, OutgoingText.status == QUEUED)
        .values(status=FAILED, last_error="she replied STOP").execution_options(synchronize_session=False))
    audit.record("text.stopped", actor=user, target=f"user:{user.id}")
    body = render_text(user, "texts/texts/stop_confirmed.txt", link=public_url("accounts.profile"))
    queue_text(user, body, kind="stop_confirmed", key=f"stop:{user.id}:{today().isoformat()}", urgent=True)
