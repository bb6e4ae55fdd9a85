"""Telling a person something: a message on her home page always, and by the way she chose: an
email, or a text message to her phone."""
from __future__ import annotations

import functools
from datetime import date, datetime, time

from babel.dates import format_skeleton
from babel.dates import format_time as babel_format_time
from flask import render_template
from flask_babel import force_locale, get_locale
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, bindparam, exists, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .extension_points import ExtensionPoint
from .mail import public_url, send_mail
from .timeutil import utcnow, zone

# Where a notice's text message goes: the texts feature connects its outbox here.
text_channel = ExtensionPoint(
    "notify.text", "queue(user, body, *, kind, group_id, key, urgent) -> queued or None: send her a text message"
)


class Notice(db.Model):
    """A message to one person, written in her language when it was sent."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def short_day(moment: datetime | date, where: str | None = None) -> str:
    """A day (or the day of a moment, in `where`) as a text message says it, short, in the
    reader's language: "Mon, Sep 14"."""
    if not isinstance(moment, datetime):  # a calendar day: no zone to cross
        moment = datetime.combine(moment, time(12), tzinfo=zone(where))
    return format_skeleton("MMMEd", moment, tzinfo=zone(where), locale=get_locale())


def short_time(moment: datetime, where: str | None = None) -> str:
    """A time of day as a text message says it, in the reader's language: "18:30", "6:30 PM"."""
    return babel_format_time(moment, "short", tzinfo=zone(where), locale=get_locale())


def render_text(user, template: str, **context) -> str:
    """A text message's body in her language, on one line: a template's line breaks and Babel's
    narrow spaces would cost characters (and push a Latin message out of GSM-7)."""
    with force_locale(user.language):
        body = render_template(template, user=user, public_url=public_url, short_day=short_day,
                               short_time=short_time, **context)
    return " ".join(body.split())


def notify(user, subject: str, template: str, link: str | None = None, *, email: bool = True,
           text: str | None = None, text_kind: str | None = None, text_key: str | None = None,
           group_id: int | None = None, urgent: bool = False, **context) -> Notice:
    """Write a notice in the person's language; email it too if she chose email, and send a text
    message too if she chose texts and the notice has one.

    `subject` is a msgid (wrapped in lazy_gettext by the caller), translated here in her
    language; `template` is a text template rendered in her language. The email is queued in
    the same transaction as the notice (see core.mail); `email=False` writes the notice alone.
    `text` is a text-message template (`<feature>/texts/<name>.txt`, at most two segments with
    its short link), queued with `text_kind`, `group_id` (for the program's counts) and
    `text_key` (the same key never sends twice); `urgent` sends it even in quiet hours.
    """
    with force_locale(user.language):
        subject_text = str(subject)
        body = render_template(template, user=user, link=link, **context).strip()
    notice = Notice(user_id=user.id, subject=subject_text, body=body, link=link)
    db.session.add(notice)
    if email and user.email and user.contact_by_email:
        send_mail(user.email, subject_text, body + (f"\n\n{link}" if link else ""))
    if text and text_kind is None:
        raise ValueError("a text message needs its kind")
    queues = text_channel.contributions()  # the texts feature's outbox, when the app has that feature
    if text and user.contact_by_sms and queues:
        body = render_text(user, text, link=link, **context)
        for queue in queues:
            queue(user, body, kind=text_kind, group_id=group_id, key=text_key, urgent=urgent)
    return notice


def unread_notices(user, limit: int = 10) -> list[Notice]:
    """Her unread messages, newest first (her home page shows them on every visit)."""
    return list(db.session.scalars(_unread_statement(), {"user_id": user.id, "limit": limit}))


def has_unread_columns(_shape=None) -> list:
    """Whether she has an unread message, her id bound as `user_id` (her home page's probe)."""
    return [exists().where(Notice.user_id == bindparam("user_id"), Notice.read_at.is_(None))]


@functools.cache  # built once per process: building and cache-keying it cost her home page 160–260 calls
def _unread_statement():
    return (select(Notice).where(Notice.user_id == bindparam("user_id"), Notice.read_at.is_(None))
            .order_by(Notice.created_at.desc(), Notice.id.desc()).limit(bindparam("limit", type_=Integer)))


def mark_read(user, notice_id: int) -> bool:
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.user_id != user.id:
        return False
    notice.read_at = utcnow()
    db.session.commit()
    return True
