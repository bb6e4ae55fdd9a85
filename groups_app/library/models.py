"""Books, the copies each group's library holds, holds (the queue for a book) and loans."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.timeutil import aware, utcnow, zone
from ..extensions import db
from ..groups.models import Group

COPY_STATES = ("on_shelf", "on_loan", "set_aside", "lost", "withdrawn")
HOLD_STATES = ("waiting", "paused", "ready", "fulfilled", "cancelled", "lapsed")
IN_QUEUE = ("waiting", "paused")  # holds that keep a place in the queue


class Book(db.Model):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    authors: Mapped[str] = mapped_column(String(300), default="")
    language: Mapped[str] = mapped_column(String(5), index=True)
    isbn: Mapped[str | None] = mapped_column(String(13), unique=True)  # normalised ISBN-13
    publisher: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int | None] = mapped_column(Integer)
    subjects: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def subject_list(self) -> list[str]:
        return [s for s in self.subjects.split(",") if s]


class GroupLibrary(db.Model):
    """A group's lending rules; defaults when a group has none yet."""

    __tablename__ = "group_libraries"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    loan_days: Mapped[int] = mapped_column(Integer, default=28)
    max_loans: Mapped[int] = mapped_column(Integer, default=3)
    hold_days: Mapped[int] = mapped_column(Integer, default=7)

    __table_args__ = (
        CheckConstraint("loan_days BETWEEN 1 AND 120", name="loan_days_range"),
        CheckConstraint("max_loans BETWEEN 1 AND 20", name="max_loans_range"),
        CheckConstraint("hold_days BETWEEN 1 AND 60", name="hold_days_range"),
    )


class Copy(db.Model):
    __tablename__ = "copies"

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="RESTRICT"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    condition: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default="on_shelf")

    book: Mapped[Book] = relationship(lazy="joined")
    group: Mapped[Group] = relationship()

    __table_args__ = (
        CheckConstraint("status IN ('on_shelf', 'on_loan', 'set_aside', 'lost', 'withdrawn')", name="known_status"),
    )


class Hold(db.Model):
    """A mother's place in the queue for a book at one group's library."""

    __tablename__ = "holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    position: Mapped[int | None] = mapped_column(Integer)  # 1, 2, 3... while in the queue
    copy_id: Mapped[int | None] = mapped_column(ForeignKey("copies.id", ondelete="SET NULL"))
    ready_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    book: Mapped[Book] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")
    copy: Mapped[Copy | None] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("status IN ('waiting', 'paused', 'ready', 'fulfilled', 'cancelled', 'lapsed')",
                        name="known_status"),
        CheckConstraint("(status IN ('waiting', 'paused')) = (position IS NOT NULL)", name="position_iff_queued"),
        CheckConstraint("(status = 'ready') = (copy_id IS NOT NULL)", name="copy_iff_ready"),
        # No two holds share a place in one queue, and a mother holds a book once per library.
        Index("uq_holds_queue_place", "group_id", "book_id", "position", unique=True,
              postgresql_where=text("position IS NOT NULL"), sqlite_where=text("position IS NOT NULL")),
        Index("uq_holds_active", "group_id", "book_id", "user_id", unique=True,
              postgresql_where=text("status IN ('waiting', 'paused', 'ready')"),
              sqlite_where=text("status IN ('waiting', 'paused', 'ready')")),
        Index("uq_holds_ready_copy", "copy_id", unique=True,
              postgresql_where=text("status = 'ready'"), sqlite_where=text("status = 'ready'")),
    )


class Loan(db.Model):
    __tablename__ = "loans"

    id: Mapped[int] = mapped_column(primary_key=True)
    copy_id: Mapped[int] = mapped_column(ForeignKey("copies.id", ondelete="RESTRICT"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    out_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    renewals: Mapped[int] = mapped_column(Integer, default=0)
    lost: Mapped[bool] = mapped_column(Boolean, default=False)
    override: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_out_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    copy: Mapped[Copy] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    __table_args__ = (
        # The database itself forbids two open loans of one copy.
        Index("uq_loans_open_copy", "copy_id", unique=True,
              postgresql_where=text("returned_at IS NULL"), sqlite_where=text("returned_at IS NULL")),
    )

    @property
    def due(self) -> datetime:
        return aware(self.due_at)

    @property
    def due_day(self) -> date:
        """The day it is due on the group's calendar: the day she is told, and the last day it is not late."""
        return self.due.astimezone(zone(self.copy.group.timezone)).date()

    def overdue_at(self, now: datetime) -> bool:
        """Past its due day in the group's zone: a book due today is not overdue until tomorrow."""
        return self.returned_at is None and self.due_day < now.astimezone(zone(self.copy.group.timezone)).date()

    @property
    def overdue(self) -> bool:
        return self.overdue_at(utcnow())


class LoanReminder(db.Model):
    """A reminder sent, so that the same one is never sent twice."""

    __tablename__ = "loan_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("loan_id", "kind", name="uq_loan_reminders_loan_kind"),)
