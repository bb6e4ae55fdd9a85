"""Creating and editing groups, a group's page, joining, leaving and the waiting list (the directory:
directory.py)."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, exists, func, select
from sqlalchemy.orm import aliased, lazyload

from ...accounts.models import User, UserRole
from ...core import audit
from ...core.errors import Conflict, DomainError
from ...core.i18n import LANGUAGES
from ...core.notify import notify
from ...core.places import Locality
from ...core.sql import json_rows
from ...core.timeutil import today as today_in
from ...extensions import db
from ..models import Group, GroupFacilitator, Membership
from ..models.group import FREQUENCIES, MEMBER, VENUE_KINDS, WAITING
from ..permissions import require_coordinator, require_facilitator


@dataclass
class GroupFields:
    name: str
    description: str
    venue_kind: str
    address: str
    locality_id: int | None
    languages: list[str]
    frequency: str
    weekday: int | None
    start_time: time | None
    duration_minutes: int | None
    timezone: str
    capacity: int | None
    open: bool
    facilitator_ids: list[int]
    schedule_from: date | None = None
    archived: bool = False


def _check(fields: GroupFields) -> None:
    """Every rule of a group's fields, each broken one named with its field."""
    if not fields.name.strip():
        raise DomainError(_l("Please give the group a name."), field="name")
    if fields.venue_kind not in VENUE_KINDS:
        raise DomainError(_l("Please choose where the group meets."), field="venue_kind")
    if fields.venue_kind == "home" and not fields.address.strip():
        raise DomainError(_l("A group that meets in a home needs its address (shown only to members)."), field="address")
    if not fields.locality_id or db.session.get(Locality, fields.locality_id) is None:
        raise DomainError(_l("Please choose a locality from the list."), field="locality_id")
    if not fields.languages or set(fields.languages) - set(LANGUAGES):
        raise DomainError(_l("Please choose at least one meeting language."), field="languages")
    if fields.frequency not in FREQUENCIES:
        raise DomainError(_l("Please choose how often the group meets."), field="frequency")
    if fields.weekday is None or not 0 <= fields.weekday <= 6:
        raise DomainError(_l("Please choose the day of the week the group meets."), field="weekday")
    if fields.start_time is None:
        raise DomainError(_l("Please give the time the meeting starts."), field="start_time")
    if fields.duration_minutes is None or not 60 <= fields.duration_minutes <= 120:
        raise DomainError(_l("A meeting lasts between 60 and 120 minutes."), field="duration_minutes")
    if fields.capacity is None or not 2 <= fields.capacity <= 30:
        raise DomainError(_l("A group has between 2 and 30 places."), field="capacity")
    try:
        ZoneInfo(fields.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError(_l("Unknown time zone."), field="timezone") from None
    if fields.facilitator_ids:
        known = set(
            db.session.scalars(
                select(UserRole.user_id).where(UserRole.role == "facilitator", UserRole.user_id.in_(fields.facilitator_ids))
            )
        )
        if known != set(fields.facilitator_ids):
            raise DomainError(_l("Only people with the facilitator role can facilitate a group."), field="facilitator_ids")


def create_group(fields: GroupFields, *, by: User, today: date | None = None) -> Group:
    """A new group with its meetings for the coming weeks. Commits."""
    from .meetings import extend_meetings

    require_coordinator(by)
    _check(fields)
    group = Group(
        name=fields.name.strip(),
        description=fields.description.strip(),
        venue_kind=fields.venue_kind,
        address=fields.address.strip(),
        locality_id=fields.locality_id,
        languages=",".join(fields.languages),
        frequency=fields.frequency,
        weekday=fields.weekday,
        start_time=fields.start_time,
        duration_minutes=fields.duration_minutes,
        timezone=fields.timezone,
        capacity=fields.capacity,
        open=fields.open,
        schedule_from=fields.schedule_from or today or today_in(fields.timezone),
    )
    group.facilitator_links = [GroupFacilitator(user_id=uid) for uid in fields.facilitator_ids]
    db.session.add(group)
    db.session.flush()
    extend_meetings(group, today=today)
    audit.record("group.created", actor=by, target=f"group:{group.id}")
    db.session.commit()
    return group


def update_group(group: Group, fields: GroupFields, *, by: User) -> None:
    """Change a group's details (not its schedule: see meetings.change_schedule). Commits."""
    require_coordinator(by)
    _check(fields)
    if fields.capacity < member_count(group):
        raise DomainError(_l("The group already has more members than that."), field="capacity")
    group.name = fields.name.strip()
    group.description = fields.description.strip()
    group.venue_kind = fields.venue_kind
    group.address = fields.address.strip()
    group.locality_id = fields.locality_id
    group.languages = ",".join(fields.languages)
    group.capacity = fields.capacity
    group.open = fields.open
    group.archived = fields.archived
    current = {link.user_id: link for link in group.facilitator_links}
    for uid in set(current) - set(fields.facilitator_ids):
        group.facilitator_links.remove(current[uid])
    for uid in set(fields.facilitator_ids) - set(current):
        group.facilitator_links.append(GroupFacilitator(user_id=uid))
    audit.record("group.updated", actor=by, target=f"group:{group.id}")
    db.session.flush()
    _fill_free_seats(group)
    db.session.commit()


# ---- membership ------------------------------------------------------------------------------

def member_count(group: Group) -> int:
    return db.session.scalar(
        select(func.count(Membership.id)).where(Membership.group_id == group.id, Membership.status == MEMBER)
    ) or 0


def membership_of(group: Group, user: User) -> Membership | None:
    return db.session.scalar(select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id))


