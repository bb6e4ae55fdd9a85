"""The coordinator's attendance figures per group and month, and their CSV."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import and_, func, or_, select, union
from sqlalchemy.orm import aliased

from ...accounts.models import User
from ...core.csvsafe import safe_row
from ...core.sql import listed_in, paginate
from ...core.timeutil import aware, program_zone, utcnow, zone
from ...extensions import db
from ..models import Attendance, Group, Guest, Meeting
from ..models.meeting import SCHEDULED
from ..schedule import local


@dataclass
class GroupMonth:
    group: Group
    meetings: int = 0
    attendances: int = 0
    distinct: int = 0
    first_time: int = 0
    pregnant: int = 0
    breastfeeding: int = 0
    regulars: int = 0


PER_PAGE = 25
REGULAR_OF_LAST, REGULAR_AT_LEAST = 6, 3  # a regular came to at least 3 of the group's last 6 meetings


def _month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


def _midnight(day: date, name) -> datetime:
    """Midnight starting `day` in the zone `name`, in UTC: SQLite compares the stored UTC text as it is."""
    return datetime.combine(day, datetime.min.time(), tzinfo=zone(name)).astimezone(UTC)


def groups_query(locality_id: int | None = None, language: str | None = None):
    """The groups the report covers, by name: the page's rows or the whole CSV."""
    query = select(Group).where(Group.archived.is_(False)).order_by(Group.name, Group.id)
    if locality_id:
        query = query.where(Group.locality_id == locality_id)
    if language:
        query = query.where(listed_in(Group.languages, language))
    return query


def report_page(month: date, locality_id: int | None = None, language: str | None = None, page: int = 1,
                per_page: int = PER_PAGE, now: datetime | None = None):
    """One page of groups with their figures for the month: `.items` are GroupMonth rows."""
    pagination = paginate(groups_query(locality_id, language), page, per_page)
    pagination.items = figures(list(pagination.items), month, now)
    return pagination


def attendance_report(month: date, locality_id: int | None = None, language: str | None = None,
                      now: datetime | None = None) -> list[GroupMonth]:
    """Every group's figures for the month (the CSV's rows, a chunk at a time, use `figures`)."""
    return figures(list(db.session.scalars(groups_query(locality_id, language)).unique()), month, now)


