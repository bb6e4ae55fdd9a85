"""A facilitator's groups and what follows her meetings: past meetings and attendance still to enter."""
from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased, lazyload

from ...accounts.models import User
from ...core.timeutil import aware, utcnow
from ...extensions import db
from ...main.versions import carried_by
from ..models import Group, GroupFacilitator, Meeting, Rsvp
from ..models.meeting import SCHEDULED
from .topics import choices_version

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


@functools.cache
def _next_meetings_statement():
    """Built once per process (every group page runs it): the group, the moment and the count bound."""
    return (select(Meeting).where(Meeting.group_id == bindparam("group_id"), Meeting.starts_at >= bindparam("ahead_from"))
            .order_by(Meeting.starts_at, Meeting.id).limit(bindparam("count"))
            .options(lazyload(Meeting.topic), lazyload(Meeting.group)))


def next_meetings(group_id: int, count: int, now=None) -> list[Meeting]:
    """A group's next `count` meetings (cancelled ones included, marked; one that began under
    AHEAD_HOURS ago still counts), soonest first, for a group's page (tests hold it to
    tests/groups/reference_meetings.py). One group's meetings by its index, cut by a LIMIT:
    PostgreSQL plans it once for every group and moment; a window over several groups' meetings,
    as before, it planned again on every run (its plan for the moment at hand looked cheaper,
    0.15-0.2 ms a page). Topics are not loaded; the group is in the session (she has just read it)."""
    ahead_from = (now or utcnow()) - timedelta(hours=AHEAD_HOURS)
    return list(db.session.scalars(_next_meetings_statement(),
                                   {"group_id": group_id, "ahead_from": ahead_from, "count": count}))


class PlannerMeeting(NamedTuple):
    """A meeting as her planner shows it: plain values, no ORM object."""
    id: int
    group_id: int
    start: datetime  # aware, in UTC
    status: str
    topic_id: int | None
    plan: str
    coming: int  # how many said they are coming


class PlannerFacts(NamedTuple):
    groups: list[tuple[int, str]]  # (id, name) of each group she leads, by name
    ahead: dict[int, list[PlannerMeeting]]  # each group's next meetings
    missing: list[PlannerMeeting]  # attendance still to enter, oldest first
    recent: dict[int, list[PlannerMeeting]]  # each group's last meetings held with a topic, newest first
    topics_version: int | None  # the topic bank's version, for topics.topic_choices (None: read the bank)


@functools.cache
def _planner_statement(postgresql: bool):
    """Built once per process (every planner runs it), her id, the counts and the moments as
    parameters. One row per group she leads (not archived), by name, or one per meeting of it that
    the planner shows, with how many said they are coming: its next `per_group` meetings (as
    `next_meetings`), those whose attendance is still to enter, and the last `recent` held with
    a topic (as `meetings.recent_topics`); on every row, the topic bank's version (`choices_version`).

    Each group's two bounds (the start of its last meeting ahead that is shown, of its oldest recent
    topic) are one index lookup each, made once per group: the `OFFSET 0` keeps PostgreSQL from
    folding them into the join, where they would be reckoned for every meeting. Ranking the meetings
    by window functions, as before, cost SQLite three times as much; lists correlated with each
    group made PostgreSQL read every meeting of the program."""
    user_id, now, ahead_from = bindparam("user_id"), bindparam("now"), bindparam("ahead_from")
    other = aliased(Meeting)
    ahead_to = (select(other.starts_at).where(other.group_id == Group.id, other.starts_at >= ahead_from)
                .order_by(other.starts_at).offset(bindparam("ahead_skip")).limit(1).scalar_subquery())
    recent_from = (select(other.starts_at)
                   .where(other.group_id == Group.id, other.status == SCHEDULED, other.starts_at < now,
                          other.topic_id.is_not(None))
                   .order_by(other.starts_at.desc()).offset(bindparam("recent_skip")).limit(1).scalar_subquery())
    bounds = (select(Group.id, Group.name, ahead_to.label("ahead_to"), recent_from.label("recent_from"))
              .join(GroupFacilitator, and_(GroupFacilitator.group_id == Group.id, GroupFacilitator.user_id == user_id))
              .where(Group.archived.is_(False)).offset(0).subquery("bounds"))
    held = and_(Meeting.status == SCHEDULED, Meeting.starts_at < now)
    shown = or_(
        and_(Meeting.starts_at >= ahead_from, or_(bounds.c.ahead_to.is_(None), Meeting.starts_at <= bounds.c.ahead_to)),
        and_(held, Meeting.attendance_taken_at.is_(None), Meeting.starts_at > bindparam("missing_from")),
        and_(held, Meeting.topic_id.is_not(None),
             or_(bounds.c.recent_from.is_(None), Meeting.starts_at >= bounds.c.recent_from)))
    coming = (select(func.count(Rsvp.id)).where(Rsvp.meeting_id == Meeting.id, Rsvp.coming.is_(True))
              .scalar_subquery())
    return (select(bounds.c.id, bounds.c.name, Meeting.id, Meeting.starts_at, Meeting.status, Meeting.topic_id,
                   Meeting.plan, Meeting.attendance_taken_at, coming, *choices_version(postgresql))
            .select_from(bounds).outerjoin(Meeting, and_(Meeting.group_id == bounds.c.id, shown))
            .order_by(bounds.c.name, bounds.c.id, Meeting.starts_at))


def planner_facts(user: User, per_group: int, recent: int, now=None) -> PlannerFacts:
    """Her planner in one query of plain values: what `led_groups`, `next_meetings`,
    `attendance_missing`, `meetings.expected` and `meetings.recent_topics` give it, without Meeting or Group objects.
    `per_group` and `recent` are 1 or more. (Meetings that start at the same moment as a group's
    bound all come; the lists keep `per_group` and `recent` of them.)"""
    now = now or utcnow()
    ahead_from, missing_from = now - timedelta(hours=AHEAD_HOURS), now - timedelta(days=MISSING_DAYS)
    connection = db.session.connection()
    rows = connection.execute(_planner_statement(connection.dialect.name == "postgresql"), {
        "user_id": user.id, "ahead_skip": per_group - 1, "recent_skip": recent - 1, "now": now,
        "ahead_from": ahead_from, "missing_from": missing_from}).all()
    groups: list[tuple[int, str]] = []
    ahead: dict[int, list[PlannerMeeting]] = {}
    held: dict[int, list[PlannerMeeting]] = {}  # meetings held with a topic, oldest first
    missing: list[PlannerMeeting] = []
    for gid, name, meeting_id, starts_at, status, topic_id, plan, taken_at, coming, _version, _changed in rows:
        if gid not in ahead:
            groups.append((gid, name))
            ahead[gid], held[gid] = [], []
        if meeting_id is None:
            continue
        meeting = PlannerMeeting(meeting_id, gid, aware(starts_at), status, topic_id, plan, coming)
        if status == SCHEDULED and meeting.start < now:
            if taken_at is None and meeting.start > missing_from:
                missing.append(meeting)
            if topic_id is not None:
                held[gid].append(meeting)
        if meeting.start >= ahead_from and len(ahead[gid]) < per_group:
            ahead[gid].append(meeting)
    missing.sort(key=lambda meeting: meeting.start)
    return PlannerFacts(groups, ahead, missing, {gid: meetings[:-recent - 1:-1] for gid, meetings in held.items()},
                        carried_by(rows))
