"""The day-before reminder of a meeting, to the members who chose to be told by text or email.

`flask groups remind-tomorrow` runs it from cron every 15 minutes (or hourly); nothing goes out
before TEXT_REMINDER_TIME on the program's clock, and each member is reminded of a meeting once
however often it runs, on however many servers: the key "meeting-tomorrow:<meeting>:<user>" is
claimed (core/once.py) in the transaction that writes her notice, email and text, so a second run
finds it taken, and a run that fails half-way gives it back. Keys older than 90 days are pruned.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import NamedTuple

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ...accounts.models import User
from ...core.mail import public_url
from ...core.notify import notify
from ...core.once import claim_once, prune_once
from ...core.timeutil import utcnow, zone
from ...extensions import db
from ..models import Group, Meeting, Membership
from ..models.group import MEMBER
from ..models.meeting import SCHEDULED


class Reminded(NamedTuple):
    due: bool  # the program's clock has passed the reminder time
    meetings: int
    members: int


def reminder_time() -> time:
    value = current_app.config.get("TEXT_REMINDER_TIME", "18:00")
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ValueError(f"TEXT_REMINDER_TIME must be a time of day such as 18:00, not {value!r}") from None


def meetings_tomorrow(now: datetime | None = None) -> list[Meeting]:
    """Scheduled meetings on tomorrow's date in their group's zone, soonest first."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Meeting).join(Group, Meeting.group_id == Group.id)
        .where(Meeting.status == SCHEDULED, Group.archived.is_(False),
               Meeting.starts_at > now, Meeting.starts_at < now + timedelta(hours=50))
        .order_by(Meeting.starts_at)
    ).all()
    return [m for m in rows
            if m.start.astimezone(zone(m.group.timezone)).date() == now.astimezone(zone(m.group.timezone)).date()
            + timedelta(days=1)]


def _to_remind(meeting: Meeting) -> list[User]:
    """Members who chose texts or email (and can be emailed); whether each was reminded is her key's."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == meeting.group_id, Membership.status == MEMBER, User.active.is_(True),
               or_(User.contact_by_sms.is_(True), User.contact_by_email.is_(True) & User.email.is_not(None)))
        .order_by(User.id)
    ))


def remind_tomorrow(now: datetime | None = None) -> Reminded:
    """Remind the members of tomorrow's meetings, once, after the reminder time. Commits per meeting."""
    now = now or utcnow()
    if now.astimezone(zone(None)).time() < reminder_time():  # the program's clock
        return Reminded(False, 0, 0)
    prune_once()
    db.session.commit()
    meetings = members = 0
    for meeting in meetings_tomorrow(now):
        link = public_url("groups.meeting_short_link", meeting_id=meeting.id)
        reminded = 0
        for member in _to_remind(meeting):
            key = f"meeting-tomorrow:{meeting.id}:{member.id}"
            if not claim_once(key):  # reminded already, here or by another server
                continue
            notify(member, _l("Your group meets tomorrow"), "groups/email/meeting_tomorrow.txt", link=link,
                   group=meeting.group, meeting=meeting, text="groups/texts/meeting_tomorrow.txt",
                   text_kind="meeting_tomorrow", text_key=key, group_id=meeting.group_id)
            reminded += 1
        db.session.commit()
        meetings += bool(reminded)
        members += reminded
    return Reminded(True, meetings, members)
