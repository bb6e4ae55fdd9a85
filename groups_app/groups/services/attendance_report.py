"""The coordinator's attendance figures per group and month, and their CSV."""
from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import ColumnElement, and_, bindparam, func, literal, or_, select, union_all
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
_MEETINGS, _REGULARS = 0, 1  # the two kinds of count in figures' last statement
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)  # "since" for a group with fewer than six meetings held


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


def _in_zones(zones: dict[str, list[int]], group_id, condition) -> ColumnElement[bool]:
    """`condition(zone name)` for the groups in that zone (a program whose groups keep several clocks)."""
    return or_(*(and_(group_id.in_(ids), condition(name)) for name, ids in zones.items()))


def _statements(group_ids, cutoff, in_month):
    """figures' two statements for these conditions: the people who came, and the meetings held and
    regulars. Built once per process for a program on one clock (bound parameters, below); a program
    whose groups keep several clocks has them built for each call, with each zone's own midnights."""
    held = and_(Meeting.group_id.in_(group_ids), Meeting.status == SCHEDULED, Meeting.starts_at <= cutoff)

    # One row per person who came this month: how often, her first meeting of the month, her stage;
    # then whether she came to a meeting of this group before it (before her first meeting of the
    # month is the same thing): one index probe per person, which stops at the first such meeting.
    # Members and guests are probed in two branches, so that each probe is costed only for its rows.
    came = (select(Meeting.group_id, Attendance.user_id, Attendance.guest_id, func.count().label("times"),
                   func.min(Meeting.starts_at).label("first_at"), func.max(User.due_date).label("due"),
                   func.max(User.baby_birth_date).label("born"), func.max(Guest.stage).label("stage"))
            .join(Attendance, Attendance.meeting_id == Meeting.id)
            .outerjoin(User, User.id == Attendance.user_id)
            .outerjoin(Guest, Guest.id == Attendance.guest_id)
            .where(held, in_month)
            .group_by(Meeting.group_id, Attendance.user_id, Attendance.guest_id)).cte("came")
    earlier, earlier_meeting = aliased(Attendance), aliased(Meeting)

    def came_before(person: str):
        return (select(earlier.id).join(earlier_meeting, earlier_meeting.id == earlier.meeting_id)
                .where(getattr(earlier, person) == came.c[person], earlier_meeting.group_id == came.c.group_id,
                       earlier_meeting.status == SCHEDULED, earlier_meeting.starts_at < came.c.first_at)
                .exists())

    columns = (came.c.group_id, came.c.user_id, came.c.times, came.c.first_at, came.c.due, came.c.born, came.c.stage)
    people = union_all(
        select(*columns, came_before("user_id")).where(came.c.user_id.is_not(None)),
        select(*columns, came_before("guest_id")).where(came.c.user_id.is_(None)),
    )

    # Meetings held this month, and regulars over each group's last six meetings held by the
    # month's end, in one statement: the sixth latest start of each group is one index probe, and
    # only the meetings from it on are read (on a tie for sixth place, both meetings count).
    sixth = aliased(Meeting)
    since = (select(sixth.starts_at).where(sixth.group_id == Group.id, sixth.status == SCHEDULED, sixth.starts_at <= cutoff)
             .order_by(sixth.starts_at.desc()).limit(1).offset(REGULAR_OF_LAST - 1).scalar_subquery())
    # OFFSET 0 keeps this a table of its own: merged into the join, the probe would run per meeting.
    window = select(Group.id.label("group_id"), func.coalesce(since, _EARLIEST).label("since")).where(
        Group.id.in_(group_ids)).offset(0).subquery()
    regular = (select(window.c.group_id)
               .join(Meeting, and_(Meeting.group_id == window.c.group_id, Meeting.status == SCHEDULED,
                                   Meeting.starts_at >= window.c.since, Meeting.starts_at <= cutoff))
               .join(Attendance, Attendance.meeting_id == Meeting.id)
               .group_by(window.c.group_id, Attendance.user_id, Attendance.guest_id)
               .having(func.count() >= REGULAR_AT_LEAST).subquery())
    counts = union_all(
        select(Meeting.group_id, literal(_MEETINGS), func.count()).where(held, in_month).group_by(Meeting.group_id),
        select(regular.c.group_id, literal(_REGULARS), func.count()).group_by(regular.c.group_id),
    )
    return people, counts


