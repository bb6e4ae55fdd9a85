"""Figures for the coordinator's overview: counts only, never a mother's details."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from babel.numbers import format_decimal
from sqlalchemy import and_, bindparam, case, func, select

from ..accounts.models import User, UserRole
from ..core.i18n import LANGUAGE_LABELS
from ..core.places import Locality
from ..core.timeutil import today as today_in
from ..extensions import db


class LocalityNames(NamedTuple):
    """A locality's names, for `Locality.name(names, locale)` (the page shows only a name)."""

    id: int
    name_en: str
    name_he: str
    name_ar: str | None
    name_ru: str | None


@dataclass
class ProgramOverview:
    people_by_role: dict[str, int]
    mothers_by_language: dict[str, int]
    mothers_by_locality: list[tuple[LocalityNames | None, int]]  # None: no locality given
    pregnant: int
    with_baby: int
    first_time: int


@functools.cache
def _statements():
    """The overview's two statements, built once per process (SQLAlchemy spends a hundred calls or
    more building and cache-keying a select): `today` is a bound parameter, never baked in, so a
    statement made on one day still counts right on the next."""
    by_role = select(UserRole.role, func.count()).group_by(UserRole.role)
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
    mothers = (select(grouped, Locality.name_en, Locality.name_he, Locality.name_ar, Locality.name_ru)
               .select_from(grouped.outerjoin(Locality, Locality.id == grouped.c.locality_id)))
    return by_role, mothers


def program_overview(today: date | None = None) -> ProgramOverview:
    """Two queries whatever the number of people: roles (counted from an index), and one pass over
    the active mothers (grouped by language and locality, with the stage sums beside, read from an
    index of users in that order), each group with its locality's names."""
    today = today or today_in()  # the program's calendar: it belongs to no one group
    by_role_statement, mothers_statement = _statements()
    # Plain Core rows through the session's connection: the ORM's result layer costs a few calls a row,
    # and the mothers' statement gives a row per language and locality (a few hundred)
    session = db.session()
    session.flush()  # as the session's own execute would
    connection = session.connection()
    by_role = dict(connection.execute(by_role_statement).all())
    by_language: dict[str, int] = {}
    by_locality: dict[int | None, int] = {}
    named: dict[int, LocalityNames] = {}
    pregnant = with_baby = first_time = 0
    for language, locality_id, n, expecting, baby, first, *names in connection.execute(mothers_statement, {"today": today}):
        by_language[language] = by_language.get(language, 0) + n
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
    )


@functools.lru_cache(maxsize=4096)
def count_text(number: int, locale: str) -> str:
    """A count as the reader's language writes it (what the `numberformat` filter writes), made once
    per number and language: the overview shows fifty of them."""
    return format_decimal(number, locale=locale)


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
