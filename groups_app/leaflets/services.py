"""Writing, translating, reviewing and publishing leaflets; what a reader sees; the status board."""
from __future__ import annotations

import functools
import itertools
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..core import audit
from ..core.errors import DomainError
from ..core.i18n import LANGUAGES
from ..core.permissions import require_staff
from ..core.timeutil import utcnow
from ..extensions import db
from ..groups.models import Topic
from . import files, markdown
from .models import DRAFT, IN_REVIEW, PUBLISHED, WITHDRAWN, Leaflet, LeafletRevision, LeafletTranslation

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SUBJECTS = {
    "breastfeeding": _l("Breastfeeding"),
    "pregnancy": _l("Pregnancy"),
    "newborn": _l("The newborn"),
    "sleep": _l("Sleep"),
    "nutrition": _l("Food and nutrition"),
    "emotions": _l("Feelings"),
    "work": _l("Work"),
    "family": _l("Family"),
    "help": _l("Getting help"),
}
MISSING, OUT_OF_DATE = "missing", "out_of_date"
STATUS_LABELS = {
    MISSING: _l("missing"),
    DRAFT: _l("draft"),
    IN_REVIEW: _l("in review"),
    PUBLISHED: _l("published"),
    OUT_OF_DATE: _l("out of date"),
    WITHDRAWN: _l("withdrawn"),
}


def get_leaflet(slug: str) -> Leaflet | None:
    return db.session.scalar(select(Leaflet).where(Leaflet.slug == slug))


def slug_from_title(title: str) -> str | None:
    """A short name from a title in Latin letters ("Night feeds, à deux" -> night-feeds-a-deux), or
    None for a title in another script: Hebrew, Arabic, Amharic and Russian are not transliterated."""
    letters = [c for c in unicodedata.normalize("NFKD", title or "") if c.isalpha()]
    if not letters or not all(unicodedata.name(c, "").startswith("LATIN ") for c in letters):
        return None
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")
    if len(slug) > 60:
        slug = slug[:61].rsplit("-", 1)[0] or slug[:60]
    return slug or None


def _free_slug(base: str, leaflet_id: int | None) -> str:
    """base, or base-2, base-3... whichever no other leaflet has."""
    taken = set(db.session.scalars(select(Leaflet.slug).where(Leaflet.slug.like(f"{base}%"),
                                                              Leaflet.id != (leaflet_id or 0))))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def save_leaflet(leaflet: Leaflet | None, slug: str | None, subjects: list[str], topic_ids: list[int],
                 source_language: str, *, by: User, title: str | None = None) -> Leaflet:
    """Create a leaflet or change its short name, subjects and topics. Commits.

    A new leaflet may come with its title: it is saved as the source language's draft, and when
    no short name is typed one is made from it (the Latin title, else leaflet-<number>). An
    existing leaflet keeps its short name when the field is left empty.
    """
    require_staff(by)
    slug = (slug or "").strip().lower()
    title = (title or "").strip()
    if slug and not SLUG.match(slug):
        raise DomainError(_l("The short name uses small Latin letters, digits and dashes, like good-latch."), field="slug")
    if slug:
        taken = db.session.scalar(select(Leaflet.id).where(Leaflet.slug == slug))
        if taken and (leaflet is None or taken != leaflet.id):
            raise DomainError(_l("Another leaflet already has this short name."), field="slug")
    if leaflet is None and not (title or slug):
        raise DomainError(_l("Please give the leaflet a title."), field="title")
    if len(title) > 200:
        raise DomainError(_l("Please keep the title under 200 characters."), field="title")
    if set(subjects) - set(SUBJECTS):
        raise DomainError(_l("Please choose subjects from the list."), field="subjects")
    if source_language not in LANGUAGES:
        raise DomainError(_l("Please choose a language from the list."), field="source_language")
    topics = list(db.session.scalars(select(Topic).where(Topic.id.in_(topic_ids)))) if topic_ids else []
    if leaflet is None:
        leaflet = Leaflet(slug=slug or f"new-{secrets.token_hex(8)}")
        db.session.add(leaflet)
        if title:
            leaflet.translations.append(LeafletTranslation(language=source_language, title=title, body=""))
        db.session.flush()  # its number, for leaflet-<number>
        if not slug:
            slug = _free_slug(slug_from_title(title) or f"leaflet-{leaflet.id}", leaflet.id)
    leaflet.slug = slug or leaflet.slug
    leaflet.subjects, leaflet.source_language = ",".join(subjects), source_language
    leaflet.topics = topics
    audit.record("leaflet.saved", actor=by, target=f"leaflet:{leaflet.slug}")
    try:
        db.session.commit()
    except IntegrityError:  # someone saved the same short name a moment ago
        db.session.rollback()
        raise DomainError(_l("Another leaflet already has this short name."), field="slug") from None
    return leaflet


