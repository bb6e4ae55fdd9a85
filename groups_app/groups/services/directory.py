"""The group directory: every open group, a page at a time, with what its card shows."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from flask_babel import get_locale
from sqlalchemy import Row, bindparam, case, func, select
from sqlalchemy.orm import lazyload

from ...core.places import Locality, locality_choices
from ...core.sql import bound_page, listed_in, listed_in_bound, listed_in_values, page_window
from ...extensions import db
from ...main.versions import kept_localities, localities_columns, localities_version_of
from ..models import Group, Membership
from ..models.group import MEMBER


@dataclass
class DirectoryEntry:
    group: Group
    members: int

    @property
    def seats_left(self) -> int:
        return max(self.group.capacity - self.members, 0)


DIRECTORY_PER_PAGE = 20


def _directory_query(locality_id: int | None, language: str | None, weekday: int | None):
    """Groups not archived, open ones first: what a card shows, and no more (a card names no
    facilitator, so theirs are not loaded)."""
    query = (
        select(Group)
        .where(Group.archived.is_(False))
        .options(lazyload(Group.facilitator_links))
        .order_by(case((Group.open.is_(True), 0), else_=1), Group.name, Group.id)
    )
    if locality_id:
        query = query.where(Group.locality_id == locality_id)
    if language:
        query = query.where(listed_in(Group.languages, language))
    if weekday is not None:
        query = query.where(Group.weekday == weekday)
    return query


def _member_counts(group_ids: list[int]) -> dict[int, int]:
    """Seated members of these groups only, in one query (not a count over every group's members)."""
    return dict(db.session.execute(
        select(Membership.group_id, func.count(Membership.id))
        .where(Membership.group_id.in_(group_ids), Membership.status == MEMBER)
        .group_by(Membership.group_id)
    ).all())


def directory(locality_id: int | None = None, language: str | None = None, weekday: int | None = None) -> list[DirectoryEntry]:
    """Every group of the directory with its member count, in two queries whatever their number."""
    groups = list(db.session.scalars(_directory_query(locality_id, language, weekday)).unique())
    counts = _member_counts([g.id for g in groups])
    return [DirectoryEntry(group, counts.get(group.id, 0)) for group in groups]


@dataclass
class DirectoryCard:
    """A group as the directory's card shows it: plain values, not a Group object."""

    group: Row  # id, name, open, weekday, start_time, languages, capacity (and its locality's names)
    members: int  # seated members
    place: str  # its locality, named in the reader's language

    @property
    def seats_left(self) -> int:
        return max(self.group.capacity - self.members, 0)


@functools.cache
def _directory_statements(by_locality: bool, by_language: bool, by_weekday: bool, postgresql: bool = False):
    """A page of the directory and its total, built once per process for each combination of
    filters (the values bound parameters; the page's limit and offset written into its text when it
    runs, core.sql.page_window). A card's values only: a Group object with its locality cost the ORM
    a few hundred calls a page, and building the statements again on every request as many."""
    conditions = [Group.archived.is_(False)]
    limit, offset = page_window()  # in the statement's text: PostgreSQL keeps one plan for it
    if by_locality:
        conditions.append(Group.locality_id == bindparam("locality_id"))
    if by_language:
        conditions.append(listed_in_bound(Group.languages, "language"))
    if by_weekday:
        conditions.append(Group.weekday == bindparam("weekday"))
    members = (select(func.count(Membership.id)).where(Membership.group_id == Group.id, Membership.status == MEMBER)
               .correlate(Group).scalar_subquery())
    page = (select(Group.id, Group.name, Group.open, Group.weekday, Group.start_time, Group.languages, Group.capacity,
                   Locality.name_en, Locality.name_he, Locality.name_ar, Locality.name_ru,
                   *localities_columns(postgresql), members)  # the localities' version: for the filter's names
            .outerjoin(Locality, Locality.id == Group.locality_id)
            .where(*conditions)
            .order_by(case((Group.open.is_(True), 0), else_=1), Group.name, Group.id)
            .limit(limit).offset(offset))
    total = select(func.count()).select_from(Group).where(*conditions)
    return page, total


def directory_page(locality_id: int | None = None, language: str | None = None, weekday: int | None = None,
                   page: int = 1, per_page: int = DIRECTORY_PER_PAGE, reader: str | None = None):
    """One page of the directory (`.items` are DirectoryCard): the page's groups with their member
    counts, each locality named in the `reader`'s language (else the request's), and the total;
    two statements, however many groups the program has. `.localities_version`: the version to keep
    the locality filter's names under (`locality_options`), read beside the groups."""
    params: dict = {}
    if locality_id:
        params["locality_id"] = locality_id
    if language:
        params.update(listed_in_values("language", language))
    if weekday is not None:
        params["weekday"] = weekday
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    statements = _directory_statements(bool(locality_id), bool(language), weekday is not None, postgresql)
    reader = reader or str(get_locale() or "en")
    # The total by a count of its own: a window count beside the rows made the database carry every
    # group's whole row to count them (1.6 ms against 0.3 ms at 300 groups on SQLite)
    pagination = bound_page(statements, params, page, per_page,
                            item=lambda row: DirectoryCard(row, row[-1] or 0, Locality.name(row, reader)))
    pagination.localities_version = localities_version_of(pagination.items[0].group if pagination.items else None)
    return pagination


def locality_options(reader: str | None = None, version: int | None = None) -> list[tuple[int, str]]:
    """The directory's locality filter: `core.places.locality_choices` in the reader's language, kept
    for the localities' `version` (`directory_page`'s) when there is one."""
    return locality_choices(reader, kept_localities(version))
