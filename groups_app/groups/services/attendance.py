"""Taking attendance: the members who came and walk-in guests, in one transaction."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import lazyload

from ...accounts.models import User
from ...core import audit
from ...core.errors import DomainError
from ...core.timeutil import utcnow
from ...extensions import db
from ..models import Attendance, Group, Guest, Meeting, Membership
from ..models.attendance import STAGES
from ..models.group import MEMBER
from ..permissions import require_facilitator
from .meetings import her_standing_at_meeting


@dataclass
class GuestEntry:
    first_name: str
    stage: str
    baby_age_months: int | str | None = None  # as typed on the sheet; checked by baby_age()


def baby_age(value: int | str | None) -> int | None:
    """A guest's baby's age: whole months from 0 to 60, or not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        months = int(str(value).strip())
    except ValueError:
        months = -1
    if not 0 <= months <= 60:
        raise DomainError(_l("The baby's age is in months, from 0 to 60."), field="guests")
    return months


def members_of(group: Group) -> list[User]:
    return list(
        db.session.scalars(
            select(User).join(Membership, Membership.user_id == User.id)
            .where(Membership.group_id == group.id, Membership.status == MEMBER)
            .order_by(User.name)
        )
    )


MEMBERS_ONLY = _l("Only members of the group can be ticked. Add a walk-in as a guest.")


@functools.cache
def _facts_statement():
    """Built once per process, like the roll's: the meeting and her id as parameters."""
    member, leads = her_standing_at_meeting(bindparam("user_id"))
    return select(Meeting, member, leads).where(Meeting.id == bindparam("meeting_id")).options(lazyload(Meeting.topic))


def attendance_facts(meeting_id: int, user: User) -> tuple[Meeting, bool, bool] | None:
    """The meeting (with its group, not its topic: the attendance page names none) and, in the same
    statement, whether she is a seated member and a facilitator of its group. None when there is
    no such meeting."""
    row = db.session.execute(_facts_statement(), {"meeting_id": meeting_id, "user_id": user.id}).first()
    return None if row is None else (row[0], bool(row[1]), bool(row[2]))


@functools.cache
def _roll_statement():
    came = exists().where(Attendance.meeting_id == bindparam("meeting_id"), Attendance.user_id == User.id)
    return (select(User.id, User.name, came.label("came")).join(Membership, Membership.user_id == User.id)
            .where(Membership.group_id == bindparam("group_id"), Membership.status == MEMBER)
            .order_by(User.name))


def roll(meeting: Meeting) -> list:
    """The group's seated members by name, as rows of (id, name, came): whether she is ticked as
    present at this meeting. One statement, and only the two columns the list shows."""
    return list(db.session.execute(_roll_statement(), {"meeting_id": meeting.id, "group_id": meeting.group_id}))


def present_ids(meeting: Meeting) -> set[int]:
    return set(db.session.scalars(select(Attendance.user_id).where(Attendance.meeting_id == meeting.id,
                                                                   Attendance.user_id.is_not(None))))


@functools.cache
def _guests_statement():
    """Built once per process (every attendance page runs it), the meeting as a parameter."""
    return (select(Guest).join(Attendance, Attendance.guest_id == Guest.id)
            .where(Attendance.meeting_id == bindparam("meeting_id")).order_by(Guest.id))


def guests_at(meeting: Meeting) -> list[Guest]:
    return list(db.session.scalars(_guests_statement(), {"meeting_id": meeting.id}))


def take_attendance(meeting: Meeting, present: set[int], guests: list[GuestEntry], *, by: User) -> None:
    """Record who came, replacing the members' ticks and adding guests, in one transaction.

    Everyone ticked must be a member of the group; a meeting in the future or cancelled takes
    no attendance. Changes after the first save are kept in the audit log. Commits.
    """
    require_facilitator(by, meeting.group)
    if meeting.cancelled:
        raise DomainError(_l("This meeting is cancelled."))
    if utcnow() < meeting.attendance_opens:
        raise DomainError(_l("Attendance can be taken from an hour before the meeting starts."))
    members = {u.id for u in members_of(meeting.group)}
    strangers = present - members
    if strangers:
        raise DomainError(MEMBERS_ONLY, field="present")
    for entry in guests:
        if not entry.first_name.strip() or len(entry.first_name) > 60:
            raise DomainError(_l("Each guest needs a first name."), field="guests")
        if entry.stage not in STAGES:
            raise DomainError(_l("Please say whether each guest is pregnant or breastfeeding."), field="guests")
        entry.baby_age_months = baby_age(entry.baby_age_months)
    before = present_ids(meeting)
    for row in db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id,
                                                           Attendance.user_id.in_(before - present))):
        db.session.delete(row)
    for user_id in sorted(present - before):
        db.session.add(Attendance(meeting_id=meeting.id, user_id=user_id))
    for entry in guests:
        guest = Guest(group_id=meeting.group_id, first_name=entry.first_name.strip(), stage=entry.stage,
                      baby_age_months=entry.baby_age_months)
        db.session.add(guest)
        db.session.flush()
        db.session.add(Attendance(meeting_id=meeting.id, guest_id=guest.id))
    already_taken = bool(before) or db.session.scalar(
        select(func.count(Attendance.id)).where(Attendance.meeting_id == meeting.id, Attendance.guest_id.is_not(None))
    ) > len(guests)
    meeting.attendance_taken_at = meeting.attendance_taken_at or utcnow()
    audit.record(
        "attendance.changed" if already_taken else "attendance.taken",
        actor=by,
        target=f"meeting:{meeting.id}",
        detail={"added": sorted(present - before), "removed": sorted(before - present), "guests_added": len(guests)},
    )
    db.session.commit()
