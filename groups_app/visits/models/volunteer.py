"""Volunteer mothers: screening, training courses, commitment, availability, hours, supervision."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...accounts.models import User
from ...core.timeutil import utcnow
from ...extensions import db

SCREENING_OUTCOMES = ("pending", "passed", "not_passed")
HOUR_KINDS = ("visit", "training", "supervision")
SUPERVISION_KINDS = ("individual", "group")


class Volunteer(db.Model):
    """A volunteer's record; her languages, locality and contact are her account's."""

    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    interview_on: Mapped[date | None] = mapped_column(Date)
    screening: Mapped[str] = mapped_column(String(12), default="pending")
    screening_notes: Mapped[str] = mapped_column(Text, default="")
    commitment_from: Mapped[date | None] = mapped_column(Date)  # 2 hours a week for a year, from this day
    hours_per_week: Mapped[int] = mapped_column(Integer, default=2)
    availability: Mapped[str] = mapped_column(String(60), default="")  # weekday numbers, "0,2,4" (Monday 0)
    max_cases: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    pause_reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
    enrolments: Mapped[list[CourseEnrolment]] = relationship(back_populates="volunteer", lazy="selectin",
                                                             cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("screening IN ('pending', 'passed', 'not_passed')", name="known_screening"),
        CheckConstraint("max_cases BETWEEN 1 AND 5", name="max_cases_1_to_5"),
        CheckConstraint("hours_per_week BETWEEN 1 AND 20", name="hours_1_to_20"),
    )

    @property
    def trained(self) -> bool:
        return any(e.completed_on is not None for e in self.enrolments)

    @property
    def available_days(self) -> set[int]:
        return {int(d) for d in self.availability.split(",") if d.isdigit()}


class TrainingCourse(db.Model):
    """A training course, run for a small group of new volunteers over several sessions."""

    __tablename__ = "training_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    sessions_planned: Mapped[int] = mapped_column(Integer, default=8)

    sessions: Mapped[list[CourseSession]] = relationship(back_populates="course", order_by="CourseSession.held_on",
                                                         cascade="all, delete-orphan")
    enrolments: Mapped[list[CourseEnrolment]] = relationship(back_populates="course", cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint("sessions_planned BETWEEN 1 AND 40", name="sessions_1_to_40"),)


class CourseEnrolment(db.Model):
    __tablename__ = "course_enrolments"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    completed_on: Mapped[date | None] = mapped_column(Date)

    course: Mapped[TrainingCourse] = relationship(back_populates="enrolments", lazy="joined")
    volunteer: Mapped[Volunteer] = relationship(back_populates="enrolments")

    __table_args__ = (UniqueConstraint("course_id", "volunteer_id", name="uq_course_enrolments_course_volunteer"),)


class CourseSession(db.Model):
    __tablename__ = "course_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(200), default="")

    course: Mapped[TrainingCourse] = relationship(back_populates="sessions")
    present: Mapped[list[CourseAttendance]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class CourseAttendance(db.Model):
    __tablename__ = "course_attendances"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)

    __table_args__ = (UniqueConstraint("session_id", "volunteer_id", name="uq_course_attendances_session_volunteer"),)


class VolunteerHours(db.Model):
    """Hours a volunteer gives: visits, training, supervision (she logs them; they feed the figures)."""

    __tablename__ = "volunteer_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    worked_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(12))
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(300), default="")
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit_logs.id", ondelete="CASCADE"), unique=True)

    __table_args__ = (
        CheckConstraint("kind IN ('visit', 'training', 'supervision')", name="known_kind"),
        CheckConstraint("minutes BETWEEN 1 AND 720", name="minutes_1_to_720"),
    )


class SupervisionSession(db.Model):
    """Staff meet volunteers, one at a time or as a group, to support them in their visits."""

    __tablename__ = "supervision_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(12))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    minutes: Mapped[int] = mapped_column(Integer, default=60)
    notes: Mapped[str] = mapped_column(Text, default="")

    staff: Mapped[User | None] = relationship(lazy="joined")
    attendees: Mapped[list[SupervisionAttendee]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    __table_args__ = (CheckConstraint("kind IN ('individual', 'group')", name="known_kind"),)


class SupervisionAttendee(db.Model):
    __tablename__ = "supervision_attendees"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("supervision_sessions.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)

    volunteer: Mapped[Volunteer] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("session_id", "volunteer_id", name="uq_supervision_attendees_session_volunteer"),)
