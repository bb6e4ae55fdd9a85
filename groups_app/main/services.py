"""Figures for the coordinator's overview: counts only, never a mother's details.

The counts are kept by each process for the version of the facts they count (`data_versions`,
changed by triggers in the same transaction as any counted fact: migration 0018) and the program's
today, so a coordinator opening the page again runs one cheap statement, however many mothers.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from flask import current_app
from sqlalchemy import and_, bindparam, case, func, literal, null, select, union_all

from ..accounts.models import User, UserRole
from ..core.i18n import LANGUAGE_LABELS
from ..core.places import Locality
from ..core.timeutil import today as today_in
from ..core.web import count_text
from ..extensions import db
from .models import OVERVIEW, DataVersion
from .versions import changed_setting

_KEPT = "main.program_overview"  # app.extensions: (version, today, ProgramOverview), the last counted


class LocalityNames(NamedTuple):
    """A locality's names, for `Locality.name(names, locale)` (the page shows only a name)."""

    id: int
    name_en: str
    name_he: str
    name_ar: str | None
    name_ru: str | None


@dataclass(frozen=True)
class ProgramOverview:
    """Shared by the requests of a process while its version holds: never changed once made."""

    people_by_role: dict[str, int]
    mothers_by_language: dict[str, int]
    mothers_by_locality: list[tuple[LocalityNames | None, int]]  # None: no locality given
    pregnant: int
    with_baby: int
    first_time: int


CHANGED_HERE = changed_setting(OVERVIEW)  # PostgreSQL: set in a transaction that changed a counted fact (0018)


@functools.cache
def _statements(postgresql: bool = False):
    """The overview's version, and everything it shows in one statement, built once per process
    (SQLAlchemy spends a hundred calls or more building and cache-keying a select): `today` is a
    bound parameter, never baked in, so a statement made on one day still counts right on the next.
    One statement reads the version beside the counts from one snapshot of the database (PostgreSQL
    gives each statement its own), so the version it returns is the version of those counts, even
    when a change is committed while it runs. Rows: ("m", language, locality, n, expecting, baby,
    first, names...) per language and locality; ("r", role, None, n, ...) per role; ("v", "y" on
    PostgreSQL when this transaction changed a counted fact, n=the version) when the version row is
    there."""
    version = select(DataVersion.n).where(DataVersion.name == OVERVIEW)
    grouped = (
        select(
            User.language, User.locality_id, func.count().label("n"),
            func.sum(case((User.due_date >= bindparam("today"), 1), else_=0)).label("expecting"),
            func.sum(case((User.baby_birth_date.is_not(None), 1), else_=0)).label("baby"),
            func.sum(case((User.first_time_mother.is_(True), 1), else_=0)).label("first"),
        ).join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == "mother"))
        .where(User.active.is_(True)).group_by(User.language, User.locality_id)
    ).subquery()
    # Each group of mothers with its locality's names: joined after counting, so once per group, not per mother
    mothers = (select(literal("m").label("kind"), grouped, Locality.name_en, Locality.name_he, Locality.name_ar,
                      Locality.name_ru)
               .select_from(grouped.outerjoin(Locality, Locality.id == grouped.c.locality_id)))
    by_role = select(literal("r"), UserRole.role, null(), func.count(), *[null()] * 7).group_by(UserRole.role)
    changed_here = func.current_setting(CHANGED_HERE, True) if postgresql else null()
    versions = select(literal("v"), changed_here, null(), DataVersion.n, *[null()] * 7).where(DataVersion.name == OVERVIEW)
    return version, union_all(mothers, by_role, versions)


def program_overview(today: date | None = None) -> ProgramOverview:
    """The overview as of `today` (the program's by default). Kept by this process for the version
    it was counted at and the day (who is pregnant depends on the day): when both still hold, one
    statement (the version) answers; otherwise a second one counts, whatever the number of people
    (roles from an index; one pass over the active mothers, grouped by language and locality with the
    stage sums, from an index of users in that order; each group's locality names), and its version
    comes in the same statement. A session's own changes, flushed and not yet committed, are counted:
    on SQLite the triggers changed the version in its transaction (a version never seen again if it
    rolls back: each is a fresh random number); on PostgreSQL they change it once per transaction,
    so counts made in a transaction that changed a counted fact are not kept at all."""
    today = today or today_in()  # the program's calendar: it belongs to no one group
    # Plain Core rows through the session's connection: the ORM's result layer costs a few calls a row,
    # and the counts come as a row per language and locality (a few hundred)
    session = db.session()
    session.flush()  # as the session's own execute would (and the triggers see her pending changes)
    connection = session.connection()
    version_statement, counts_statement = _statements(connection.dialect.name == "postgresql")
    version = connection.execute(version_statement).scalar()
    kept = current_app.extensions.get(_KEPT)  # one slot, replaced whole: safe for the threads of a process
    if kept is not None and version is not None and (version, today) == kept[:2]:
        return kept[2]
    overview, version = _counted(connection.execute(counts_statement, {"today": today}))
    if version is not None:  # None: no version row (emptied by hand) or changed in this transaction
        current_app.extensions[_KEPT] = (version, today, overview)
    return overview


def _counted(rows) -> tuple[ProgramOverview, int | None]:
    """The overview from the counting statement's rows, and the version they were counted at."""
    by_role: dict[str, int] = {}
    by_language: dict[str, int] = {}
    by_locality: dict[int | None, int] = {}
    named: dict[int, LocalityNames] = {}
    pregnant = with_baby = first_time = 0
    version = None
    for kind, key, locality_id, n, expecting, baby, first, *names in rows:
        if kind == "r":
            by_role[key] = n
        elif kind == "v":
            version = n if key != "y" else None  # PostgreSQL's triggers change the version once per transaction
        else:
            by_language[key] = by_language.get(key, 0) + n
            by_locality[locality_id] = by_locality.get(locality_id, 0) + n
            pregnant, with_baby, first_time = pregnant + (expecting or 0), with_baby + (baby or 0), first_time + (first or 0)
            if locality_id is not None and locality_id not in named and names[0] is not None:
                named[locality_id] = LocalityNames(locality_id, *names)
    return ProgramOverview(
        people_by_role=by_role,
        mothers_by_language=by_language,
        mothers_by_locality=sorted(((named.get(i), n) for i, n in by_locality.items()), key=lambda pair: -pair[1]),
        pregnant=pregnant,
        with_baby=with_baby,
        first_time=first_time,
    ), version


def overview_rows(overview: ProgramOverview, locale: str, role_labels: dict[str, str]) -> dict[str, list[tuple]]:
    """The overview's three tables as (label, count written in the reader's language) rows: mothers by
    language (each language named in itself), by locality (named in the reader's language; None where
    not given) and people by role (`role_labels` already in her language)."""
    return {
        "by_language": [(label, count_text(overview.mothers_by_language.get(code, 0), locale))
                      for code, label in LANGUAGE_LABELS.items()],
        "by_locality": [(Locality.name(row, locale) if row is not None else None, count_text(count, locale))
                   for row, count in overview.mothers_by_locality],
        "by_role": [(label, count_text(overview.people_by_role.get(code, 0), locale)) for code, label in role_labels.items()],
    }
