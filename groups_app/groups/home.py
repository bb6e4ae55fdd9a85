"""What the groups feature adds to the shell: menu links, and on her home page the groups she
leads, her groups and her work."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from ..accounts.models import User
from ..core.extension_points import NavLink
from ..extensions import db
from .models import Group, GroupFacilitator, Meeting, Membership
from .services.follow_up import attendance_missing
from .services.meetings import upcoming


@dataclass
class MyGroup:
    group: Group
    status: str  # "leads", "member" or "waiting"
    position: int | None
    next_meeting: Meeting | None


def my_groups(user: User) -> list[MyGroup]:
    """The groups she leads, then the groups she belongs to or waits for, each with its next
    meeting, in three queries. A group she both leads and belongs to is listed once, as led."""
    led = db.session.scalars(
        select(Group).join(GroupFacilitator, GroupFacilitator.group_id == Group.id)
        .where(GroupFacilitator.user_id == user.id, Group.archived.is_(False)).order_by(Group.name)
    ).all()
    led_ids = {group.id for group in led}
    rows = db.session.execute(
        select(Group, Membership.status, Membership.position)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == user.id, Group.archived.is_(False))
        .order_by(Group.name)
    ).unique().all()
    entries = [(group, "leads", None) for group in led]
    entries += [(group, status, position) for group, status, position in rows if group.id not in led_ids]
    next_meetings = upcoming([group.id for group, _, _ in entries], per_group=1)
    return [MyGroup(group, status, position, (next_meetings.get(group.id) or [None])[0])
            for group, status, position in entries]


def groups_section(user: User) -> Markup | None:
    if not (user.has_role("mother") or user.has_role("facilitator")):
        return None
    entries = my_groups(user)
    return Markup(render_template(
        "groups/_home_groups.html",
        missing=attendance_missing(user) if user.has_role("facilitator") else [],
        led=[e for e in entries if e.status == "leads"],
        mine=[e for e in entries if e.status != "leads"],
    ))


def work_cards(user: User) -> Markup | None:
    if not user.has_role("facilitator", "staff", "coordinator", "admin"):
        return None
    return Markup(render_template("groups/_home_cards.html"))


def menu(user) -> list[NavLink]:
    links = [NavLink(20, _("Groups"), url_for("groups.directory"))]
    if user.is_authenticated and user.has_role("facilitator"):
        links.append(NavLink(50, _("Planner"), url_for("groups.planner")))
    if user.is_authenticated and user.has_role("staff"):
        links.append(NavLink(60, _("Topics"), url_for("groups.topics")))
    return links