@dataclass
class GroupPageFacts:
    """What a group's page needs to know beyond its meetings, read in one statement."""

    group: Group
    membership: Membership | None  # hers: a seat or a place on the waiting list
    leads: bool  # she is one of its facilitators
    members: int  # seated members
    facilitators: list[str] = field(default_factory=list)  # their names, in the order they were added

    @property
    def member(self) -> bool:
        return self.membership is not None and self.membership.status == MEMBER

    @property
    def seats_left(self) -> int:
        return max(self.group.capacity - self.members, 0)


@functools.cache
def _group_page_statement(signed_in: bool, dialect: str):
    """Built once per process and database kind (every group page runs it), the group and her ids
    as parameters: the group, its seated members, its facilitators' names and, for one signed in,
    her membership and whether she leads it."""
    members = (select(func.count(Membership.id)).where(Membership.group_id == Group.id, Membership.status == MEMBER)
               .scalar_subquery())
    # Each facilitator as [link id, name] (sorted by the id in Python), so the page needs no statement for them.
    names = (select(json_rows(dialect, GroupFacilitator.id, User.name))
             .join(User, User.id == GroupFacilitator.user_id).where(GroupFacilitator.group_id == Group.id)
             .scalar_subquery())
    if not signed_in:
        return select(Group, members, names).where(Group.id == bindparam("group_id"))
    hers = aliased(Membership)
    leads = exists().where(GroupFacilitator.group_id == Group.id, GroupFacilitator.user_id == bindparam("user_id"))
    return (select(Group, hers, leads, members, names)
            .outerjoin(hers, and_(hers.group_id == Group.id, hers.user_id == bindparam("user_id")))
            .where(Group.id == bindparam("group_id"))
            .options(lazyload(hers.user)))  # she is the signed-in user; the page shows only her status


def _names(pairs) -> list[str]:
    return [name for _id, name in sorted(pairs or ())]


def group_page_facts(group_id: int, user) -> GroupPageFacts | None:
    """A group (with its locality) and, in the same statement, how many members it seats, its
    facilitators' names and, for one signed in, her membership and whether she facilitates it.
    None when there is no such group."""
    dialect = db.session.get_bind().dialect.name
    if not getattr(user, "is_authenticated", False):
        row = db.session.execute(_group_page_statement(False, dialect), {"group_id": group_id}).first()
        return None if row is None else GroupPageFacts(row[0], None, False, row[1] or 0, _names(row[2]))
    row = db.session.execute(_group_page_statement(True, dialect), {"group_id": group_id, "user_id": user.id}).first()
    if row is None:
        return None
    group, membership, is_leading, count, pairs = row
    return GroupPageFacts(group, membership, bool(is_leading), count or 0, _names(pairs))


