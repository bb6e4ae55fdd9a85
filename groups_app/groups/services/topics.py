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
from ...main.models import TOPICS
from ...main.versions import kept_for, version_columns
from ..models import Topic, TopicText

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def all_topics() -> list[Topic]:
    return list(db.session.scalars(select(Topic).order_by(Topic.slug).options(joinedload(Topic.texts))).unique())


@functools.cache
def _choices_statement():
    """Built once per process: every planner (and the leaflet form) reads the choices."""
    return (select(Topic.id, Topic.slug, TopicText.language, TopicText.title)
            .outerjoin(TopicText, TopicText.topic_id == Topic.id).order_by(Topic.slug, TopicText.id))


_KEPT = "groups.topic_choices"  # app.extensions: (version, {languages: choices})
KEPT_LISTS = 64  # lists of languages kept at most per version (six languages, in a facilitator's orders)


def topic_choices(languages: list[str], version: int | None = None) -> list[tuple[int, str]]:
    """(id, title) of every topic, in the first of `languages` that has a text (as `Topic.text_for`),
    by title. Reads the ids, slugs, languages and titles only: a planner asks on every visit, and a
    bank of years holds hundreds of texts with their descriptions and prompts.

    `version`: the topic bank's version as the caller read it beside its own rows (`choices_version`),
    under which this process keeps each list of languages' choices (the bank changes a few times a
    year, planners are opened every day); None reads them now."""
    kept = kept_for(_KEPT, version, at_most=KEPT_LISTS)
    key = tuple(languages)
    choices = None if kept is None else kept.get(key)
    if choices is None:
        choices = _read_choices(key)
        if kept is not None:
            kept[key] = choices
    return list(choices)


def choices_version(postgresql: bool) -> tuple:
    """Two columns for a caller to read beside its rows (main.versions.version_columns): with
    `main.versions.usable`, the version to pass to `topic_choices`."""
    return version_columns(TOPICS, postgresql)


def _read_choices(languages: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    order: dict[str, int] = {}
    for code in [*languages, "en"]:
        order.setdefault(code, len(order))
    other = len(order)  # a language she does not read: the topic's first text, by when it was written
    best: dict[int, tuple[int, str]] = {}  # topic id: (rank of the title's language, title)
    for topic_id, slug, language, title in db.session.connection().execute(_choices_statement()).all():
        rank = other + 1 if language is None else order[language] if language in order else other
        if topic_id not in best or rank < best[topic_id][0]:
            best[topic_id] = (rank, slug if language is None else title)
    return tuple(sorted([(topic_id, title) for topic_id, (_rank, title) in best.items()], key=itemgetter(1)))


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
