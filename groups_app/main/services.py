"""Figures for the coordinator's overview: counts only, never a mother's details."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select

from ..accounts.models import User, UserRole
from ..core.places import Locality
from ..core.timeutil import today as today_in
from ..extensions import db


@dataclass
class ProgramOverview:
    people_by_role: dict[str, int]
    mothers_by_language: dict[str, int]
    mothers_by_locality: list[tuple[Locality | None, int]]
    pregnant: int
    with_baby: int
    first_time: int


def program_overview(today: date | None = None) -> ProgramOverview:
    """Three queries whatever the number of people: roles (counted from an index), one pass over
    the active mothers (grouped by language and locality, with the stage sums beside, read from an
    index of users in that order), and the localities named."""
    today = today or today_in()  # the program's calendar: it belongs to no one group
    by_role = dict(db.session.execute(select(UserRole.role, func.count()).group_by(UserRole.role)).all())
    rows = db.session.execute(
        select(
            User.language, User.locality_id, func.count(),
            func.sum(case((User.due_date >= today, 1), else_=0)),
            func.sum(case((User.baby_birth_date.is_not(None), 1), else_=0)),
            func.sum(case((User.first_time_mother.is_(True), 1), else_=0)),
        ).join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == "mother"))
        .where(User.active.is_(True)).group_by(User.language, User.locality_id)
    ).all()
    by_language: dict[str, int] = {}
    by_locality: dict[int | None, int] = {}
    pregnant = with_baby = first_time = 0
    for language, locality_id, n, expecting, baby, first in rows:
        by_language[language] = by_language.get(language, 0) + n
        by_locality[locality_id] = by_locality.get(locality_id, 0) + n
        pregnant, with_baby, first_time = pregnant + (expecting or 0), with_baby + (baby or 0), first_time + (first or 0)
    named = {loc.id: loc for loc in db.session.scalars(select(Locality).where(Locality.id.in_([i for i in by_locality if i])))}
    return ProgramOverview(
        people_by_role=by_role,
        mothers_by_language=by_language,
        mothers_by_locality=sorted(((named.get(i), n) for i, n in by_locality.items()), key=lambda pair: -pair[1]),
        pregnant=pregnant,
        with_baby=with_baby,
        first_time=first_time,
    )
