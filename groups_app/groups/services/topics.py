"""The topic bank: staff write topics in the six languages; the starter set comes from library/topics.csv."""
from __future__ import annotations

import csv
import functools
import re
from operator import itemgetter
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...accounts.models import User
from ...core import audit
from ...core.errors import DomainError
from ...core.i18n import LANGUAGES
from ...core.permissions import require_staff
from ...extensions import db
from ..models import Topic, TopicText

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def all_topics() -> list[Topic]:
    return list(db.session.scalars(select(Topic).order_by(Topic.slug).options(joinedload(Topic.texts))).unique())


@functools.cache
def _choices_statement():
    """Built once per process: every planner (and the leaflet form) reads the choices."""
    return (select(Topic.id, Topic.slug, TopicText.language, TopicText.title)
            .outerjoin(TopicText, TopicText.topic_id == Topic.id).order_by(Topic.slug, TopicText.id))


def topic_choices(languages: list[str]) -> list[tuple[int, str]]:
    """(id, title) of every topic, in the first of `languages` that has a text (as `Topic.text_for`),
    by title. Reads the ids, slugs, languages and titles only: a planner asks on every visit, and a
    bank of years holds hundreds of texts with their descriptions and prompts."""
    order: dict[str, int] = {}
    for code in [*languages, "en"]:
        order.setdefault(code, len(order))
    other = len(order)  # a language she does not read: the topic's first text, by when it was written
    best: dict[int, tuple[int, str]] = {}  # topic id: (rank of the title's language, title)
    for topic_id, slug, language, title in db.session.connection().execute(_choices_statement()).all():
        rank = other + 1 if language is None else order[language] if language in order else other
        if topic_id not in best or rank < best[topic_id][0]:
            best[topic_id] = (rank, slug if language is None else title)
    return sorted([(topic_id, title) for topic_id, (_rank, title) in best.items()], key=itemgetter(1))


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
