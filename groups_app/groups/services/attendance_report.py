"""The coordinator's attendance figures per group and month, and their CSV.

Each process keeps the figures it counted, per group and month, for the version of the facts they
count (`data_versions`' row 'attendance', changed by triggers in the same transaction as any counted
fact: migration 0019) and for as long as the clock leaves them true (until the group's next meeting
starts, in a month still running): a coordinator paging through the report, or downloading the CSV
again, has them counted once."""
from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from flask_babel import get_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    and_,
    bindparam,
    cast,
    extract,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from ...accounts.models import User
from ...core.csvsafe import safe_cell, safe_row
from ...core.places import Locality
from ...core.sql import bound_page, listed_in, listed_in_bound, listed_in_values
from ...core.timeutil import aware, program_zone, utcnow, zone
from ...extensions import db
from ...main.models import ATTENDANCE
from ...main.versions import kept_for, usable, version_columns
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


class ReportRow(NamedTuple):
    """A group's line of the report as the page and the CSV write it: plain values, no objects."""
    id: int
    name: str
    locality: str  # in the reader's language
    meetings: int
    attendances: int
    distinct: int
    first_time: int
    pregnant: int
    breastfeeding: int
    regulars: int


class _LocalityNames(NamedTuple):  # what Locality.name reads, from the group's row
    name_en: str
    name_he: str
    name_ar: str | None
    name_ru: str | None


PER_PAGE = 25
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


def groups_query(locality_id: int | None = None, language: str | None = None):
    """The groups the report covers, by name, as objects (`attendance_report`; the page and the
    CSV read plain columns from `_group_statements`, which filter the same way)."""
    query = select(Group).where(Group.archived.is_(False)).order_by(Group.name, Group.id)
    if locality_id:
        query = query.where(Group.locality_id == locality_id)
    if language:
        query = query.where(listed_in(Group.languages, language))
    return query


# A group as the page and the CSV read it: plain columns (as objects with their localities, 25
# groups cost the ORM about 50 calls each), its locality's names for the reader's language.
_GROUP_COLUMNS = (Group.id, Group.name, Group.timezone, Locality.name_en, Locality.name_he, Locality.name_ar,
                  Locality.name_ru)


@functools.cache
def _group_statements(by_locality: bool, by_language: bool, postgresql: bool = False):
    """The report's groups for each combination of filters, built once per process (the filters'
    values, a page's limit and offset are bound parameters): a page with its total as a window
    count beside the rows, the total alone (for a page past the end, which has no rows to carry
    it), and the CSV's rounds. Building them on every request cost a page a few hundred calls.
    Each row of a page or a round carries the figures' version and, on PostgreSQL, whether this
    transaction changed a counted fact (`_version`): read before the figures are, in the same statement
    as the groups."""
    conditions = [Group.archived.is_(False)]
    if by_locality:
        conditions.append(Group.locality_id == bindparam("locality_id"))
    if by_language:
        conditions.append(listed_in_bound(Group.languages, "language"))
    groups = (select(*_GROUP_COLUMNS, *version_columns(ATTENDANCE, postgresql)).join(Locality, Locality.id == Group.locality_id)
              .where(*conditions).order_by(Group.name, Group.id))
    limit, offset = bindparam("limit"), bindparam("offset")
    return (groups.add_columns(func.count().over()).limit(limit).offset(offset),
            select(func.count()).select_from(Group).where(*conditions), groups.limit(limit).offset(offset))


def _group_filters(locality_id: int | None, language: str | None) -> tuple[tuple, dict]:
    """The statements for these filters and their values."""
    params: dict = {}
    if locality_id:
        params["locality_id"] = locality_id
    if language:
        params.update(listed_in_values("language", language))
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    return _group_statements(bool(locality_id), bool(language), postgresql), params


def _version(groups) -> int | None:
    """The figures' version that the groups' rows carry (main.versions.usable); None without rows."""
    return usable(*groups[0][-2:]) if groups else None


def report_page(month: date, locality_id: int | None = None, language: str | None = None, page: int = 1,
                per_page: int = PER_PAGE, now: datetime | None = None):
    """One page of groups with their figures for the month: `.items` are ReportRow tuples."""
    statements, params = _group_filters(locality_id, language)
    # The total as a window count beside the rows (core.sql.BoundPage): one statement for both
    pagination = bound_page(statements[:2], params, page, per_page, counted=True)
    pagination.items = _report_rows(pagination.items, month, now)
    return pagination


def _report_rows(groups, month: date, now: datetime | None) -> list[ReportRow]:
    """Each group's (id, name, zone, locality's names, the figures' version...) with its figures, as
    the report's rows."""
    counts = _counts({group[0]: group[2] for group in groups}, month, now, _version(groups))
    locale = str(get_locale() or "en")
    return [ReportRow(group_id, name, _locality_name(_LocalityNames(*names), locale), *counts[group_id])
            for group_id, name, _zone, *names, _n, _changed in groups]


@functools.lru_cache(maxsize=1024)
def _locality_name(names: _LocalityNames, locale: str) -> str:
    return Locality.name(names, locale)  # the model's rule, on the row's columns


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
    # And when each group's next meeting starts (whole seconds since 1970, rounded down): until then,
    # the figures of a month still running hold (`_counts`)
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
    counts = _counts({group.id: group.timezone for group in groups}, month, now)  # computed, none kept
    return [GroupMonth(group, *counts[group.id]) for group in groups]


def _counts(zone_of: dict[int, str], month: date, now: datetime | None,
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
    """The figures of these groups counted by the database (`_counts`' two statements), and when each
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


CSV_COLUMNS = (
    _l("Group"), _l("Locality"), _l("Meetings"), _l("Attendances"), _l("Distinct mothers"), _l("First-time attendees"),
    lazy_pgettext("heading over a number of mothers", "Pregnant"), lazy_pgettext("heading over a number of mothers", "Breastfeeding"), _l("Regulars"),
)


def _csv_lines(rows) -> bytes:
    """Rows as CSV text in one write: the csv module's own quoting and line ends."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def csv_chunks(month: date, locality_id: int | None = None, language: str | None = None, chunk: int = 100,
               now: datetime | None = None) -> Iterator[bytes]:
    """The CSV a few lines at a time, `chunk` groups per round of statements, so that the first
    bytes leave at once and memory stays flat however many groups there are. UTF-8 with a
    byte-order mark, so that spreadsheet programs read Hebrew, Arabic and Amharic right."""
    yield "\ufeff".encode() + _csv_lines([safe_row([str(c) for c in CSV_COLUMNS])])
    (_page, _total, rounds), params = _group_filters(locality_id, language)
    offset = 0
    while True:  # one group more than the chunk says whether another round follows, without asking again
        groups = db.session.connection().execute(rounds, {**params, "limit": chunk + 1, "offset": offset}).all()
        # A group named "=HYPERLINK(...)" stays a name; the counts are numbers the app computed.
        yield _csv_lines([(safe_cell(row.name), safe_cell(row.locality), *row[3:])
                          for row in _report_rows(groups[:chunk], month, now)])
        if len(groups) <= chunk:
            return
        offset += chunk


def report_csv(month: date, locality_id: int | None = None, language: str | None = None) -> bytes:
    """The whole CSV at once (the view streams `csv_chunks` instead)."""
    return b"".join(csv_chunks(month, locality_id, language))
