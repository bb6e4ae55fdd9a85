"""A leaflet, its language versions (working copies) and every published revision of each."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.storage import StoredFile  # noqa: F401 - its table, which the PDF columns refer to
from ..core.timeutil import utcnow
from ..extensions import db
from ..groups.models import Topic

STATES = ("draft", "in_review", "published", "withdrawn")
DRAFT, IN_REVIEW, PUBLISHED, WITHDRAWN = STATES


class Leaflet(db.Model):
    __tablename__ = "leaflets"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    subjects: Mapped[str] = mapped_column(String(200), default="")  # comma-separated subject keywords
    source_language: Mapped[str] = mapped_column(String(5), default="en")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    translations: Mapped[list[LeafletTranslation]] = relationship(
        back_populates="leaflet", cascade="all, delete-orphan", lazy="selectin"
    )
    topics: Mapped[list[Topic]] = relationship(secondary="leaflet_topics", lazy="selectin")

    @property
    def subject_list(self) -> list[str]:
        return [s for s in self.subjects.split(",") if s]

    def translation(self, language: str) -> LeafletTranslation | None:
        return next((t for t in self.translations if t.language == language), None)

    @property
    def source(self) -> LeafletTranslation | None:
        return self.translation(self.source_language)


class LeafletTopic(db.Model):
    __tablename__ = "leaflet_topics"

    leaflet_id: Mapped[int] = mapped_column(ForeignKey("leaflets.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True)


class LeafletTranslation(db.Model):
    """The working copy of one language version, and which of its revisions readers see."""

    __tablename__ = "leaflet_translations"

    id: Mapped[int] = mapped_column(primary_key=True)
    leaflet_id: Mapped[int] = mapped_column(ForeignKey("leaflets.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default=DRAFT)
    # For a translation: the source's revision number it was made from.
    source_number: Mapped[int | None] = mapped_column(Integer)
    # The PDF edition, kept in the database (core.storage) so that every app server has it.
    pdf_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("leaflet_revisions.id", ondelete="SET NULL", use_alter=True)
    )

    leaflet: Mapped[Leaflet] = relationship(back_populates="translations")
    published: Mapped[LeafletRevision | None] = relationship(foreign_keys=[published_revision_id], lazy="joined")

    __table_args__ = (
        UniqueConstraint("leaflet_id", "language", name="uq_leaflet_translations_leaflet_language"),
        CheckConstraint("state IN ('draft', 'in_review', 'published', 'withdrawn')", name="known_state"),
    )


class LeafletRevision(db.Model):
    """A published version, kept for good: what was printed can always be found again."""

    __tablename__ = "leaflet_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(ForeignKey("leaflet_translations.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    source_number: Mapped[int | None] = mapped_column(Integer)
    pdf_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"), index=True)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("translation_id", "number", name="uq_leaflet_revisions_translation_number"),)