def figures(groups: list[Group], month: date, now: datetime | None = None) -> list[GroupMonth]:
    """Per group, for one month: meetings held, attendances, distinct mothers, first-timers,
    pregnant and breastfeeding, and regulars (at 3 or more of the group's last 6 meetings held).

    Counted by the database, four statements for these groups whatever the years behind them;
    Python sees one row per mother who came that month. A month is the group's own calendar month.
    """
    if not groups:
        return []
    first, following = _month_bounds(month)
    cutoff = min(now or utcnow(), _midnight(following, program_zone()))  # as of the month's end
    report = {g.id: GroupMonth(g) for g in groups}
    zones: dict[str, list[int]] = {}
    for group in groups:
        zones.setdefault(group.timezone, []).append(group.id)
    held = and_(Meeting.group_id.in_(report), Meeting.status == SCHEDULED, Meeting.starts_at <= cutoff)
    in_month = or_(*(and_(Meeting.group_id.in_(ids), Meeting.starts_at >= _midnight(first, name),
                          Meeting.starts_at < _midnight(following, name)) for name, ids in zones.items()))
    before_month = or_(*(and_(Meeting.group_id.in_(ids), Meeting.starts_at < _midnight(first, name))
                         for name, ids in zones.items()))

    for group_id, n in db.session.execute(
        select(Meeting.group_id, func.count()).where(held, in_month).group_by(Meeting.group_id)
    ):
        report[group_id].meetings = n

    # One row per person who came this month: how often, her first meeting of the month, her stage.
    people = db.session.execute(
        select(Meeting.group_id, Attendance.user_id, Attendance.guest_id, func.count(), func.min(Meeting.starts_at),
               func.max(User.due_date), func.max(User.baby_birth_date), func.max(Guest.stage))
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .outerjoin(User, User.id == Attendance.user_id)
        .outerjoin(Guest, Guest.id == Attendance.guest_id)
        .where(held, in_month)
        .group_by(Meeting.group_id, Attendance.user_id, Attendance.guest_id)
    ).all()
    for group_id, user_id, _guest_id, times, first_at, due, born, stage in people:
        entry = report[group_id]
        entry.attendances += times
        entry.distinct += 1
        day = local(aware(first_at), entry.group.timezone).date()
        is_pregnant = stage == "pregnant" or bool(user_id and due is not None and due >= day and (born is None or born > day))
        is_feeding = stage == "breastfeeding" or bool(user_id and born is not None and born <= day)
        entry.pregnant += 1 if is_pregnant else 0
        entry.breastfeeding += 1 if is_feeding and not is_pregnant else 0

    # First-timers: who came this month and never to a meeting of this group before it.
    month_people = select(Meeting.group_id, Attendance.user_id, Attendance.guest_id).join(
        Attendance, Attendance.meeting_id == Meeting.id).where(held, in_month).distinct().subquery()
    earlier = aliased(Attendance)

    def came_before(person):
        return (select(Meeting.group_id, person).join(earlier, earlier.meeting_id == Meeting.id)
                .join(month_people, and_(month_people.c.group_id == Meeting.group_id,
                                         getattr(month_people.c, person.key) == person))
                .where(Meeting.group_id.in_(report), Meeting.status == SCHEDULED, before_month))

    returning: dict[int, int] = {}
    for group_id, _person in db.session.execute(union(came_before(earlier.user_id), came_before(earlier.guest_id))):
        returning[group_id] = returning.get(group_id, 0) + 1
    people_by_group: dict[int, int] = {}
    for row in people:
        people_by_group[row[0]] = people_by_group.get(row[0], 0) + 1
    for group_id, n in people_by_group.items():
        report[group_id].first_time = n - returning.get(group_id, 0)

    # Regulars, over each group's last six meetings held by the month's end.
    ranked = select(Meeting.id, Meeting.group_id, func.row_number().over(
        partition_by=Meeting.group_id, order_by=Meeting.starts_at.desc()).label("n")).where(held).subquery()
    regular = (select(ranked.c.group_id).join(Attendance, Attendance.meeting_id == ranked.c.id)
               .where(ranked.c.n <= REGULAR_OF_LAST)
               .group_by(ranked.c.group_id, Attendance.user_id, Attendance.guest_id)
               .having(func.count() >= REGULAR_AT_LEAST).subquery())
    for group_id, n in db.session.execute(select(regular.c.group_id, func.count()).group_by(regular.c.group_id)):
        report[group_id].regulars = n
    return list(report.values())


CSV_COLUMNS = (
    _l("Group"), _l("Locality"), _l("Meetings"), _l("Attendances"), _l("Distinct mothers"), _l("First-time attendees"),
    lazy_pgettext("heading over a number of mothers", "Pregnant"), lazy_pgettext("heading over a number of mothers", "Breastfeeding"), _l("Regulars"),
)


def _csv_line(values) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(safe_row(values))  # a group named "=HYPERLINK(...)" stays a name
    return out.getvalue().encode("utf-8")


def csv_chunks(month: date, locality_id: int | None = None, language: str | None = None, chunk: int = 100,
               now: datetime | None = None) -> Iterator[bytes]:
    """The CSV a few lines at a time, `chunk` groups per round of statements, so that the first
    bytes leave at once and memory stays flat however many groups there are. UTF-8 with a
    byte-order mark, so that spreadsheet programs read Hebrew, Arabic and Amharic right."""
    yield "\ufeff".encode() + _csv_line([str(c) for c in CSV_COLUMNS])
    query = groups_query(locality_id, language)
    page = 1
    while True:
        groups = list(db.session.scalars(query.limit(chunk).offset((page - 1) * chunk)).unique())
        yield b"".join(_csv_line([e.group.name, e.group.locality.name(), e.meetings, e.attendances, e.distinct,
                                   e.first_time, e.pregnant, e.breastfeeding, e.regulars])
                       for e in figures(groups, month, now))
        if len(groups) < chunk:
            return
        page += 1


def report_csv(month: date, locality_id: int | None = None, language: str | None = None) -> bytes:
    """The whole CSV at once (the view streams `csv_chunks` instead)."""
    return b"".join(csv_chunks(month, locality_id, language))
