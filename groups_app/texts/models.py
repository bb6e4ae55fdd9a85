"""Text messages: the outbox of texts (`text_outbox`) and the log of texts mothers sent us (`text_inbound`)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.mail import QUEUED
from ..core.timeutil import utcnow
from ..extensions import db
from ..groups.models import Group  # noqa: F401  (group_id points at its table)

ENCODINGS = ("GSM-7", "UCS-2")


class OutgoingText(db.Model):
    """A text to one phone, written in the transaction of the change it tells about, sent by
    `flask texts send`. The row stays after sending (its body emptied): the month's counts per
    group are what the program pays for."""

    __tablename__ = "text_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to: Mapped[str] = mapped_column(String(20))  # E.164; emptied once sent, or when her account is deleted
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(30))  # meeting_cancelled, hold_ready, stop_confirmed, ...
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"), index=True)
    encoding: Mapped[str] = mapped_column(String(5))
    segments: Mapped[int] = mapped_column(Integer)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # may go in quiet hours (and a retry too)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # counted before each try: >0 means it may have left
    # When a queued text may next be tried; while one is being sent, when its claim lapses.
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    provider_message_id: Mapped[str | None] = mapped_column(String(64))
    # The provider refused the number for good (not a mobile, unsubscribed): her phone does not work for texts.
    undeliverable: Mapped[bool] = mapped_column(Boolean, default=False)
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)  # "never twice", across app servers

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name="status"),
        CheckConstraint("encoding IN ('GSM-7', 'UCS-2')", name="encoding"),
        CheckConstraint("segments >= 1", name="segments_positive"),
        Index("ix_text_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )


class InboundText(db.Model):
    """A text that reached the provider's inbound webhook, and what the app did with it."""

    __tablename__ = "text_inbound"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    from_number: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(String(320))  # cut: a reply is short, and nobody reads these as messages
    # Her replies go with her account; a reply from a number no account has keeps none.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # stop, ignored, unknown_number
    provider_message_id: Mapped[str | None] = mapped_column(String(64))
