"""Meetings of a group, the mothers' RSVPs and questions, and personal calendar feeds."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...accounts.models import User
from ...core.timeutil import aware, utcnow
from ...extensions import db
from .group import Group
from .topic import Topic

SCHEDULED, CANCELLED = "scheduled", "cancelled"


class Meeting(db.Model):
    """One meeting. Regular meetings carry the schedule slot they fill (`occurrence`), so that
    extending the schedule never makes a second meeting for the same slot."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    occurrence: Mapped[date | None] = mapped_column(Date)  # None for a one-off meeting
    status: Mapped[str] = mapped_column(String(10), default=SCHEDULED)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="SET NULL"))
    plan: Mapped[str] = mapped_column(Text, default="")
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # iCalendar SEQUENCE, raised on every change
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attendance_taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    group: Mapped[Group] = relationship(lazy="joined")
    topic: Mapped[Topic | None] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("group_id", "occurrence", name="uq_meetings_group_occurrence"),
        CheckConstraint("status IN ('scheduled', 'cancelled')", name="known_status"),
        CheckConstraint("duration_minutes BETWEEN 30 AND 240", name="duration_30_to_240"),
        # a group's meetings held in a span, read from the index alone (the attendance report)
        Index("ix_meetings_group_id_status_starts_at", "group_id", "status", "starts_at"),
    )

    @property
    def start(self) -> datetime:
        return aware(self.starts_at)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)

    @property
    def cancelled(self) -> bool:
        return self.status == CANCELLED

    @property
    def attendance_opens(self) -> datetime:
        """Attendance can be taken from an hour before the start, so a facilitator who came early can tick."""
        return self.start - timedelta(hours=1)

    @property
    def attendance_taken(self) -> bool:
        return self.attendance_taken_at is not None

    @property
    def uid(self) -> str:
        """Stable for the meeting's whole life, whatever changes (RFC 5545 UID)."""
        return f"meeting-{self.id}@groups-app"

    def touch(self) -> None:
        self.sequence += 1
        self.updated_at = utcnow()


class Rsvp(db.Model):
    __tablename__ = "rsvps"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    coming: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("meeting_id", "user_id", name="uq_rsvps_meeting_user"),)


class MeetingQuestion(db.Model):
    """A question a mother sends ahead of a meeting; `anonymous` hides her name from everyone."""

    __tablename__ = "meeting_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    discussed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


REMINDERS = ("none", "1h", "1d")


class CalendarFeed(db.Model):
    """A mother's personal feed: a secret token in the URL and the reminder she chose."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    reminder: Mapped[str] = mapped_column(String(4), default="1d")

    user: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint("reminder IN ('none', '1h', '1d')", name="known_reminder"),)
