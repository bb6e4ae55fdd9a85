"""A support group, its facilitators and its members (with a waiting list)."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...accounts.models import User
from ...core.places import Locality
from ...core.timeutil import utcnow
from ...extensions import db

VENUE_KINDS = ("home", "community_centre", "clinic")
FREQUENCIES = ("weekly", "biweekly", "monthly")
MEMBER, WAITING = "member", "waiting"


class Group(db.Model):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    venue_kind: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300), default="")
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id", ondelete="RESTRICT"), index=True)
    languages: Mapped[str] = mapped_column(String(40))  # comma-separated language codes
    frequency: Mapped[str] = mapped_column(String(10))
    weekday: Mapped[int] = mapped_column(Integer)  # Monday 0 ... Sunday 6
    start_time: Mapped[time] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=90)
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Jerusalem")
    schedule_from: Mapped[date] = mapped_column(Date)  # the schedule holds from this date on
    capacity: Mapped[int] = mapped_column(Integer, default=12)
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    locality: Mapped[Locality] = relationship(lazy="joined")
    # Loaded when a page asks (a permission check on one group): lists of groups never show them.
    facilitator_links: Mapped[list[GroupFacilitator]] = relationship(
        back_populates="group", cascade="all, delete-orphan", lazy="select"
    )
    memberships: Mapped[list[Membership]] = relationship(back_populates="group", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("capacity BETWEEN 2 AND 30", name="capacity_2_to_30"),
        CheckConstraint("duration_minutes BETWEEN 60 AND 120", name="duration_60_to_120"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_0_to_6"),
        CheckConstraint("venue_kind IN ('home', 'community_centre', 'clinic')", name="known_venue"),
        CheckConstraint("frequency IN ('weekly', 'biweekly', 'monthly')", name="known_frequency"),
    )

    @property
    def language_list(self) -> list[str]:
        return [c for c in self.languages.split(",") if c]

    @property
    def facilitators(self) -> list[User]:
        return [link.user for link in self.facilitator_links]

    @property
    def facilitator_ids(self) -> set[int]:
        return {link.user_id for link in self.facilitator_links}

    def __repr__(self) -> str:
        return f"<Group {self.id} {self.name!r}>"


class GroupFacilitator(db.Model):
    __tablename__ = "group_facilitators"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    group: Mapped[Group] = relationship(back_populates="facilitator_links")
    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("group_id", "user_id", name="uq_group_facilitators_group_user"),)


class Membership(db.Model):
    """A mother in a group, or waiting for a seat (`position` orders the waiting list)."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    position: Mapped[int | None] = mapped_column(Integer)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    group: Mapped[Group] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("group_id", "user_id", name="uq_memberships_group_user"),
        CheckConstraint("status IN ('member', 'waiting')", name="known_status"),
        CheckConstraint("(status = 'waiting') = (position IS NOT NULL)", name="position_iff_waiting"),
    )
