"""Walk-in guests: the ones not yet linked to an account, and a guest becoming a member."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...accounts.auth import find_by_identifier
from ...accounts.models import User
from ...core import audit
from ...core.errors import DomainError
from ...extensions import db
from ..models import Attendance, Group, Guest
from ..models.group import MEMBER
from ..permissions import require_facilitator
from .groups import add_member, membership_of


def unlinked_guests(group: Group) -> list[Guest]:
    """Guests of the group not yet linked to an account, newest first."""
    return list(db.session.scalars(select(Guest).where(Guest.group_id == group.id, Guest.user_id.is_(None))
                                   .order_by(Guest.created_at.desc())))


def enrol(group: Group, identifier: str, guest_id: int | None, *, by: User) -> User:
    """A facilitator adds the mother with this email or phone to the group; when she says the
    mother came before as one of the group's guests, her visits as a guest become hers. Commits."""
    require_facilitator(by, group)
    mother = find_by_identifier(identifier)
    if mother is None:
        raise DomainError(_l("No account has this email address or phone number. She can join first."),
                          field="identifier")
    guest = db.session.get(Guest, guest_id) if guest_id else None
    if guest is not None and guest.group_id == group.id:
        guest_becomes_member(guest, mother, by=by)
    else:
        add_member(group, mother, by=by)
    return mother


def guest_becomes_member(guest: Guest, mother: User, *, by: User) -> None:
    """Link a guest to the mother's account: her visits as a guest count as hers. Commits."""
    group = db.session.get(Group, guest.group_id)
    require_facilitator(by, group)
    if guest.user_id is not None:
        raise DomainError(_l("This guest is already linked to an account."))
    if membership_of(group, mother) is None or membership_of(group, mother).status != MEMBER:
        add_member(group, mother, by=by)
    guest.user_id = mother.id
    for row in db.session.scalars(select(Attendance).where(Attendance.guest_id == guest.id)):
        clash = db.session.scalar(select(Attendance.id).where(Attendance.meeting_id == row.meeting_id,
                                                              Attendance.user_id == mother.id))
        if clash is None:
            row.user_id = mother.id
    audit.record("guest.became_member", actor=by, target=f"group:{group.id}", detail={"guest": guest.id, "user": mother.id})
    db.session.commit()
