"""The topic bank: discussion topics with their text in each language staff wrote."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.timeutil import utcnow
from ...extensions import db


class Topic(db.Model):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    texts: Mapped[list[TopicText]] = relationship(back_populates="topic", cascade="all, delete-orphan", lazy="selectin")

    def text_for(self, languages: list[str]) -> TopicText | None:
        """The text in the first of `languages` that has one, else English, else any."""
        by_language = {t.language: t for t in self.texts}
        for code in [*languages, "en"]:
            if code in by_language:
                return by_language[code]
        return next(iter(by_language.values()), None)


class TopicText(db.Model):
    __tablename__ = "topic_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    prompts: Mapped[str] = mapped_column(Text, default="")  # one discussion prompt per line

    topic: Mapped[Topic] = relationship(back_populates="texts")

    __table_args__ = (UniqueConstraint("topic_id", "language", name="uq_topic_texts_topic_language"),)

    @property
    def prompt_list(self) -> list[str]:
        return [line.strip() for line in self.prompts.splitlines() if line.strip()]
