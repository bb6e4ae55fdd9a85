"""Queueing a text in the current transaction: to a phone that can receive it, outside quiet
hours unless urgent, and never twice for one dedupe key, whichever app server asks."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from ..core import audit
from ..core.mail import QUEUED
from ..core.phones import can_receive_texts
from ..core.timeutil import program_zone, utcnow
from ..extensions import db
from .models import OutgoingText
from .segments import count_segments

# Texts that may go to a number she has not confirmed: the code that confirms it, and the answer to
# a STOP sent from it (which that phone asked for).
UNCONFIRMED_KINDS = frozenset({"phone_code", "stop_confirmed"})
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}  # both have ON CONFLICT DO NOTHING


def parse_quiet_hours(value: str | None) -> tuple[time, time] | None:
    """"21:00-08:00" as (start, end); None when empty; ValueError when it is not two times."""
    value = (value or "").strip()
    if not value:
        return None
    start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    return start, end


def quiet_hours() -> tuple[time, time] | None:
    """TEXT_QUIET_HOURS, in the program's zone, as (start, end); None when empty."""
    return parse_quiet_hours(current_app.config.get("TEXT_QUIET_HOURS"))


def after_quiet_hours(moment: datetime) -> datetime:
    """`moment` if texts may go then, else the end of the quiet hours it falls in (aware, UTC)."""
    window = quiet_hours()
    if window is None:
        return moment
    start, end = window
    zone = program_zone()
    local = moment.astimezone(zone)
    clock = local.time()
    if start <= end:  # within one day, say 13:00-15:00
        quiet, end_day = start <= clock < end, local.date()
    else:  # over midnight, say 21:00-08:00
        quiet = clock >= start or clock < end
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not quiet:
        return moment
    return datetime.combine(end_day, end, tzinfo=zone).astimezone(moment.tzinfo)


def queue_text(user, body: str, *, kind: str, group_id: int | None = None, key: str | None = None,
               urgent: bool = False) -> OutgoingText | None:
    """Add a text to her phone to the current transaction: it leaves (`flask texts send`) only
    once the transaction commits. None, and nothing queued, when her phone cannot receive texts
    (an audit event "text.unreachable" says so) or when a text with this `key` was queued before,
    here or by another app server (the unique key decides; two at once wait for each other)."""
    phone = getattr(user, "phone", None)
    if not can_receive_texts(phone):
        audit.record("text.unreachable", actor=None, target=f"user:{user.id}",
                     detail={"kind": kind, "reason": "no phone" if not phone else "cannot receive texts"})
        return None
    if getattr(user, "phone_confirmed_at", None) is None and kind not in UNCONFIRMED_KINDS:
        # Not shown to be hers yet (accounts.phone_check): only the code that confirms it goes.
        audit.record("text.unreachable", actor=None, target=f"user:{user.id}",
                     detail={"kind": kind, "reason": "phone not confirmed"})
        return None
    body = body.strip()
    size = count_segments(body)
    now = utcnow()
    values = dict(created_at=now, user_id=user.id, to=phone, body=body, kind=kind, group_id=group_id,
                  encoding=size.encoding, segments=max(size.segments, 1), urgent=urgent, status=QUEUED,
                  attempts=0, next_attempt_at=now if urgent else after_quiet_hours(now), undeliverable=False,
                  dedupe_key=key)
    if key is None:
        text = OutgoingText(**values)
        db.session.add(text)
        return text
    # INSERT ... ON CONFLICT DO NOTHING (both dialects): a second insert of the key, in this
    # transaction or another one committed or still open, inserts nothing and raises nothing.
    dialect_insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = dialect_insert(OutgoingText).values(**values).on_conflict_do_nothing().returning(OutgoingText.id)
    new_id = db.session.execute(statement).scalar_one_or_none()
    return db.session.get(OutgoingText, new_id) if new_id is not None else None
