"""Who may see and change what in a group: the object-level checks, used by views and templates.

They live with the groups feature rather than in core/permissions.py, so that core depends on
no feature; the route declarations still use core's vocabulary.
"""
from __future__ import annotations

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.errors import NotAllowed
from ..extensions import db
from .models import Membership


def remember_standing(user, group, *, member: bool, facilitator: bool) -> None:
    """A page that read whether she is a member and a facilitator of the group in its own query
    records it for this request, so the checks below need no query of their own."""
    if has_request_context():
        g.setdefault("group_standing", {})[(user.id, group.id)] = (member, facilitator)


def _standing(user, group_id: int) -> tuple[bool, bool] | None:
    return g.get("group_standing", {}).get((user.id, group_id)) if has_request_context() else None


def is_facilitator_of(user, group) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    known = _standing(user, group.id)
    return known[1] if known is not None else user.id in group.facilitator_ids


def is_member_of(user, group) -> bool:
    """A seated member (not the waiting list). Looks the membership up: one small query."""
    return is_member_of_group_id(user, group.id)


def is_member_of_group_id(user, group_id: int) -> bool:
    """is_member_of for a caller that holds the group's id, not the group (a meeting's group_id)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if (known := _standing(user, group_id)) is not None:
        return known[0]
    return db.session.scalar(
        select(Membership.id).where(Membership.group_id == group_id, Membership.user_id == user.id,
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
