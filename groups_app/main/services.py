"""Figures for the coordinator's overview: counts only, never a mother's details."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

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
    """Four aggregate queries, whatever the number of people."""
    today = today or today_in()  # the program's calendar: it belongs to no one group
    by_role = dict(db.session.execute(select(UserRole.role, func.count()).group_by(UserRole.role)).all())
    mothers = select(User.id).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == "mother", User.active.is_(True))
    by_language = dict(
        db.session.execute(
            select(User.language, func.count()).where(User.id.in_(mothers)).group_by(User.language)
        ).all()
    )
    locality_rows = db.session.execute(
        select(Locality, func.count(User.id))
        .select_from(User)
        .outerjoin(Locality, User.locality_id == Locality.id)
        .where(User.id.in_(mothers))
        .group_by(Locality.id)
        .order_by(func.count(User.id).desc())
    ).all()
    stage = db.session.execute(
        select(
            func.sum(case((User.due_date >= today, 1), else_=0)),
            func.sum(case((User.baby_birth_date.is_not(None), 1), else_=0)),
            func.sum(case((User.first_time_mother.is_(True), 1), else_=0)),
        ).where(User.id.in_(mothers))
    ).one()
    return ProgramOverview(
        people_by_role=by_role,
        mothers_by_language=by_language,
        mothers_by_locality=[(loc, n) for loc, n in locality_rows],
        pregnant=stage[0] or 0,
        with_baby=stage[1] or 0,
        first_time=stage[2] or 0,
    )
