"""What the tree, her own page, the certificate and the coordinators' counts show."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.orm import joinedload, lazyload

from ...accounts.auth import normalise_email
from ...accounts.models import User
from ...core.errors import NotAllowed
from ...core.timeutil import aware, program_zone
from ...extensions import db
from ...groups.models import Group
from ...visits.models import Volunteer
from ..models import Dedication

SHOWN = (Dedication.consent == "agreed") & (Dedication.review == "approved")


@dataclass(frozen=True)
class Filters:
    group_id: int | None = None
    year: int | None = None


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = program_zone()
    return (datetime(year, 1, 1, tzinfo=zone).astimezone(UTC), datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC))


def _shown(filters: Filters):
    query = select(Dedication).where(SHOWN)
    if filters.group_id is not None:
        query = query.where(Dedication.group_id == filters.group_id)
    if filters.year is not None:
        start, end = _year_bounds(filters.year)
        query = query.where(Dedication.created_at >= start, Dedication.created_at < end)
    return query


def shown_ids(filters: Filters) -> list[int]:
    """Every leaf of the (filtered) tree: ids only, whatever their number."""
    return list(db.session.scalars(_shown(filters).with_only_columns(Dedication.id).order_by(Dedication.id)))


def shown_page(filters: Filters, page: int = 1, per_page: int = 50):
    """The messages of the leaves in reading order, oldest first (the tree grows from them)."""
    # The tree shows the message and the mentor's first name: nothing else is loaded with them.
    query = _shown(filters).options(lazyload(Dedication.writer), lazyload(Dedication.group),
                                    joinedload(Dedication.mentor).lazyload(User.roles))
    return db.paginate(query.order_by(Dedication.id), page=page, per_page=per_page, error_out=False)


def filter_options() -> tuple[list[tuple[int, str]], list[int]]:
    """The groups that have leaves, and the years that have: two queries."""
    groups = db.session.execute(
        select(Group.id, Group.name).join(Dedication, Dedication.group_id == Group.id).where(SHOWN)
        .group_by(Group.id, Group.name).order_by(Group.name)
    ).all()
    first, last = db.session.execute(select(func.min(Dedication.created_at), func.max(Dedication.created_at))
                                     .where(SHOWN)).one()
    years = []
    if first is not None:
        zone = program_zone()
        years = list(range(aware(last).astimezone(zone).year, aware(first).astimezone(zone).year - 1, -1))
    return [(row.id, row.name) for row in groups], years


def _to_her(user: User):
    """Hers: written to her account, or to her email address before she had one."""
    return _mentor_is(user.id, normalise_email(user.email) or None)


def _mentor_is(user_id, email=None):
    """Written to this account, or to this email address before it had one (values, or bound
    parameters in a statement built once)."""
    if email is not None:
        return or_(Dedication.mentor_id == user_id, (Dedication.mentor_id.is_(None)) & (Dedication.mentor_email == email))
    return Dedication.mentor_id == user_id


def received(user: User) -> list[Dedication]:
    """The dedications to her, newest first (she sees every one, whatever its state)."""
    return list(db.session.scalars(select(Dedication).where(_to_her(user), Dedication.writer_id != user.id)
                                   .order_by(Dedication.created_at.desc(), Dedication.id.desc())).unique())


def written(user: User) -> list[Dedication]:
    return list(db.session.scalars(select(Dedication).where(Dedication.writer_id == user.id)
                                   .order_by(Dedication.created_at.desc(), Dedication.id.desc())).unique())


def _waiting_for_answer(user: User):
    return select(func.count(Dedication.id)).where(_to_her(user), Dedication.consent == "waiting",
                                                   Dedication.writer_id != user.id)


def waiting_for_answer(user: User) -> int:
    return db.session.scalar(_waiting_for_answer(user))


def home_counts(user: User) -> tuple[int, int | None]:
    """For her home page, in one statement: the thanks waiting for her answer, and for staff the
    thanks waiting for review (None for anyone else, who may not know it). Her home page asks the
    same columns within its probe (thanks.home.probe)."""
    shape, params = home_counts_shape(user)
    return home_counts_from(shape, db.session.execute(_home_counts_statement(shape), params).one())


def home_counts_shape(user: User) -> tuple[tuple[bool, bool], dict]:
    email = normalise_email(user.email)
    return (bool(email), user.has_role("staff")), {"user_id": user.id, "email": email}


def home_counts_from(shape: tuple[bool, bool], row) -> tuple[int, int | None]:
    return row[0], (row[1] if shape[1] else None)


@functools.cache
def _home_counts_statement(shape: tuple[bool, bool]):
    return select(*home_counts_columns(shape))


@functools.cache
def home_counts_columns(shape: tuple[bool, bool]) -> tuple:
    """Built once per process (every home page asks them), her id and email as parameters."""
    by_email, staff = shape
    user_id = bindparam("user_id")
    answer = (select(func.count(Dedication.id))
              .where(_mentor_is(user_id, bindparam("email") if by_email else None), Dedication.consent == "waiting",
                     Dedication.writer_id != user_id).scalar_subquery())
    if not staff:
        return (answer,)
    return answer, select(func.count(Dedication.id)).where(Dedication.review == "waiting").scalar_subquery()


def for_certificate(user: User, chosen: list[int]) -> list[Dedication]:
    """The dedications to her that she chose (all of hers when she chose none), leaving out those the
    program did not approve; oldest first."""
    query = select(Dedication).where(Dedication.mentor_id == user.id, Dedication.review != "rejected")
    if chosen:
        query = query.where(Dedication.id.in_(chosen))
    return list(db.session.scalars(query.order_by(Dedication.created_at, Dedication.id)).unique())


@dataclass
class Count:
    written: int = 0
    shown: int = 0


def _counts(column, where=None) -> dict[int, Count]:
    query = select(column, func.count(Dedication.id), func.sum(case((SHOWN, 1), else_=0))).where(column.is_not(None))
    if where is not None:
        query = query.where(where)
    return {key: Count(total, int(shown or 0)) for key, total, shown in db.session.execute(query.group_by(column))}


def volunteer_counts(volunteer_ids) -> dict[int, Count]:
    """For the volunteer's record: the thanks written to her as a volunteer, and those on the tree."""
    ids = list(volunteer_ids)
    found = _counts(Dedication.volunteer_id, Dedication.volunteer_id.in_(ids)) if ids else {}
    return {i: found.get(i, Count()) for i in ids}


