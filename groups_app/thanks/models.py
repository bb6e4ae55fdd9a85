"""Thank-you dedications from a mother to a mentor mother, and the tree's goal that staff set."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.i18n import direction
from ..core.timeutil import utcnow
from ..extensions import db
from ..groups.models import Group
from ..visits.models import Volunteer  # noqa: F401  (volunteer_id points at its table)

MENTOR_KINDS = ("facilitator", "volunteer", "outside")  # her group's facilitator, her home-visit volunteer, by email
CONSENTS = ("waiting", "agreed", "declined")  # the mentor's answer: may it be shown?
REVIEWS = ("waiting", "approved", "rejected")  # the program's moderation
MAX_LENGTH = 500  # characters of a message


def _listed(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Dedication(db.Model):
    """A short message in the writer's language, shown on the tree only when the mentor agreed
    and staff approved it. A mentor outside the app is kept by name and email until she has an
    account with that email."""

    __tablename__ = "dedications"

    id: Mapped[int] = mapped_column(primary_key=True)
    writer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentor_kind: Mapped[str] = mapped_column(String(12))
    mentor_name: Mapped[str] = mapped_column(String(120), default="")  # a mentor outside the app, as she wrote it
    mentor_email: Mapped[str | None] = mapped_column(String(254), index=True)  # normalised; outside the app only
    mentor_language: Mapped[str] = mapped_column(String(5), default="")  # the language to write to her in
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"), index=True)
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id", ondelete="SET NULL"), index=True)
    message: Mapped[str] = mapped_column(Text)  # as she wrote it
    language: Mapped[str] = mapped_column(String(5))
    signed_as: Mapped[str] = mapped_column(String(60), default="")  # her first name, or empty: anonymous
    consent: Mapped[str] = mapped_column(String(10), default="waiting", index=True)
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review: Mapped[str] = mapped_column(String(10), default="waiting", index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    writer: Mapped[User] = relationship(foreign_keys=[writer_id], lazy="joined")
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id], lazy="joined")
    group: Mapped[Group | None] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint(f"mentor_kind IN ({_listed(MENTOR_KINDS)})", name="known_mentor_kind"),
        CheckConstraint(f"consent IN ({_listed(CONSENTS)})", name="known_consent"),
        CheckConstraint(f"review IN ({_listed(REVIEWS)})", name="known_review"),
        CheckConstraint("mentor_id IS NOT NULL OR mentor_email IS NOT NULL", name="mentor_known"),
        CheckConstraint("mentor_id IS NULL OR mentor_id <> writer_id", name="not_to_herself"),
        CheckConstraint(f"length(message) BETWEEN 1 AND {MAX_LENGTH}", name="message_length"),
    )

    @property
    def shown(self) -> bool:
        """On the tree: she agreed, and staff approved."""
        return self.consent == "agreed" and self.review == "approved"

    @property
    def direction(self) -> str:
        return direction(self.language)

    @property
    def mentor_display_name(self) -> str:
        return self.mentor.name if self.mentor is not None else self.mentor_name

    @property
    def mentor_first_name(self) -> str:
        """What the tree shows of her: her first name only."""
        return (self.mentor_display_name or "").strip().split(" ")[0]


class TreeSettings(db.Model):
    """The program's one row of tree settings: the number of leaves it hopes for."""

    __tablename__ = "thanks_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (CheckConstraint("goal BETWEEN 1 AND 100000", name="goal_1_to_100000"),)