def source_number(leaflet: Leaflet) -> int | None:
    source = leaflet.source
    return source.published.number if source is not None and source.published is not None else None


def save_text(leaflet: Leaflet, language: str, title: str, body: str, pdf: bytes | None, action: str, *,
              by: User) -> LeafletTranslation:
    """Save a language version as a draft, send it for review, or publish it (staff only).

    A translation records the source revision it was made from. Nothing is saved when a rule
    is broken. Commits.
    """
    require_staff(by)
    if language not in LANGUAGES:
        raise DomainError(_l("Please choose a language from the list."))
    if action not in ("draft", "review", "publish"):
        raise DomainError(_l("Unknown action."))
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise DomainError(_l("Please give the leaflet a title."), field="title")
    if len(title) > 200:
        raise DomainError(_l("Please keep the title under 200 characters."), field="title")
    if not body:
        raise DomainError(_l("Please write the leaflet's text."), field="body")
    markdown.problems(body)
    if language != leaflet.source_language and source_number(leaflet) is None:
        raise DomainError(_l("Publish the source version first; translations are made from it."))
    # Checked (size first, then content) and kept: the last rule; the transaction holds it.
    new_file = files.store_pdf(pdf) if pdf is not None else None
    translation = leaflet.translation(language)
    if translation is None:
        translation = LeafletTranslation(language=language, title=title, body=body)
        leaflet.translations.append(translation)
    translation.title, translation.body, translation.updated_at = title, body, utcnow()
    if language != leaflet.source_language:
        translation.source_number = source_number(leaflet)
    replaced = None
    if new_file is not None:  # it replaces the old file, which goes unless a published revision keeps it
        replaced, translation.pdf_file_id = translation.pdf_file_id, new_file
    translation.state = {"draft": DRAFT, "review": IN_REVIEW, "publish": PUBLISHED}[action]
    db.session.flush()
    if action == "publish":
        _publish(translation, by)
    files.forget_unused(replaced)
    audit.record(f"leaflet.{action}", actor=by, target=f"leaflet:{leaflet.slug}:{language}")
    db.session.commit()
    return translation


def _publish(translation: LeafletTranslation, by: User | None) -> LeafletRevision:
    last = db.session.scalar(
        select(func.max(LeafletRevision.number)).where(LeafletRevision.translation_id == translation.id)
    ) or 0
    revision = LeafletRevision(translation_id=translation.id, number=last + 1, title=translation.title,
                               body=translation.body, source_number=translation.source_number,
                               pdf_file_id=translation.pdf_file_id, published_by_id=by.id if by else None)
    db.session.add(revision)
    db.session.flush()
    translation.published_revision_id = revision.id
    translation.published = revision
    translation.state = PUBLISHED
    return revision


def withdraw(translation: LeafletTranslation, *, by: User) -> None:
    require_staff(by)
    translation.state = WITHDRAWN
    audit.record("leaflet.withdrawn", actor=by, target=f"leaflet:{translation.leaflet.slug}:{translation.language}")
    db.session.commit()