@dataclass
class CountRow:
    id: int  # the group's or the volunteer's record's
    name: str
    count: Count


def counts(*, by: User) -> tuple[list[CountRow], list[CountRow]]:
    """Counts per group and per volunteer, for coordinators: four queries."""
    if by is None or not by.has_role("coordinator"):
        raise NotAllowed(_l("Only the program's coordinators can see these counts."))
    per_group = _counts(Dedication.group_id)
    per_volunteer = _counts(Dedication.volunteer_id)
    groups = db.session.execute(select(Group.id, Group.name).where(Group.id.in_(per_group))).all() if per_group else []
    volunteers = db.session.execute(
        select(Volunteer.id, User.name).join(User, User.id == Volunteer.user_id).where(Volunteer.id.in_(per_volunteer))
    ).all() if per_volunteer else []
    group_rows = sorted((CountRow(i, name, per_group[i]) for i, name in groups), key=lambda r: r.name.casefold())
    volunteer_rows = sorted((CountRow(i, name, per_volunteer[i]) for i, name in volunteers),
                            key=lambda r: r.name.casefold())
    return group_rows, volunteer_rows


def export_thanks(user: User) -> dict:
    """Her part of her data download: what she wrote and what was written to her."""
    def item(d: Dedication, **more) -> dict:
        return {"message": d.message, "language": d.language, "written": d.created_at.isoformat(),
                "mentor_agreed": d.consent, "review": d.review, **more}

    return {
        "thanks_written": [item(d, to=d.mentor_display_name, signed_as=d.signed_as) for d in written(user)],
        "thanks_received": [item(d, signed_as=d.signed_as) for d in received(user)],
    }
