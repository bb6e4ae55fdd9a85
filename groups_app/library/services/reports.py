"""Library figures for coordinators, each one aggregate query."""
from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import func, select

from ...core.timeutil import aware, program_zone, zone
from ...extensions import db
from ...groups.models import Group
from ..models import Book, Copy, Loan


def loans_per_month(since: date) -> list[tuple[str, date, int]]:
    """(group, the month's first day, loans) since a date, each loan in its month on the group's calendar."""
    start = datetime.combine(since, time(), tzinfo=program_zone()).astimezone(UTC)  # SQLite compares UTC text
    rows = db.session.execute(
        select(Group.name, Group.timezone, Loan.out_at).join(Copy, Copy.id == Loan.copy_id)
        .join(Group, Group.id == Copy.group_id).where(Loan.out_at >= start)
    ).all()
    counts: dict[tuple[str, str], int] = {}
    for name, where, out_at in rows:  # months counted here: SQLite and PostgreSQL name months differently
        key = (name, aware(out_at).astimezone(zone(where)).date().replace(day=1))
        counts[key] = counts.get(key, 0) + 1
    return sorted(((g, m, n) for (g, m), n in counts.items()), key=lambda r: (r[1], r[0]), reverse=True)


def most_borrowed(limit: int = 10) -> list[tuple[Book, int]]:
    return list(db.session.execute(
        select(Book, func.count(Loan.id)).join(Copy, Copy.book_id == Book.id).join(Loan, Loan.copy_id == Copy.id)
        .group_by(Book.id).order_by(func.count(Loan.id).desc(), Book.title).limit(limit)
    ).all())


def titles_by_language() -> dict[str, int]:
    return {lang: n for lang, n in db.session.execute(select(Book.language, func.count(Book.id)).group_by(Book.language))}


def copies_lost() -> list[tuple[str, int]]:
    return list(db.session.execute(
        select(Group.name, func.count(Copy.id)).join(Group, Group.id == Copy.group_id).where(Copy.status == "lost")
        .group_by(Group.name).order_by(Group.name)
    ).all())
