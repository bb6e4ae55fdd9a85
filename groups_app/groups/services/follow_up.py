"""A facilitator's groups and what follows her meetings: past meetings and attendance still to enter."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from ...accounts.models import User
from ...core.timeutil import utcnow
from ...extensions import db
from ..models import Group, GroupFacilitator, Meeting
from ..models.meeting import SCHEDULED

MISSING_DAYS = 30  # attendance older than this is not chased on her home page any more


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
        .order_by(Meeting.starts_at.desc())
    ).unique().all()
    result: dict[int, list[Meeting]] = {gid: [] for gid in group_ids}
    for meeting in rows:
        result[meeting.group_id].append(meeting)
    return result


def past_page(group: Group, page: int, per_page: int = 20, now=None):
    """Every meeting the group held, newest first, a page at a time."""
    query = _held([group.id], now or utcnow()).order_by(Meeting.starts_at.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def attendance_missing(user: User, now=None) -> list[Meeting]:
    """Meetings of her groups that were held in the last MISSING_DAYS days and whose attendance
    nobody entered, oldest first. One query."""
    now = now or utcnow()
    led = select(GroupFacilitator.group_id).where(GroupFacilitator.user_id == user.id)
    return list(db.session.scalars(
        select(Meeting).join(Group, Group.id == Meeting.group_id)
        .where(Meeting.group_id.in_(led), Group.archived.is_(False), Meeting.status == SCHEDULED,
               Meeting.attendance_taken_at.is_(None), Meeting.starts_at < now,
               Meeting.starts_at > now - timedelta(days=MISSING_DAYS))
        .order_by(Meeting.starts_at)
    ).unique())
