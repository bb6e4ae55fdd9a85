"""A facilitator's groups and what follows her meetings: past meetings and attendance still to enter."""
from __future__ import annotations

import functools
from datetime import timedelta

from sqlalchemy import and_, bindparam, func, select, union_all
from sqlalchemy.orm import lazyload

from ...accounts.models import User
from ...core.timeutil import utcnow
from ...extensions import db
from ..models import Group, GroupFacilitator, Meeting
from ..models.meeting import SCHEDULED

MISSING_DAYS = 30  # attendance older than this is not chased on her home page any more
AHEAD_HOURS = 3  # a meeting that began this recently still counts as ahead (as in meetings.upcoming)


def led_groups(user: User) -> list[Group]:
    """The groups she facilitates, by name."""
    return list(db.session.scalars(
        select(Group).join(GroupFacilitator, GroupFacilitator.group_id == Group.id)
        .where(GroupFacilitator.user_id == user.id, Group.archived.is_(False)).order_by(Group.name)
    ).unique())


def _held(group_ids, now):
    return select(Meeting).where(Meeting.group_id.in_(group_ids), Meeting.status == SCHEDULED, Meeting.starts_at < now)


def recent_past(group_ids: list[int], per_group: int = 5, now=None) -> dict[int, list[Meeting]]:
    """The last meetings held by each group, newest first, in one query (a window over each group)."""
    now = now or utcnow()
    ranked = _held(group_ids, now).add_columns(
        func.row_number().over(partition_by=Meeting.group_id, order_by=Meeting.starts_at.desc()).label("n")
    ).subquery()
    rows = db.session.scalars(
        select(Meeting).join(ranked, ranked.c.id == Meeting.id).where(ranked.c.n <= per_group)
        .order_by(Meeting.starts_at.desc()).options(lazyload(Meeting.topic))  # the lists name no topic
    ).unique().all()
    result: dict[int, list[Meeting]] = {gid: [] for gid in group_ids}
    for meeting in rows:
        result[meeting.group_id].append(meeting)
    return result


def past_page(group: Group, page: int, per_page: int = 20, now=None):
    """Every meeting the group held, newest first, a page at a time."""
    query = _held([group.id], now or utcnow()).order_by(Meeting.starts_at.desc()).options(lazyload(Meeting.topic))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def attendance_missing(user: User, now=None) -> list[Meeting]:
    """Meetings of her groups that were held in the last MISSING_DAYS days and whose attendance
    nobody entered, oldest first. One query."""
    now = now or utcnow()
    led = select(GroupFacilitator.group_id).where(GroupFacilitator.user_id == user.id)
    return list(db.session.scalars(
        select(Meeting).join(Group, Group.id == Meeting.group_id)
        .where(Meeting.group_id.in_(led), Group.archived.is_(False), _missing(now))
        .order_by(Meeting.starts_at).options(lazyload(Meeting.topic))
    ).unique())


def _missing(now):
    return and_(Meeting.status == SCHEDULED, Meeting.attendance_taken_at.is_(None), Meeting.starts_at < now,
                Meeting.starts_at > now - timedelta(days=MISSING_DAYS))


def _is_missing(meeting: Meeting, now) -> bool:
    return (meeting.status == SCHEDULED and meeting.attendance_taken_at is None
            and now - timedelta(days=MISSING_DAYS) < meeting.start < now)


@functools.cache
def _ahead_and_missing_statement():
    """Built once per process (every planner and group page runs it): the groups, the groups she
    leads and the moments as parameters (`now` is never baked in)."""
    group_ids, led_ids = bindparam("group_ids", expanding=True), bindparam("led_ids", expanding=True)
    now, ahead_from, missing_from = bindparam("now"), bindparam("ahead_from"), bindparam("missing_from")
    ranked = (select(Meeting.id, func.row_number().over(partition_by=Meeting.group_id, order_by=Meeting.starts_at)
                     .label("n")).where(Meeting.group_id.in_(group_ids), Meeting.starts_at >= ahead_from).subquery())
    ahead_ids = select(ranked.c.id).where(ranked.c.n <= bindparam("per_group"))  # only the meetings shown
    missing = and_(Meeting.status == SCHEDULED, Meeting.attendance_taken_at.is_(None), Meeting.starts_at < now,
                   Meeting.starts_at > missing_from)
    missing_ids = select(Meeting.id).where(Meeting.group_id.in_(led_ids), missing)
    # The two sets of ids as a union, each found through its own index: written as one OR, PostgreSQL
    # read every meeting of the program (34,800 at large scale: 4 ms a group page, 0.06 as a union).
    # The groups are already in the session (she has just read them), so each meeting finds its own there.
    return (select(Meeting).where(Meeting.id.in_(union_all(ahead_ids, missing_ids)))
            .order_by(Meeting.starts_at).options(lazyload(Meeting.topic), lazyload(Meeting.group)))


def ahead_and_missing(group_ids: list[int], led_ids: list[int], per_group: int, now=None
                      ) -> tuple[dict[int, list[Meeting]], list[Meeting]]:
    """For her planner and a group's page, in one query: the next `per_group` meetings of each of
    `group_ids` (as `meetings.upcoming`), and the meetings of `led_ids` (groups she leads, not
    archived) whose attendance is still to enter (as `attendance_missing`). Topics are not loaded.
    (Her home page reads the same in its own statement: groups.home.my_groups.)"""
    now = now or utcnow()
    ahead_from = now - timedelta(hours=AHEAD_HOURS)
    rows = db.session.scalars(_ahead_and_missing_statement(), {
        "group_ids": list(group_ids), "led_ids": list(led_ids), "per_group": per_group, "now": now,
        "ahead_from": ahead_from, "missing_from": now - timedelta(days=MISSING_DAYS)}).unique().all()
    ahead: dict[int, list[Meeting]] = {gid: [] for gid in group_ids}
    led, missing = set(led_ids), []
    for meeting in rows:
        if meeting.group_id in led and _is_missing(meeting, now):
            missing.append(meeting)
        if meeting.start >= ahead_from and len(ahead[meeting.group_id]) < per_group:
            ahead[meeting.group_id].append(meeting)
    return ahead, missing
