"""Meetings: generated from the schedule, one-offs, moves, cancellations, plans, the meeting page's
facts. What mothers say ahead of a meeting (coming or not, questions) is in replies.py."""
from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import joinedload

from ...accounts.models import User
from ...core import audit
from ...core.errors import Conflict, DomainError
from ...core.notify import notify
from ...core.timeutil import aware, utcnow, zone
from ...core.timeutil import today as today_in
from ...extensions import db
from ..models import Group, GroupFacilitator, Meeting, Membership, Rsvp, Topic
from ..models.group import FREQUENCIES, MEMBER
from ..models.meeting import CANCELLED, SCHEDULED
from ..permissions import require_facilitator
from ..schedule import occurrences, to_utc

HORIZON_WEEKS = 12
MIN_AHEAD = 8  # a facilitator plans the next eight meetings


def _horizon(group: Group, today: date) -> date:
    weeks = {"weekly": HORIZON_WEEKS, "biweekly": 2 * MIN_AHEAD, "monthly": 4 * (MIN_AHEAD + 1)}[group.frequency]
    return today + timedelta(weeks=weeks)


def extend_meetings(group: Group, today: date | None = None) -> int:
    """Create the regular meetings still missing up to the horizon. Does not commit."""
    today = today or today_in(group.timezone)
    start = max(today, group.schedule_from)
    days = occurrences(group.frequency, group.weekday, group.schedule_from, start, _horizon(group, today))
    if not days:
        return 0
    have = set(
        db.session.scalars(
            select(Meeting.occurrence).where(Meeting.group_id == group.id, Meeting.occurrence.in_(days))
        )
    )
    made = 0
    for day in days:
        if day not in have:
            db.session.add(Meeting(group_id=group.id, starts_at=to_utc(day, group.start_time, group.timezone),
                                   duration_minutes=group.duration_minutes, occurrence=day))
            made += 1
    db.session.flush()
    return made


def extend_all(today: date | None = None) -> int:
    """For the daily command: every active group gets its meetings up to the horizon. Commits."""
    # The groups' rows locked in order: a second server running this at once waits, then finds the meetings made.
    groups = db.session.scalars(select(Group).where(Group.archived.is_(False)).order_by(Group.id)
                                .with_for_update(of=Group)).unique().all()
    made = sum(extend_meetings(g, today) for g in groups)
    db.session.commit()
    return made


def _clashes(group: Group, starts_at: datetime, duration: int, ignore: int | None = None) -> bool:
    """Another meeting of the group, not cancelled, overlapping this time."""
    ends_at = starts_at + timedelta(minutes=duration)
    others = db.session.scalars(
        select(Meeting).where(
            Meeting.group_id == group.id,
            Meeting.status == SCHEDULED,
            Meeting.starts_at < ends_at,
            Meeting.starts_at > starts_at - timedelta(minutes=240),
        )
    )
    return any(m.id != ignore and m.start < ends_at and m.end > starts_at for m in others)


def _check_time(group: Group, day: date | None, at: time | None, duration: int | None, ignore: int | None = None) -> datetime:
    if day is None:
        raise DomainError(_l("Please give the date of the meeting."), field="day")
    if at is None:
        raise DomainError(_l("Please give the time the meeting starts."), field="start_time")
    if duration is None or not 60 <= duration <= 120:
        raise DomainError(_l("A meeting lasts between 60 and 120 minutes."), field="duration_minutes")
    starts_at = to_utc(day, at, group.timezone)
    if starts_at <= utcnow():
        raise DomainError(_l("A meeting cannot be set in the past."), field="day")
    if _clashes(group, starts_at, duration, ignore):
        raise Conflict(_l("The group already has a meeting at that time."), field="start_time")
    return starts_at


