"""What the groups feature adds to the shell: menu links, and on her home page the groups she
leads, her groups and her work."""
from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..core.extension_points import NavLink, same_for_a_role
from ..core.timeutil import aware, utcnow
from ..extensions import db
from .models import Group, GroupFacilitator, Meeting, Membership
from .models.meeting import CANCELLED, SCHEDULED
from .services.follow_up import AHEAD_HOURS, MISSING_DAYS


class GroupName(NamedTuple):
    id: int
    name: str


class MeetingLine(NamedTuple):
    """A meeting as her home page lists it: plain values, no ORM object."""

    id: int
    group_id: int
    starts_at: datetime
    status: str
    group_name: str

    @property
    def start(self) -> datetime:
        return aware(self.starts_at)

    @property
    def cancelled(self) -> bool:
        return self.status == CANCELLED

    @property
    def group(self) -> GroupName:
        return GroupName(self.group_id, self.group_name)


class MyGroup(NamedTuple):
    group: GroupName  # its id and name: all her home page shows of it
    status: str  # "leads", "member" or "waiting"
    position: int | None
    next_meeting: MeetingLine | None


@functools.cache
def _my_groups_statement():
    """Built once per process (every home page runs it), her id and the moments as parameters (`now`
    is never baked in). One row per group of hers, or one per meeting of it that her home page shows:
    its next meeting (as follow_up.next_meetings: one that began less than AHEAD_HOURS ago
    counts), and in a group she leads, each meeting of the last MISSING_DAYS days whose attendance
    is still to enter. Her groups are found from her side (both user_id indexes), not by looking
    at every group; each one's next meeting by one lookup in its meetings, LIMIT 1. (A window over
    all her groups' meetings from the moment, as before, PostgreSQL priced higher for any moment than
    for the one at hand, so it planned the statement again on every run: 0.5 ms at 15 groups.)"""
    user_id = bindparam("user_id")
    hers = select(Membership.group_id).where(Membership.user_id == user_id).union(
        select(GroupFacilitator.group_id).where(GroupFacilitator.user_id == user_id))
    following = aliased(Meeting, name="following")
    next_id = (select(following.id).where(following.group_id == Group.id, following.starts_at >= bindparam("ahead_from"))
               .order_by(following.starts_at, following.id).limit(1).correlate(Group).scalar_subquery())
    # OFFSET 0 keeps her groups a table of their own: merged into the join below, the lookup would run
    # once for each of a group's meetings instead of once for the group
    groups = (select(Group.id, Group.name, next_id.label("next_id"))
              .where(Group.archived.is_(False), Group.id.in_(hers)).offset(0).subquery("her_groups"))
    leads = GroupFacilitator.group_id.is_not(None)
    missing = and_(leads, Meeting.status == SCHEDULED, Meeting.attendance_taken_at.is_(None),
                   Meeting.starts_at < bindparam("now"), Meeting.starts_at > bindparam("missing_from"))
    return (select(groups.c.id, groups.c.name, Membership.status, Membership.position, leads,
                   Meeting.id, Meeting.starts_at, Meeting.status, missing)
            .select_from(groups)
            .outerjoin(Membership, and_(Membership.group_id == groups.c.id, Membership.user_id == user_id))
            .outerjoin(GroupFacilitator, and_(GroupFacilitator.group_id == groups.c.id, GroupFacilitator.user_id == user_id))
            .outerjoin(Meeting, and_(Meeting.group_id == groups.c.id, or_(Meeting.id == groups.c.next_id, missing)))
            .order_by(groups.c.name, groups.c.id, Meeting.starts_at))


def my_groups(user: User, now=None) -> tuple[list[MyGroup], list[MeetingLine]]:
    """The groups she leads, then the groups she belongs to or waits for, each with its next
    meeting; and the meetings of groups she leads whose attendance is still to enter, oldest first:
    one query, of plain values. A group she both leads and belongs to is listed once, as led."""
    now = now or utcnow()
    ahead_from = now - timedelta(hours=AHEAD_HOURS)
    rows = db.session.connection().execute(_my_groups_statement(), {  # plain rows, no ORM objects
        "user_id": user.id, "now": now, "ahead_from": ahead_from, "missing_from": now - timedelta(days=MISSING_DAYS)})
    groups: dict[int, list] = {}  # by name, as the rows come; each group's meetings by time
    missing = []
    for gid, name, status, position, led, meeting_id, starts_at, meeting_status, is_missing in rows:
        entry = groups.get(gid)
        if entry is None:
            entry = groups[gid] = [GroupName(gid, name), "leads" if led else status, None if led else position, None]
        if meeting_id is None:
            continue
        line = MeetingLine(meeting_id, gid, starts_at, meeting_status, name)
        if is_missing:
            missing.append(line)
        if entry[3] is None and line.start >= ahead_from:  # her next meeting (a missing one may come first)
            entry[3] = line
    entries = [MyGroup(*entry) for entry in groups.values()]
    missing.sort(key=lambda line: line.start)
    return [e for e in entries if e.status == "leads"] + [e for e in entries if e.status != "leads"], missing


def groups_section(user: User) -> Markup | None:
    is_mother, is_facilitator = user.has_role("mother"), user.has_role("facilitator")
    if not (is_mother or is_facilitator):
        return None
    entries, missing = my_groups(user)
    # A part of the home page, which render_template renders: Jinja's own render is enough here
    # (Flask's context processors would run a second time); the template is given all it uses.
    return Markup(current_app.jinja_env.get_template("groups/_home_groups.html").render(  # nosec B704  # an autoescaped Jinja template
        missing=missing if is_facilitator else [],
        led=[e for e in entries if e.status == "leads"],
        mine=[e for e in entries if e.status != "leads"],
        is_mother=is_mother,
    ))


@same_for_a_role  # words and links for her roles: made once per roles and language (main.home.her_work_cards)
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
