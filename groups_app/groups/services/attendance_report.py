"""The coordinator's attendance figures per group and month, and their CSV."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import select

from ...accounts.models import User
from ...core.sql import listed_in
from ...core.timeutil import aware, program_zone, utcnow
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
    people: set = field(default_factory=set, repr=False)


def _month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following


def attendance_report(month: date, locality_id: int | None = None, language: str | None = None,
                      now: datetime | None = None) -> list[GroupMonth]:
    """Per group, for one month: attendances, distinct mothers, first-timers, pregnant and
    breastfeeding counts, and regulars (at 3 or more of the group's last 6 meetings held).

    Three queries whatever the number of groups, meetings or mothers.
    """
    first, following = _month_bounds(month)
    # Midnight on the program's calendar, in UTC: SQLite compares the stored UTC text as it is.
    month_end = datetime.combine(following, datetime.min.time(), tzinfo=program_zone()).astimezone(UTC)
    cutoff = min(now or utcnow(), month_end)  # regulars and first visits as of the month's end
    groups_query = select(Group).where(Group.archived.is_(False)).order_by(Group.name)
    if locality_id:
        groups_query = groups_query.where(Group.locality_id == locality_id)
    if language:
        groups_query = groups_query.where(listed_in(Group.languages, language))
    groups = db.session.scalars(groups_query).unique().all()
    report = {g.id: GroupMonth(g) for g in groups}
    if not groups:
        return []
    # Every held meeting of these groups up to now, with who came: one row per presence.
    rows = db.session.execute(
        select(Meeting.id, Meeting.group_id, Meeting.starts_at, Attendance.user_id, Attendance.guest_id,
               Guest.stage, User.due_date, User.baby_birth_date)
        .outerjoin(Attendance, Attendance.meeting_id == Meeting.id)
        .outerjoin(Guest, Guest.id == Attendance.guest_id)
        .outerjoin(User, User.id == Attendance.user_id)
        .where(Meeting.group_id.in_(report), Meeting.status == SCHEDULED, Meeting.starts_at <= cutoff)
        .order_by(Meeting.starts_at)
    ).all()
    zones = {g.id: g.timezone for g in groups}
    first_seen: dict[tuple[int, str], date] = {}
    meetings_by_group: dict[int, list[int]] = {gid: [] for gid in report}
    came: dict[int, set[str]] = {}
    for meeting_id, group_id, starts_at, user_id, guest_id, stage, due, born in rows:
        day = local(aware(starts_at), zones[group_id]).date()
        if not meetings_by_group[group_id] or meetings_by_group[group_id][-1] != meeting_id:
            meetings_by_group[group_id].append(meeting_id)
            came.setdefault(meeting_id, set())
            if first <= day < following:
                report[group_id].meetings += 1
        if user_id is None and guest_id is None:
            continue
        person = f"u{user_id}" if user_id else f"g{guest_id}"
        came[meeting_id].add(person)
        first_seen.setdefault((group_id, person), day)
        if not first <= day < following:
            continue
        entry = report[group_id]
        entry.attendances += 1
        if person not in entry.people:
            entry.people.add(person)
            is_pregnant = stage == "pregnant" or (user_id and due is not None and due >= day and (born is None or born > day))
            is_feeding = stage == "breastfeeding" or (user_id and born is not None and born <= day)
            entry.pregnant += 1 if is_pregnant else 0
            entry.breastfeeding += 1 if is_feeding and not is_pregnant else 0
    for (group_id, _person), seen in first_seen.items():
        if first <= seen < following:
            report[group_id].first_time += 1
    for group_id, entry in report.items():
        entry.distinct = len(entry.people)
        last_six = meetings_by_group[group_id][-6:]
        counts: dict[str, int] = {}
        for meeting_id in last_six:
            for person in came.get(meeting_id, ()):
                counts[person] = counts.get(person, 0) + 1
        entry.regulars = sum(1 for n in counts.values() if n >= 3)
    return list(report.values())


CSV_COLUMNS = (
    _l("Group"), _l("Locality"), _l("Meetings"), _l("Attendances"), _l("Distinct mothers"), _l("First-time attendees"),
    lazy_pgettext("heading over a number of mothers", "Pregnant"), lazy_pgettext("heading over a number of mothers", "Breastfeeding"), _l("Regulars"),
)


def report_csv(report: list[GroupMonth]) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read Hebrew, Arabic and Amharic right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c) for c in CSV_COLUMNS])
    for e in report:
        writer.writerow([e.group.name, e.group.locality.name(), e.meetings, e.attendances, e.distinct, e.first_time,
                         e.pregnant, e.breastfeeding, e.regulars])
    return out.getvalue().encode("utf-8-sig")