def add_one_off(group: Group, day: date | None, at: time | None, duration: int | None, *, by: User) -> Meeting:
    """An extra meeting outside the schedule. Commits."""
    require_facilitator(by, group)
    starts_at = _check_time(group, day, at, duration)
    meeting = Meeting(group_id=group.id, starts_at=starts_at, duration_minutes=duration, occurrence=None)
    db.session.add(meeting)
    db.session.flush()
    audit.record("meeting.added", actor=by, target=f"meeting:{meeting.id}")
    _tell_members(group, meeting, _l("An extra meeting"), "groups/email/meeting_added.txt")
    db.session.commit()
    return meeting


def move_meeting(meeting: Meeting, day: date | None, at: time | None, duration: int | None, *, by: User) -> None:
    """Move one meeting, leaving the others as they are. Members are told. Commits."""
    require_facilitator(by, meeting.group)
    if meeting.cancelled:
        raise Conflict(_l("This meeting is cancelled."))
    old_start = meeting.start
    meeting.starts_at = _check_time(meeting.group, day, at, duration, ignore=meeting.id)
    meeting.duration_minutes = duration
    meeting.touch()
    audit.record("meeting.moved", actor=by, target=f"meeting:{meeting.id}")
    _tell_members(meeting.group, meeting, _l("A meeting has moved"), "groups/email/meeting_moved.txt", old_start=old_start,
                  text="meeting_moved")
    db.session.commit()


def cancel_meeting(meeting: Meeting, *, by: User) -> None:
    """Cancel one meeting; it stays in calendars as cancelled. Members are told. Commits."""
    require_facilitator(by, meeting.group)
    if meeting.cancelled:
        raise Conflict(_l("This meeting is already cancelled."))
    if meeting.start <= utcnow():
        raise DomainError(_l("A meeting that has started cannot be cancelled."))
    meeting.status = CANCELLED
    meeting.touch()
    audit.record("meeting.cancelled", actor=by, target=f"meeting:{meeting.id}")
    # Cancelled for today: her text goes even in quiet hours, or she would come to a closed door.
    same_day = meeting.start.astimezone(zone(meeting.group.timezone)).date() == today_in(meeting.group.timezone)
    _tell_members(meeting.group, meeting, _l("A meeting is cancelled"), "groups/email/meeting_cancelled.txt",
                  text="meeting_cancelled", urgent=same_day)
    db.session.commit()