def status(leaflet: Leaflet, translation: LeafletTranslation | None) -> str:
    """missing, draft, in review, published, out of date (made from an older source), withdrawn."""
    if translation is None:
        return MISSING
    if translation.state == WITHDRAWN:
        return WITHDRAWN
    if translation.published is None:
        return translation.state
    current = source_number(leaflet)
    if (translation.language != leaflet.source_language and current is not None
            and (translation.published.source_number or 0) < current):
        return OUT_OF_DATE
    return translation.state


def is_out_of_date(leaflet: Leaflet, translation: LeafletTranslation) -> bool:
    return status(leaflet, translation) == OUT_OF_DATE


# ---- the status board --------------------------------------------------------------------------

@dataclass
class BoardRow:
    leaflet: Leaflet
    title: str
    title_language: str | None  # None when the leaflet has no text yet and shows its short name
    cells: dict[str, str]


@dataclass
class Board:
    rows: list[BoardRow]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # language -> status -> n


def title_for(leaflet: Leaflet, languages: list[str]) -> tuple[str, str | None]:
    """The working title in the first of her languages that has one, else the source's, else
    any; with its language. The short name (language None) only for a leaflet with no text."""
    for code in [*languages, leaflet.source_language, *LANGUAGES]:
        translation = leaflet.translation(code)
        if translation is not None and translation.title:
            return translation.title, code
    return leaflet.slug, None


def board(languages: list[str]) -> Board:
    """Every leaflet by language, titled in the reader's languages, in a fixed number of queries."""
    leaflets = db.session.scalars(select(Leaflet).order_by(Leaflet.slug)).all()
    rows, counts = [], {code: {s: 0 for s in STATUS_LABELS} for code in LANGUAGES}
    for leaflet in leaflets:
        cells = {code: status(leaflet, leaflet.translation(code)) for code in LANGUAGES}
        for code, state in cells.items():
            counts[code][state] += 1
        rows.append(BoardRow(leaflet, *title_for(leaflet, languages), cells))
    rows.sort(key=lambda row: row.title.casefold())
    return Board(rows, counts)


# ---- reading ---------------------------------------------------------------------------------------

def visible(translation: LeafletTranslation | None) -> bool:
    return translation is not None and translation.published is not None and translation.state != WITHDRAWN


def version_for(leaflet: Leaflet, languages: list[str]) -> tuple[LeafletTranslation | None, bool]:
    """The published version in the first of her languages that has one, else in the source
    language or any; and whether it is a fallback (not her first language)."""
    for code in [*languages, leaflet.source_language, *LANGUAGES]:
        translation = leaflet.translation(code)
        if visible(translation):
            return translation, code != languages[0]
    return None, False


NOT_IN_HERS, CHOSEN = "not_in_hers", "chosen"


class Version(NamedTuple):
    """A published version as a reader sees it (plain columns, not objects)."""
    language: str
    state: str
    number: int
    title: str
    body: str
    source_number: int | None
    published_at: datetime
    pdf_file_id: int | None


class Reading(NamedTuple):
    """A leaflet's page: the version shown, what to tell her about its language, whether it is out of
    date, and the other languages she may read it in."""
    id: int
    slug: str
    shown: Version
    notice: str | None
    out_of_date: bool
    others: list[Version]


def reading(slug: str, languages: list[str], interface: str) -> Reading | None:
    """The leaflet page's facts in one statement built once per process, with the same choices as
    `version_for`, `language_notice` and `is_out_of_date`; None when there is no such leaflet or no
    version to read."""
    rows = db.session.execute(_reading_statement(), {"slug": slug}).all()
    if not rows:
        return None
    first = rows[0]
    published = {row.language: Version(row.language, row.state, row.number, row.title, row.body, row.source_number,
                                       row.published_at, row.pdf_file_id) for row in rows}
    readable = {code: version for code, version in published.items() if version.state != WITHDRAWN}
    code = next((code for code in (*languages, first.source_language, *LANGUAGES) if code in readable), None)
    if code is None:
        return None
    shown = readable[code]
    notice = None if code == interface else CHOSEN if interface in readable else NOT_IN_HERS
    source = published.get(first.source_language)
    out_of_date = (code != first.source_language and source is not None
                   and (shown.source_number or 0) < source.number)
    return Reading(first.id, first.slug, shown, notice, out_of_date,
                   [version for other, version in readable.items() if other != code])


