"""Figures for the coordinator's overview: counts only, never a mother's details."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from ..accounts.models import User, UserRole
from ..core.places import Locality
from ..extensions import db
from ..groups.models import Group, Meeting, Membership
from ..groups.services import meetings as meeting_services


@dataclass
class MyGroup:
    group: Group
    status: str
    position: int | None
    next_meeting: Meeting | None


def my_groups(user: User) -> list[MyGroup]:
    """Her groups (and waiting lists) with each one's next meeting, in two queries."""
    rows = db.session.execute(
        select(Group, Membership.status, Membership.position)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == user.id, Group.archived.is_(False))
        .order_by(Group.name)
    ).unique().all()
    upcoming = meeting_services.upcoming([g.id for g, _, _ in rows], per_group=1)
    return [MyGroup(g, status, position, (upcoming.get(g.id) or [None])[0]) for g, status, position in rows]


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
    today = today or date.today()
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