def restore_meeting(meeting: Meeting, *, by: User) -> None:
    """Undo a cancellation, up to the meeting's start, if its time is still free. Members are
    told again. Commits."""
    require_facilitator(by, meeting.group)
    if not meeting.cancelled:
        raise Conflict(_l("This meeting is not cancelled."))
    if meeting.start <= utcnow():
        raise DomainError(_l("A cancellation can be undone only until the meeting starts."))
    minutes = int((meeting.end - meeting.start).total_seconds() // 60)
    if _clashes(meeting.group, meeting.start, minutes, meeting.id):
        raise Conflict(_l("The group already has another meeting at that time."))
    meeting.status = SCHEDULED
    meeting.touch()
    audit.record("meeting.restored", actor=by, target=f"meeting:{meeting.id}")
    _tell_members(meeting.group, meeting, _l("A meeting is on again"), "groups/email/meeting_restored.txt",
                  text="meeting_restored")
    db.session.commit()


def change_schedule(group: Group, *, effective: date | None, frequency: str, weekday: int | None, at: time | None,
                    duration: int | None, by: User, today: date | None = None) -> None:
    """A new regular schedule from `effective` on. Earlier meetings stay as they are.

    Regular meetings from that date on that have not started are matched in order to the new
    dates, so each keeps its topic, plan, RSVPs and calendar UID (with its SEQUENCE raised); those
    left over are cancelled, and new ones are made as needed. A meeting already under way or held
    (the schedule can change from today) and a cancelled one stay as they are and keep their day:
    the new schedule gives that day to no other meeting, so a cancellation on a day both schedules
    share still stands. Commits.
    """
    require_facilitator(by, group)
    today = today or today_in(group.timezone)
    if effective is None or effective < today:
        raise DomainError(_l("The new schedule can start today or later, not in the past."), field="effective")
    if frequency not in FREQUENCIES:
        raise DomainError(_l("Please choose how often the group meets."), field="frequency")
    if weekday is None or not 0 <= weekday <= 6:
        raise DomainError(_l("Please choose the day of the week the group meets."), field="weekday")
    if at is None:
        raise DomainError(_l("Please give the time the meeting starts."), field="start_time")
    if duration is None or not 60 <= duration <= 120:
        raise DomainError(_l("A meeting lasts between 60 and 120 minutes."), field="duration_minutes")
    group.frequency, group.weekday, group.start_time, group.duration_minutes = frequency, weekday, at, duration
    group.schedule_from = effective
    regular = db.session.scalars(
        select(Meeting)
        .where(Meeting.group_id == group.id, Meeting.occurrence.is_not(None), Meeting.occurrence >= effective)
        .order_by(Meeting.starts_at)
    ).all()
    now = utcnow()
    old = [m for m in regular if m.status == SCHEDULED and m.start > now]
    kept = {m.occurrence for m in regular if m.status != SCHEDULED or m.start <= now}
    days = [day for day in occurrences(frequency, weekday, effective, effective, _horizon(group, today))
            if day not in kept]
    for meeting in old:
        meeting.occurrence = None  # free the slots before they are given out again
    db.session.flush()
    for meeting, day in zip(old, days, strict=False):
        meeting.occurrence = day
        meeting.starts_at = to_utc(day, at, group.timezone)
        meeting.duration_minutes = duration
        meeting.touch()
    for meeting in old[len(days):]:
        meeting.status = CANCELLED
        meeting.touch()
    db.session.flush()
    extend_meetings(group, today)
    audit.record("group.schedule_changed", actor=by, target=f"group:{group.id}", detail={"from": effective.isoformat()})
    _tell_members(group, None, _l("Your group has a new schedule"), "groups/email/schedule_changed.txt")
    db.session.commit()


def _tell_members(group: Group, meeting: Meeting | None, subject, template: str, *, text: str | None = None,
                  urgent: bool = False, **context) -> None:
    """Every member is told; `text` (a kind, with its template in groups/texts/) goes by text
    message to those who chose texts, once per member and version of the meeting."""
    members = db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id, Membership.status == MEMBER)
    )
    for member in members:
        texting = {}
        if text and meeting is not None:
            texting = {"text": f"groups/texts/{text}.txt", "text_kind": text, "group_id": group.id, "urgent": urgent,
                       "text_key": f"{text.replace('_', '-')}:{meeting.id}:{member.id}:{meeting.sequence}"}
        notify(member, subject, template, group=group, meeting=meeting, **texting, **context)


# ---- planning ----------------------------------------------------------------------------------

