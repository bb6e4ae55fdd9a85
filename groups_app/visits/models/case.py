"""A case: one mother and her volunteer, from the match to the baby's first birthday; its visits and concerns."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...accounts.models import User
from ...core.places import Locality
from ...core.timeutil import utcnow
from ...extensions import db
from .referral import Referral
from .volunteer import Volunteer

CASE_STATUSES = ("waiting", "active", "closed")  # waiting: accepted, no volunteer yet
CLOSE_REASONS = ("first_birthday", "mother_ended", "moved_away", "no_contact", "volunteer_left", "other")
VISIT_TOPICS = ("feeding", "sleep", "crying", "mothers_wellbeing", "baby_development", "family", "services",
                "groups", "other")
MOODS = (1, 2, 3, 4, 5)  # how the mother seems: 1 very low ... 5 very well


class Case(db.Model):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="SET NULL"), unique=True)
    mother_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id", ondelete="SET NULL"), index=True)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id", ondelete="SET NULL"))
    languages: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[str] = mapped_column(String(20), default="other")  # copied from the referral, for the figures
    mother_age: Mapped[int | None] = mapped_column(Integer)
    first_baby: Mapped[bool | None] = mapped_column()
    baby_birth_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="waiting", index=True)
    opened_on: Mapped[date] = mapped_column(Date)
    matched_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[str] = mapped_column(String(20), default="")
    close_note: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")  # for the volunteer, her supervisor and coordinators
    next_visit_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the volunteer's next visit
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    mother: Mapped[User | None] = relationship(foreign_keys=[mother_id], lazy="joined")
    volunteer: Mapped[Volunteer | None] = relationship(lazy="joined")
    supervisor: Mapped[User | None] = relationship(foreign_keys=[supervisor_id], lazy="joined")
    locality: Mapped[Locality | None] = relationship(lazy="joined")
    referral: Mapped[Referral | None] = relationship()

    __table_args__ = (
        CheckConstraint("status IN ('waiting', 'active', 'closed')", name="known_status"),
        CheckConstraint("(status = 'closed') = (closed_on IS NOT NULL)", name="closed_iff_closed_on"),
    )

    @property
    def language_list(self) -> list[str]:
        return [c for c in self.languages.split(",") if c]

    @property
    def ends_on(self) -> date | None:
        """The baby's first birthday: the case runs until then."""
        born = self.baby_birth_date
        if born is None:
            return None
        try:
            return born.replace(year=born.year + 1)
        except ValueError:  # born on 29 February
            return born.replace(year=born.year + 1, day=28)


# The coordinator's list of cases: open cases first, then the newest (services/case_list.py orders by
# exactly these expressions). "Closed" is read from closed_on, which the check constraint above ties to
# status = 'closed': the expression holds no value to bind, so the same index serves every plan,
# PostgreSQL's prepared ones too (a bound 'closed' would not match an index on status = 'closed').
CASE_LIST_ORDER = (Case.closed_on.is_not(None), Case.opened_on.desc(), Case.id.desc())
Index("ix_cases_list_order", *CASE_LIST_ORDER)  # migration 0022: a page read in order, not 2,000 cases sorted


class VisitLog(db.Model):
    """One home visit, as the volunteer logged it from her phone."""

    __tablename__ = "visit_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))  # indexed with visited_on
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id", ondelete="SET NULL"), index=True)
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    topics: Mapped[str] = mapped_column(String(200), default="")  # comma-separated VISIT_TOPICS
    mood: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    form_token: Mapped[str] = mapped_column(String(64), unique=True)  # a form sent twice makes one visit
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        CheckConstraint("minutes BETWEEN 15 AND 480", name="minutes_15_to_480"),
        CheckConstraint("mood BETWEEN 1 AND 5", name="mood_1_to_5"),
        # a case's visits so far and its last one, from the index alone (migration 0016)
        Index("ix_visit_logs_case_id_visited_on", "case_id", "visited_on"),
    )

    @property
    def topic_list(self) -> list[str]:
        return [t for t in self.topics.split(",") if t]


class Concern(db.Model):
    """A volunteer's worry about the mother's or baby's wellbeing: staff must acknowledge it in time."""

    __tablename__ = "concerns"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    about: Mapped[str] = mapped_column(String(10))  # mother, baby, both
    what: Mapped[str] = mapped_column(Text)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handled_how: Mapped[str] = mapped_column(Text, default="")
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id], lazy="joined")
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id], lazy="joined")
    case: Mapped[Case] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("about IN ('mother', 'baby', 'both')", name="known_about"),)