@functools.cache
def _one_clock_statements():
    """The statements for groups that all keep one clock, with the groups, the month's bounds and the
    cutoff as bound parameters: building them (a CTE, unions, subqueries) cost a report page a fifth
    of its time. A single zone needs no group list in the month's condition, which the statement
    already has: repeating it makes PostgreSQL guess too few rows."""
    return _statements(bindparam("group_ids", expanding=True), bindparam("cutoff", type_=Meeting.starts_at.type),
                       and_(Meeting.starts_at >= bindparam("month_start", type_=Meeting.starts_at.type),
                            Meeting.starts_at < bindparam("month_end", type_=Meeting.starts_at.type)))


def figures(groups: list[Group], month: date, now: datetime | None = None) -> list[GroupMonth]:
    """Per group, for one month: meetings held, attendances, distinct mothers, first-timers,
    pregnant and breastfeeding, and regulars (at 3 or more of the group's last 6 meetings held).

    Counted by the database, two statements for these groups whatever the years behind them, each
    reading only the month's and the last six meetings' rows through indexes; Python sees one row
    per mother who came that month. A month is the group's own calendar month.
    """
    if not groups:
        return []
    first, following = _month_bounds(month)
    cutoff = min(now or utcnow(), _midnight(following, program_zone()))  # as of the month's end
    report = {g.id: GroupMonth(g) for g in groups}
    zones: dict[str, list[int]] = {}
    for group in groups:
        zones.setdefault(group.timezone, []).append(group.id)
    params: dict = {}
    if len(zones) == 1:
        (name,) = zones
        people_statement, counts_statement = _one_clock_statements()
        params = {"group_ids": list(report), "cutoff": cutoff, "month_start": _midnight(first, name),
                  "month_end": _midnight(following, name)}
    else:
        people_statement, counts_statement = _statements(list(report), cutoff, _in_zones(
            zones, Meeting.group_id, lambda name: and_(Meeting.starts_at >= _midnight(first, name),
                                                       Meeting.starts_at < _midnight(following, name))))

    for group_id, user_id, times, first_at, due, born, stage, returning in db.session.execute(people_statement, params):
        entry = report[group_id]
        entry.attendances += times
        entry.distinct += 1
        entry.first_time += 0 if returning else 1
        day = local(aware(first_at), entry.group.timezone).date()
        is_pregnant = stage == "pregnant" or bool(user_id and due is not None and due >= day and (born is None or born > day))
        is_feeding = stage == "breastfeeding" or bool(user_id and born is not None and born <= day)
        entry.pregnant += 1 if is_pregnant else 0
        entry.breastfeeding += 1 if is_feeding and not is_pregnant else 0

    for group_id, kind, n in db.session.execute(counts_statement, params):
        if kind == _MEETINGS:
            report[group_id].meetings = n
        else:
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
    offset = 0
    while True:  # one group more than the chunk says whether another round follows, without asking again
        groups = list(db.session.scalars(query.limit(chunk + 1).offset(offset)).unique())
        yield b"".join(_csv_line([e.group.name, e.group.locality.name(), e.meetings, e.attendances, e.distinct,
                                   e.first_time, e.pregnant, e.breastfeeding, e.regulars])
                       for e in figures(groups[:chunk], month, now))
        if len(groups) <= chunk:
            return
        offset += chunk


def report_csv(month: date, locality_id: int | None = None, language: str | None = None) -> bytes:
    """The whole CSV at once (the view streams `csv_chunks` instead)."""
    return b"".join(csv_chunks(month, locality_id, language))