def upcoming(group_ids: list[int], per_group: int = MIN_AHEAD, now: datetime | None = None) -> dict[int, list[Meeting]]:
    """The next meetings of each group (cancelled ones included, marked), in one query."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Meeting).where(Meeting.group_id.in_(group_ids), Meeting.starts_at >= now - timedelta(hours=3))
        .order_by(Meeting.starts_at)
    ).all()
    result: dict[int, list[Meeting]] = {gid: [] for gid in group_ids}
    for meeting in rows:
        if len(result[meeting.group_id]) < per_group:
            result[meeting.group_id].append(meeting)
    return result


class RecentTopic(NamedTuple):
    """A meeting held with a topic: only what the planner shows of it."""
    id: int
    group_id: int
    topic_id: int
    starts_at: datetime

    @property
    def start(self) -> datetime:
        return aware(self.starts_at)


@functools.cache
def _recent_topics_statement():
    """Built once per process (every planner runs it): the groups, the moment and the limit as parameters."""
    ranked = (
        select(Meeting.id, func.row_number().over(partition_by=Meeting.group_id,
                                                  order_by=Meeting.starts_at.desc()).label("n"))
        .where(Meeting.group_id.in_(bindparam("group_ids", expanding=True)), Meeting.starts_at < bindparam("now"),
               Meeting.topic_id.is_not(None), Meeting.status == SCHEDULED)
        .subquery()
    )
    return (select(Meeting.id, Meeting.group_id, Meeting.topic_id, Meeting.starts_at)
            .join(ranked, ranked.c.id == Meeting.id).where(ranked.c.n <= bindparam("limit"))
            .order_by(Meeting.starts_at.desc()))


def recent_topics(group_ids: list[int], limit: int = 6, now: datetime | None = None) -> dict[int, list[RecentTopic]]:
    """The last meetings with a topic of each group, most recent first, to avoid repeats: one query
    that ranks each group's meetings in the database, so years of meetings behind cost nothing.
    Plain values (id, group, topic id, start), no Meeting objects: the planner names topics from
    `topic_choices`."""
    result: dict[int, list[RecentTopic]] = {gid: [] for gid in group_ids}
    if not group_ids:
        return result
    rows = db.session.connection().execute(_recent_topics_statement(),
                                           {"group_ids": list(group_ids), "now": now or utcnow(), "limit": limit})
    for row in rows:
        result[row[1]].append(RecentTopic(*row))
    return result


def set_plan(meeting: Meeting, topic_id: int | None, plan: str, *, by: User) -> None:
    """A facilitator chooses the topic and writes a short plan. Commits."""
    require_facilitator(by, meeting.group)
    if topic_id is not None and db.session.get(Topic, topic_id) is None:
        raise DomainError(_l("Please choose a topic from the list."), field="topic_id")
    if len(plan) > 2000:
        raise DomainError(_l("Please keep the plan under 2000 characters."), field="plan")
    if meeting.topic_id != topic_id:
        meeting.touch()  # the topic is in the calendar's SUMMARY
    meeting.topic_id = topic_id
    meeting.plan = plan.strip()
    audit.record("meeting.planned", actor=by, target=f"meeting:{meeting.id}")
    db.session.commit()


# ---- the meeting page -------------------------------------------------------------------------

def her_standing_at_meeting(user_id):
    """Whether she is a member of the meeting's group, and whether she facilitates it: two EXISTS
    columns to select beside a Meeting (her id usually a bound parameter)."""
    member = exists().where(Membership.group_id == Meeting.group_id, Membership.user_id == user_id,
                            Membership.status == MEMBER)
    leads = exists().where(GroupFacilitator.group_id == Meeting.group_id, GroupFacilitator.user_id == user_id)
    return member, leads


@functools.cache
def _meeting_page_statement():
    """Built once per process (every meeting page runs it), the meeting and her id as parameters."""
    user_id = bindparam("user_id")
    member, leads = her_standing_at_meeting(user_id)
    answer = select(Rsvp.coming).where(Rsvp.meeting_id == Meeting.id, Rsvp.user_id == user_id).scalar_subquery()
    coming = select(func.count(Rsvp.id)).where(Rsvp.meeting_id == Meeting.id, Rsvp.coming.is_(True)).scalar_subquery()
    return (select(Meeting, member, leads, answer, coming).where(Meeting.id == bindparam("meeting_id"))
            .options(joinedload(Meeting.topic).joinedload(Topic.texts)))


def meeting_page_facts(meeting_id: int, user: User) -> tuple[Meeting, bool, bool, bool | None, int] | None:
    """A meeting (its group, place and topic with its texts) and, in the same query, whether she
    is a seated member and a facilitator of its group, her answer (coming, not coming, None) and
    how many said they are coming. None when there is no such meeting."""
    row = db.session.execute(_meeting_page_statement(), {"meeting_id": meeting_id, "user_id": user.id}).unique().first()
    if row is None:
        return None
    meeting, is_member, is_leading, her_answer, count = row
    return meeting, bool(is_member), bool(is_leading), None if her_answer is None else bool(her_answer), count or 0
