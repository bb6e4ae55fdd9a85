"""The coordinator's attendance figures per group and month, counted by the database and kept.

Each process keeps the figures it counted, per group and month, for the version of the facts they
count (`data_versions`' row 'attendance', changed by triggers in the same transaction as any counted
fact: migration 0019) and for as long as the clock leaves them true (until the group's next meeting
starts, in a month still running): a coordinator paging through the report, or downloading the CSV
again, has them counted once. The report's pages and CSV (attendance_report.py) ask for them."""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import BigInteger, ColumnElement, and_, bindparam, cast, extract, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from ...accounts.models import User
from ...core.timeutil import aware, program_zone, utcnow, zone
from ...extensions import db
from ...main.versions import kept_for
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


REGULAR_OF_LAST, REGULAR_AT_LEAST = 6, 3  # a regular came to at least 3 of the group's last 6 meetings
_MEETINGS, _REGULARS, _NEXT = 0, 1, 2  # the kinds of row in figures' last statement
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)  # "since" for a group with fewer than six meetings held
_KEPT = "groups.report_figures"  # app.extensions: (version, {(group id, zone, month's first day): _Figures})
_KEPT_AT_MOST = 20_000  # groups × months kept for one version; past it, the process starts afresh


class _Figures(NamedTuple):
    """A group's figures for a month as computed with the clock at `cutoff`: they hold for any
    later cutoff before `until`, the start of its next meeting (when that meeting counts as held, they
    change), or for ever when no meeting of the group starts after `cutoff` (until None)."""
    counts: tuple[int, ...]
    cutoff: datetime
    until: datetime | None


def _month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


def _midnight(day: date, name) -> datetime:
    """Midnight starting `day` in the zone `name`, in UTC: SQLite compares the stored UTC text as it is."""
    return datetime.combine(day, datetime.min.time(), tzinfo=zone(name)).astimezone(UTC)


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
    # And when each group's next meeting starts (whole seconds since 1970, rounded down): until then,
    # the figures of a month still running hold (`group_counts`)
    following = and_(Meeting.group_id.in_(group_ids), Meeting.status == SCHEDULED, Meeting.starts_at > cutoff)
    next_start = cast(func.floor(extract("epoch", func.min(Meeting.starts_at))), BigInteger)
    counts = union_all(
        select(Meeting.group_id, literal(_MEETINGS), func.count()).where(held, in_month).group_by(Meeting.group_id),
        select(regular.c.group_id, literal(_REGULARS), func.count()).group_by(regular.c.group_id),
        select(Meeting.group_id, literal(_NEXT), next_start).where(following).group_by(Meeting.group_id),
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
    counts = group_counts({group.id: group.timezone for group in groups}, month, now)  # computed, none kept
    return [GroupMonth(group, *counts[group.id]) for group in groups]


def group_counts(zone_of: dict[int, str], month: date, now: datetime | None,
            version: int | None = None) -> dict[int, Sequence[int]]:
    """`figures` for groups given as {id: time zone}: per group id, [meetings, attendances, distinct,
    first-timers, pregnant, breastfeeding, regulars]. With the figures' `version` (read before, in the
    statement that found the groups), a group's figures this process computed for the same version
    and month, and that the clock's progress has not changed since, are taken as they are; the
    statements count only the others, and their figures are kept for the next reader."""
    if not zone_of:
        return {}
    first, following = _month_bounds(month)
    month_over = _midnight(following, program_zone())
    cutoff = min(now or utcnow(), month_over)  # as of the month's end
    kept = kept_for(_KEPT, version, _KEPT_AT_MOST)
    counts: dict[int, Sequence[int]] = {}
    if kept is not None:
        for group_id, name in zone_of.items():
            known = kept.get((group_id, name, first))
            if known is not None and known.cutoff <= cutoff and (known.until is None or cutoff < known.until):
                counts[group_id] = known.counts
    missing = {group_id: name for group_id, name in zone_of.items() if group_id not in counts}
    if not missing:
        return counts
    computed, next_starts = _computed(missing, first, following, cutoff)
    counts.update(computed)
    if kept is not None:
        for group_id, name in missing.items():
            # A month that is over stays as it is; in a month still running, a group's figures hold
            # until its next meeting starts
            until = None if cutoff >= month_over or group_id not in next_starts else next_starts[group_id]
            kept[(group_id, name, first)] = _Figures(tuple(computed[group_id]), cutoff, until)
    return counts


def _computed(zone_of: dict[int, str], first: date, following: date,
              cutoff: datetime) -> tuple[dict[int, list[int]], dict[int, datetime]]:
    """The figures of these groups counted by the database (`group_counts`' two statements), and when each
    group's next meeting after the cutoff starts. The rows are read at once (`all()`), and the day
    each mother first came this month is made once per meeting start and zone, not per mother."""
    counts = {group_id: [0, 0, 0, 0, 0, 0, 0] for group_id in zone_of}
    next_starts: dict[int, datetime] = {}
    zones: dict[str, list[int]] = {}
    for group_id, name in zone_of.items():
        zones.setdefault(name, []).append(group_id)
    params: dict = {}
    if len(zones) == 1:
        (name,) = zones
        people_statement, counts_statement = _one_clock_statements()
        params = {"group_ids": list(counts), "cutoff": cutoff, "month_start": _midnight(first, name),
                  "month_end": _midnight(following, name)}
    else:
        people_statement, counts_statement = _statements(list(counts), cutoff, _in_zones(
            zones, Meeting.group_id, lambda name: and_(Meeting.starts_at >= _midnight(first, name),
                                                       Meeting.starts_at < _midnight(following, name))))

    days: dict[tuple, date] = {}
    for group_id, user_id, times, first_at, due, born, stage, returning in db.session.execute(people_statement, params).all():
        entry = counts[group_id]
        entry[1] += times
        entry[2] += 1
        if not returning:
            entry[3] += 1
        key = (first_at, zone_of[group_id])
        day = days.get(key)
        if day is None:
            day = days[key] = local(aware(first_at), key[1]).date()
        if stage == "pregnant" or (user_id and due is not None and due >= day and (born is None or born > day)):
            entry[4] += 1
        elif stage == "breastfeeding" or (user_id and born is not None and born <= day):
            entry[5] += 1  # breastfeeding and not pregnant

    for group_id, kind, n in db.session.execute(counts_statement, params).all():
        if kind == _NEXT:
            next_starts[group_id] = datetime.fromtimestamp(int(n), UTC)
        else:
            counts[group_id][0 if kind == _MEETINGS else 6] = n
    return counts, next_starts
