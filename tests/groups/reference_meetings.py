"""What the pages' own statements about meetings ahead and attendance to enter are held to: her
home page (groups.home.my_groups), her planner (follow_up.planner_facts) and a group's page
(follow_up.next_meetings) each read the same in a statement of their own, shaped for PostgreSQL to
plan once; this is the plain definition, as ORM objects. (It was a group page's statement until
that page got its own: no page runs it now.)"""
from __future__ import annotations

import functools
from datetime import timedelta

from sqlalchemy import and_, bindparam, func, select, union_all
from sqlalchemy.orm import lazyload

from groups_app.core.timeutil import utcnow
from groups_app.extensions import db
from groups_app.groups.models import Meeting
from groups_app.groups.models.meeting import SCHEDULED
from groups_app.groups.services.follow_up import AHEAD_HOURS, MISSING_DAYS


def _is_missing(meeting: Meeting, now) -> bool:
    return (meeting.status == SCHEDULED and meeting.attendance_taken_at is None
            and now - timedelta(days=MISSING_DAYS) < meeting.start < now)


@functools.cache
def _ahead_and_missing_statement():
    """Built once per process: the groups, the groups she leads and the moments as parameters."""
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
    """In one query, as Meeting objects: the next `per_group` meetings of each of `group_ids` (as
    `meetings.upcoming`), and the meetings of `led_ids` (groups she leads, not archived) whose
    attendance is still to enter (as `follow_up.attendance_missing`). Topics are not loaded."""
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
