"""The topic bank: staff write topics in the six languages; the starter set comes from library/topics.csv."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...accounts.models import User
from ...core import audit
from ...core.errors import DomainError
from ...core.i18n import LANGUAGES
from ...core.permissions import require_staff
from ...extensions import db
from ..models import Topic, TopicText

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def all_topics() -> list[Topic]:
    return list(db.session.scalars(select(Topic).order_by(Topic.slug)))


def topic_choices(languages: list[str]) -> list[tuple[int, str]]:
    choices = []
    for topic in all_topics():
        text = topic.text_for(languages)
        choices.append((topic.id, text.title if text else topic.slug))
    return sorted(choices, key=lambda c: c[1])


def save_topic(topic: Topic | None, slug: str, texts: dict[str, dict[str, str]], *, by: User) -> Topic:
    """Create or update a topic and its texts; a language with an empty title is removed. Commits."""
    require_staff(by)
    slug = (slug or "").strip().lower()
    if not SLUG.match(slug):
        raise DomainError(_l("The short name uses small Latin letters, digits and dashes, like first-weeks."), field="slug")
    taken = db.session.scalar(select(Topic.id).where(Topic.slug == slug))
    if taken and (topic is None or taken != topic.id):
        raise DomainError(_l("Another topic already has this short name."), field="slug")
    if not any((t.get("title") or "").strip() for t in texts.values()):
        raise DomainError(_l("Write the topic's title in at least one language."), field="title_en")
    if topic is None:
        topic = Topic(slug=slug)
        db.session.add(topic)
    topic.slug = slug
    by_language = {t.language: t for t in topic.texts}
    for code, values in texts.items():
        if code not in LANGUAGES:
            continue
        title = (values.get("title") or "").strip()
        existing = by_language.get(code)
        if not title:
            if existing is not None:
                topic.texts.remove(existing)
            continue
        if existing is None:
            existing = TopicText(language=code)
            topic.texts.append(existing)
        existing.title = title[:160]
        existing.description = (values.get("description") or "").strip()
        existing.prompts = "\n".join(p.strip() for p in (values.get("prompts") or "").splitlines() if p.strip())
    audit.record("topic.saved", actor=by, target=f"topic:{slug}")
    db.session.commit()
    return topic


def import_topics(path: Path) -> tuple[int, int]:
    """Add or update topic texts from the starter CSV. Returns (texts added, texts updated). Commits."""
    if not path.exists():
        return 0, 0
    topics = {t.slug: t for t in all_topics()}
    added = updated = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            slug, code = row["slug"].strip(), row["language"].strip()
            if code not in LANGUAGES or not SLUG.match(slug):
                continue
            topic = topics.get(slug)
            if topic is None:
                topic = topics[slug] = Topic(slug=slug)
                db.session.add(topic)
            prompts = "\n".join(p.strip() for p in row["prompts"].split(" | ") if p.strip())
            text = next((t for t in topic.texts if t.language == code), None)
            values = (row["title"].strip(), row["description"].strip(), prompts)
            if text is None:
                topic.texts.append(TopicText(language=code, title=values[0], description=values[1], prompts=values[2]))
                added += 1
            elif (text.title, text.description, text.prompts) != values:
                text.title, text.description, text.prompts = values
                updated += 1
    db.session.commit()
    return added, updated
