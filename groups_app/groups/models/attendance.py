"""Who came to a meeting: members, and walk-in guests who may become members later."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...accounts.models import User
from ...core.timeutil import utcnow
from ...extensions import db

STAGES = ("pregnant", "breastfeeding")


class Guest(db.Model):
    """A walk-in at a meeting: first name and stage only. `user_id` once she becomes a member."""

    __tablename__ = "guests"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    first_name: Mapped[str] = mapped_column(String(60))
    stage: Mapped[str] = mapped_column(String(15))
    baby_age_months: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        CheckConstraint("stage IN ('pregnant', 'breastfeeding')", name="known_stage"),
        CheckConstraint("baby_age_months IS NULL OR baby_age_months BETWEEN 0 AND 60", name="baby_age"),
    )


class Attendance(db.Model):
    """One person present at one meeting: a member (user) or a guest, never both unknown."""

    __tablename__ = "attendances"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    guest_id: Mapped[int | None] = mapped_column(ForeignKey("guests.id", ondelete="CASCADE"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User | None] = relationship()
    guest: Mapped[Guest | None] = relationship()

    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id", name="uq_attendances_meeting_user"),
        UniqueConstraint("meeting_id", "guest_id", name="uq_attendances_meeting_guest"),
        CheckConstraint("user_id IS NOT NULL OR guest_id IS NOT NULL", name="someone"),
    )
