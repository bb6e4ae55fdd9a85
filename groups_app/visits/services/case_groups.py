"""A mother's groups, seen from her home-visit case: her group attendance, open groups near her in
her languages, and inviting her to one (coordinators)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload

from ...accounts.models import User
from ...core import audit
from ...core.errors import DomainError
from ...core.notify import notify
from ...extensions import db
from ...groups.models import Attendance, Group, Meeting
from ..models import Case
from ..permissions import require_coordinator
from .area import NearbyGroup, nearest_groups
from .cases import page_link


@dataclass
class GroupAttendance:
    meetings: int = 0
    last: Meeting | None = None


def group_attendance(case: Case) -> GroupAttendance:
    """How many group meetings the mother came to, and the last one: one query."""
    if case.mother_id is None:
        return GroupAttendance()
    row = db.session.execute(
        select(Meeting, func.count(Attendance.id).over())
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Attendance.user_id == case.mother_id).order_by(Meeting.starts_at.desc()).limit(1)
        .options(lazyload(Meeting.topic), joinedload(Meeting.group).lazyload(Group.facilitator_links))
    ).unique().first()
    return GroupAttendance(row[1], row[0]) if row else GroupAttendance()


def nearby_groups(case: Case, limit: int = 3) -> list[NearbyGroup]:
    """Open groups that meet in one of her languages, the nearest first."""
    languages = case.language_list or (case.mother.read_languages if case.mother else [])
    return [near for near in nearest_groups(case.locality, languages, limit=limit * 5) if near.shares_language][:limit]


def invite_to_group(case: Case, group: Group, *, by: User) -> None:
    """Tell the mother, in her language, about a group near her, with a link to its page."""
    require_coordinator(by)
    if case.mother is None:
        raise DomainError(_l("This mother has no account yet, so she cannot be sent a message."))
    if group.archived:
        raise DomainError(_l("This group no longer meets."), field="group_id")
    notify(case.mother, _l("A group of mothers near you"), "visits/email/group_invite.txt",
           link=page_link("groups.group_page", group_id=group.id), group=group)
    audit.record("case.group_invited", actor=by, target=f"case:{case.id}", detail={"group": group.id})
    db.session.commit()
