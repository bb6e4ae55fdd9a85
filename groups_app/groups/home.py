"""What the groups feature adds to the shell: menu links, and on her home page the groups she
leads, her groups and her work."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import and_, exists, select

from ..accounts.models import User
from ..core.extension_points import NavLink, same_for_a_role
from ..extensions import db
from .models import Group, GroupFacilitator, Meeting, Membership
from .services.follow_up import ahead_and_missing


@dataclass
class MyGroup:
    group: Group
    status: str  # "leads", "member" or "waiting"
    position: int | None
    next_meeting: Meeting | None


def my_groups(user: User, now=None) -> tuple[list[MyGroup], list[Meeting]]:
    """The groups she leads, then the groups she belongs to or waits for, each with its next
    meeting; and the meetings of groups she leads whose attendance is still to enter: two
    queries. A group she both leads and belongs to is listed once, as led."""
    leads = exists().where(GroupFacilitator.group_id == Group.id, GroupFacilitator.user_id == user.id)
    # Her groups found from her side (both user_id indexes), not by looking at every group.
    hers = select(Membership.group_id).where(Membership.user_id == user.id).union(
        select(GroupFacilitator.group_id).where(GroupFacilitator.user_id == user.id))
    rows = db.session.execute(
        select(Group, Membership.status, Membership.position, leads.label("leads"))
        .outerjoin(Membership, and_(Membership.group_id == Group.id, Membership.user_id == user.id))
        .where(Group.archived.is_(False), Group.id.in_(hers))
        .order_by(Group.name)
    ).unique().all()
    entries = [(group, "leads", None) for group, _, _, led in rows if led]
    entries += [(group, status, position) for group, status, position, led in rows if not led]
    led_ids = [group.id for group, status, _ in entries if status == "leads"]
    next_meetings, missing = ahead_and_missing([group.id for group, _, _ in entries], led_ids, per_group=1, now=now)
    return [MyGroup(group, status, position, (next_meetings.get(group.id) or [None])[0])
            for group, status, position in entries], missing


def groups_section(user: User) -> Markup | None:
    if not (user.has_role("mother") or user.has_role("facilitator")):
        return None
    entries, missing = my_groups(user)
    return Markup(render_template(  # nosec B704  # an autoescaped Jinja template
        "groups/_home_groups.html",
        missing=missing if user.has_role("facilitator") else [],
        led=[e for e in entries if e.status == "leads"],
        mine=[e for e in entries if e.status != "leads"],
    ))


def work_cards(user: User) -> Markup | None:
    if not user.has_role("facilitator", "staff", "coordinator", "admin"):
        return None
    return Markup(render_template("groups/_home_cards.html"))  # nosec B704  # an autoescaped Jinja template


@same_for_a_role
def menu(user) -> list[NavLink]:
    links = [NavLink(20, _("Groups"), url_for("groups.directory"))]
    if user.is_authenticated and user.has_role("facilitator"):
        links.append(NavLink(50, _("Planner"), url_for("groups.planner")))
    if user.is_authenticated and user.has_role("staff"):
        links.append(NavLink(60, _("Topics"), url_for("groups.topics")))
    return links
