"""Referrals to the home-visit program, and the localities it serves."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...accounts.models import User
from ...core.places import Locality
from ...core.timeutil import utcnow
from ...extensions import db

# Who referred her: the program's own categories, in this order on the form and in the figures.
SOURCES = ("family_physician", "nurse", "public_health", "mental_health", "hospital", "family", "self", "other")
STATUSES = ("new", "contacted", "accepted", "declined", "not_eligible")


def _listed(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class ServiceLocality(db.Model):
    """A locality inside the program's service area (staff keep the list)."""

    __tablename__ = "visit_service_localities"

    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id", ondelete="CASCADE"), primary_key=True)
    locality: Mapped[Locality] = relationship(lazy="joined")


class Referral(db.Model):
    """A mother referred to the program, with or without an account, as the referrer wrote it."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    mother_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20))  # E.164
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id", ondelete="SET NULL"))
    languages: Mapped[str] = mapped_column(String(40))  # comma-separated language codes
    baby_birth_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    mother_age: Mapped[int | None] = mapped_column(Integer)
    first_baby: Mapped[bool | None] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(20))
    referrer_name: Mapped[str] = mapped_column(String(120), default="")
    referrer_contact: Mapped[str] = mapped_column(String(200), default="")
    consent: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    eligibility: Mapped[str] = mapped_column(String(30), default="")  # a reason code; empty when eligible
    notes: Mapped[str] = mapped_column(Text, default="")
    address_hash: Mapped[str] = mapped_column(String(64), default="", index=True)  # rate limiting only
    mother_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    locality: Mapped[Locality | None] = relationship(lazy="joined")
    mother: Mapped[User | None] = relationship(foreign_keys=[mother_id])

    __table_args__ = (
        CheckConstraint(f"source IN ({_listed(SOURCES)})", name="known_source"),
        CheckConstraint(f"status IN ({_listed(STATUSES)})", name="known_status"),
        CheckConstraint("consent", name="consent_given"),
        CheckConstraint("mother_age IS NULL OR mother_age BETWEEN 12 AND 60", name="plausible_age"),
    )

    @property
    def language_list(self) -> list[str]:
        return [c for c in self.languages.split(",") if c]
