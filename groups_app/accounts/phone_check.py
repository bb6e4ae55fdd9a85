"""Confirming her phone number: a six-digit code texted to it, typed back on the site.

No text about her groups, her books or her visits goes to a number she has not confirmed (the
texts outbox checks `phone_confirmed_at`): a number typed wrong, or someone else's, must not get
them. A code lasts CODE_MINUTES and may be tried MAX_ATTEMPTS times; a new one may be asked for
after RESEND_SECONDS, at most SENDS_PER_DAY a day. Only a keyed hash of the code is kept.

The code goes through core.notify's text channel (the texts feature's outbox), urgent, since she
is waiting for it; an app without texts cannot confirm a number, and sends no texts either.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.errors import Conflict, DomainError
from ..core.notify import render_text, text_channel
from ..core.phones import can_receive_texts
from ..core.timeutil import aware, utcnow
from ..extensions import db
from .models import PhoneCode, User

CODE_MINUTES = 15
MAX_ATTEMPTS = 5
RESEND_SECONDS = 60
SENDS_PER_DAY = 5
TEXT_KIND = "phone_code"  # the one kind of text that may go to a number not yet confirmed


class TooSoon(DomainError):
    status = 429


def needs_confirming(user: User) -> bool:
    """She has a number that could get texts and has not confirmed it."""
    return bool(user.phone) and user.phone_confirmed_at is None and can_receive_texts(user.phone)


def pending(user: User) -> PhoneCode | None:
    record = db.session.get(PhoneCode, user.id)
    return record if record is not None and record.phone == user.phone else None


def _hash(user: User, phone: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"phone-code:{user.id}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def digits_of(typed: str | None) -> str:
    """The digits she typed, in any script (٠١٢ and ০১২ as 012), without spaces or dashes."""
    out = []
    for char in typed or "":
        if char.isdigit():
            out.append(str(unicodedata.digit(char)))
        elif not (char.isspace() or char in "-–."):
            return ""  # a letter: not a code
    return "".join(out)


def send_code(user: User) -> None:
    """Text her a new code (voiding the one before). Commits. DomainError when she has no number
    that takes texts, it is confirmed already, she asked too soon or too often, or this app sends
    no texts."""
    if not user.phone:
        raise DomainError(_l("Please write your mobile phone number on your profile first."), field="code")
    if user.phone_confirmed_at is not None:
        raise Conflict(_l("Your phone number is confirmed already."), field="code")
    if not can_receive_texts(user.phone):
        raise DomainError(_l("This number cannot receive text messages. Please give a mobile number."), field="code")
    queues = text_channel.contributions()
    if not queues:
        raise Conflict(_l("Text messages are not sent from this site."), field="code")
    now = utcnow()
    record = db.session.get(PhoneCode, user.id)
    sends = 1
    window_start = now
    if record is not None:
        if now - aware(record.sent_at) < timedelta(seconds=RESEND_SECONDS):
            raise TooSoon(_l("A code was sent a moment ago. Please wait a minute before asking for another."),
                          field="code")
        if now - aware(record.window_start) < timedelta(days=1):
            if record.sends >= SENDS_PER_DAY:
                raise TooSoon(_l("We have sent you as many codes as we may today. Please try again tomorrow."),
                              field="code")
            sends, window_start = record.sends + 1, aware(record.window_start)
    code = f"{secrets.randbelow(10 ** 6):06d}"
    if record is None:
        record = PhoneCode(user_id=user.id)
        db.session.add(record)
    record.phone, record.code_hash, record.attempts = user.phone, _hash(user, user.phone, code), 0
    record.sent_at, record.expires_at = now, now + timedelta(minutes=CODE_MINUTES)
    record.window_start, record.sends = window_start, sends
    body = render_text(user, "accounts/texts/phone_code.txt", code=code, minutes=CODE_MINUTES)
    for queue in queues:
        queue(user, body, kind=TEXT_KIND, group_id=None, key=None, urgent=True)
    audit.record("account.phone_code_sent", actor=user, target=f"user:{user.id}")
    db.session.commit()


def confirm(user: User, typed: str | None) -> None:
    """The code she typed: right, her number is confirmed; wrong, the try is counted (and kept even
    though the page then shows an error). Commits."""
    code = digits_of(typed)
    if len(code) != 6:
        raise DomainError(_l("Please type the six digits of the code we sent you."), field="code")
    record = pending(user)
    now = utcnow()
    if record is None or aware(record.expires_at) <= now or record.attempts >= MAX_ATTEMPTS:
        raise DomainError(_l("This code can no longer be used. Please ask for a new one."), field="code")
    if not hmac.compare_digest(record.code_hash, _hash(user, user.phone, code)):
        record.attempts += 1
        db.session.commit()  # counted, whatever the page does next
        raise DomainError(_l("This is not the code we sent. Please check the text message and try again."),
                          field="code")
    user.phone_confirmed_at = now
    db.session.delete(record)
    audit.record("account.phone_confirmed", actor=user, target=f"user:{user.id}")
    db.session.commit()


def forget(user: User) -> None:
    """Her number changed: it is not confirmed, and a code sent to the old one is void (no commit)."""
    user.phone_confirmed_at = None
    record = db.session.get(PhoneCode, user.id)
    if record is not None:
        db.session.delete(record)
