"""Who may see and change what in a group: the object-level checks, used by views and templates.

They live with the groups feature rather than in core/permissions.py, so that core depends on
no feature; the route declarations still use core's vocabulary.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.errors import NotAllowed
from ..extensions import db
from .models import Membership


def is_facilitator_of(user, group) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.id in group.facilitator_ids)


def is_member_of(user, group) -> bool:
    """A seated member (not the waiting list). Looks the membership up: one small query."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(
        select(Membership.id).where(Membership.group_id == group.id, Membership.user_id == user.id,
                                    Membership.status == "member")
    ) is not None


def can_see_home_address(user, group) -> bool:
    """A home address is for the group's members and facilitators; other venues are public."""
    if group.venue_kind != "home":
        return True
    return is_facilitator_of(user, group) or is_member_of(user, group)


def can_facilitate(user, group) -> bool:
    """Plan, take attendance, manage members: the group's facilitators, and coordinators."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return is_facilitator_of(user, group) or user.has_role("coordinator", "admin")



def is_coordinator(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.has_role("coordinator", "admin"))


# Services that change a group call these with the acting user: a view's check is the first
# line of defence, and these hold when a service is called from anywhere else.

def require_facilitator(user, group) -> None:
    if not can_facilitate(user, group):
        raise NotAllowed(_l("Only the group's facilitators and coordinators can do this."))


def require_coordinator(user) -> None:
    if not is_coordinator(user):
        raise NotAllowed(_l("Only coordinators can do this."))
