"""Telling a person something: a message she sees on her home page, and an email if she allows it."""
from __future__ import annotations

from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import DateTime, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .mail import send_mail
from .timeutil import utcnow


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


def notify(user, subject: str, template: str, link: str | None = None, *, email: bool = True, **context) -> Notice:
    """Write a notice in the person's language; email it too if she allows email.

    `subject` is a msgid (wrapped in lazy_gettext by the caller), translated here in her
    language; `template` is a text template rendered in her language. The email is queued in
    the same transaction as the notice (see core.mail); `email=False` writes the notice alone.
    """
    with force_locale(user.language):
        subject_text = str(subject)
        body = render_template(template, user=user, link=link, **context).strip()
    notice = Notice(user_id=user.id, subject=subject_text, body=body, link=link)
    db.session.add(notice)
    if email and user.email and user.contact_by_email:
        send_mail(user.email, subject_text, body + (f"\n\n{link}" if link else ""))
    return notice


def unread_notices(user, limit: int = 10) -> list[Notice]:
    return list(
        db.session.scalars(
            select(Notice)
            .where(Notice.user_id == user.id, Notice.read_at.is_(None))
            .order_by(Notice.created_at.desc(), Notice.id.desc())
            .limit(limit)
        )
    )


def mark_read(user, notice_id: int) -> bool:
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.user_id != user.id:
        return False
    notice.read_at = utcnow()
    db.session.commit()
    return True