@functools.cache
def _reading_statement():
    """A leaflet's published versions (withdrawn ones too: a withdrawn source still dates the others),
    in the order of its language versions."""
    leaflets, texts, revisions = Leaflet.__table__, LeafletTranslation.__table__, LeafletRevision.__table__
    return (select(leaflets.c.id, leaflets.c.slug, leaflets.c.source_language, texts.c.language, texts.c.state,
                   revisions.c.number, revisions.c.title, revisions.c.body, revisions.c.source_number,
                   revisions.c.published_at, revisions.c.pdf_file_id)
            .select_from(leaflets)
            .join(texts, texts.c.leaflet_id == leaflets.c.id)
            .join(revisions, revisions.c.id == texts.c.published_revision_id)
            .where(leaflets.c.slug == bindparam("slug"))
            .order_by(texts.c.id))


def language_notice(leaflet: Leaflet, shown: LeafletTranslation, interface: str) -> str | None:
    """What to tell a reader whose interface is in another language than the version shown:
    NOT_IN_HERS when there is no published version in her interface language, CHOSEN when
    there is one but she is reading another; None when the two languages are the same."""
    if shown.language == interface:
        return None
    return CHOSEN if visible(leaflet.translation(interface)) else NOT_IN_HERS


class Listed(NamedTuple):
    """A leaflet in the reading list: the version shown, and whether it is not in her first language."""
    slug: str
    language: str
    title: str
    fallback: bool


def browse(languages: list[str], subject: str | None = None) -> list[Listed]:
    """Every leaflet with a version to read (on `subject`), in the first of her languages that has one,
    else in the source language or any (as `version_for` chooses), by short name. One statement of
    plain columns: the list shows titles only, not the texts (a few kB each in every language)."""
    shown: list[Listed] = []
    for _id, rows in itertools.groupby(db.session.execute(_browse_statement()), key=lambda row: row.id):
        rows = list(rows)
        first = rows[0]
        if subject and subject not in first.subjects.split(","):
            continue
        titles = {row.language: row.title for row in rows}
        code = next((code for code in (*languages, first.source_language, *LANGUAGES) if code in titles), None)
        if code is not None:
            shown.append(Listed(first.slug, code, titles[code], code != languages[0]))
    return shown


@functools.cache
def _browse_statement():
    """Built once per process: each leaflet's published, not withdrawn, versions' languages and titles."""
    leaflets, texts, revisions = Leaflet.__table__, LeafletTranslation.__table__, LeafletRevision.__table__
    return (select(leaflets.c.id, leaflets.c.slug, leaflets.c.subjects, leaflets.c.source_language, texts.c.language,
                   revisions.c.title)
            .select_from(leaflets)
            .join(texts, texts.c.leaflet_id == leaflets.c.id)
            .join(revisions, revisions.c.id == texts.c.published_revision_id)
            .where(texts.c.state != WITHDRAWN)
            .order_by(leaflets.c.slug, leaflets.c.id))


def for_topic(topic_id: int | None, languages: list[str]) -> list[tuple[Leaflet, LeafletTranslation, bool]]:
    """Leaflets attached to a topic, for the meeting page: what the facilitator may print."""
    if topic_id is None:
        return []
    leaflets = db.session.scalars(
        select(Leaflet).join(Leaflet.topics).where(Topic.id == topic_id).order_by(Leaflet.slug)
    ).all()
    found = [(leaflet, *version_for(leaflet, languages)) for leaflet in leaflets]
    return [(leaflet, t, fallback) for leaflet, t, fallback in found if t is not None]