def _lock(group: Group) -> None:
    """Lock the group's row for the rest of the transaction: joins and leaves queue up behind it.

    Only the id is selected: PostgreSQL refuses FOR UPDATE on the outer join that loading a
    whole Group (with its locality) would bring."""
    db.session.execute(select(Group.id).where(Group.id == group.id).with_for_update())


def join(group: Group, mother: User) -> Membership:
    """A seat if one is free, else a place on the waiting list. Commits."""
    _lock(group)
    if group.archived or not group.open:
        raise Conflict(_l("This group is not taking new members."))
    if membership_of(group, mother) is not None:
        raise Conflict(_l("You are already in this group or on its waiting list."))
    if member_count(group) < group.capacity:
        membership = Membership(group_id=group.id, user_id=mother.id, status=MEMBER)
    else:
        last = db.session.scalar(
            select(func.max(Membership.position)).where(Membership.group_id == group.id, Membership.status == WAITING)
        )
        membership = Membership(group_id=group.id, user_id=mother.id, status=WAITING, position=(last or 0) + 1)
    db.session.add(membership)
    audit.record("group.joined" if membership.status == MEMBER else "group.waitlisted", actor=mother,
                 target=f"group:{group.id}")
    db.session.commit()
    return membership


def leave(group: Group, mother: User, *, by: User | None = None) -> None:
    """She leaves (or a facilitator removes her); the first on the waiting list gets the seat. Commits."""
    if by is not None and by.id != mother.id:
        require_facilitator(by, group)
    _lock(group)
    membership = membership_of(group, mother)
    if membership is None:
        raise Conflict(_l("This mother is not in the group."))
    was_member = membership.status == MEMBER
    db.session.delete(membership)
    db.session.flush()
    _renumber_waiting(group)
    if was_member:
        _fill_free_seats(group)
    audit.record("group.left", actor=by or mother, target=f"group:{group.id}", detail={"user": mother.id})
    db.session.commit()


def add_member(group: Group, mother: User, *, by: User) -> Membership:
    """A facilitator adds a mother, even past the waiting list (she is there in person). Commits."""
    require_facilitator(by, group)
    _lock(group)
    if not mother.has_role("mother"):
        raise DomainError(_l("Only people with the mother role can be members."), field="identifier")
    membership = membership_of(group, mother)
    if membership is not None and membership.status == MEMBER:
        raise Conflict(_l("She is already a member of this group."), field="identifier")
    if member_count(group) >= group.capacity:
        raise Conflict(_l("The group is full. Raise its capacity first, or she can join the waiting list."),
                       field="identifier")
    if membership is None:
        membership = Membership(group_id=group.id, user_id=mother.id, status=MEMBER)
        db.session.add(membership)
    else:
        membership.status, membership.position = MEMBER, None
        db.session.flush()
        _renumber_waiting(group)
    audit.record("group.member_added", actor=by, target=f"group:{group.id}", detail={"user": mother.id})
    db.session.commit()
    return membership


def waiting_list(group: Group) -> list[Membership]:
    return list(db.session.scalars(
        select(Membership).where(Membership.group_id == group.id, Membership.status == WAITING).order_by(Membership.position)
    ))


def _renumber_waiting(group: Group) -> None:
    """Waiting places stay 1, 2, 3... with no gaps, in the order mothers joined the list."""
    waiting = db.session.scalars(
        select(Membership)
        .where(Membership.group_id == group.id, Membership.status == WAITING)
        .order_by(Membership.position, Membership.id)
    ).all()
    for number, membership in enumerate(waiting, 1):
        membership.position = number


def _fill_free_seats(group: Group) -> None:
    """Give free seats to the first mothers waiting, and tell each of them."""
    free = group.capacity - member_count(group)
    if free <= 0:
        return
    lucky = db.session.scalars(
        select(Membership)
        .where(Membership.group_id == group.id, Membership.status == WAITING)
        .order_by(Membership.position)
        .limit(free)
    ).all()
    for membership in lucky:
        membership.status, membership.position = MEMBER, None
        notify(membership.user, _l("A seat is yours"), "groups/email/seat_freed.txt", group=group)
    db.session.flush()
    _renumber_waiting(group)
