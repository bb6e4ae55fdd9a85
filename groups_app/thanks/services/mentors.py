"""Whom a mother may thank through the app: her groups' facilitators and her home-visit volunteers."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ...accounts.models import User
from ...extensions import db
from ...groups.models import Group, GroupFacilitator, Membership
from ...groups.models.group import MEMBER
from ...visits.models import Case


@dataclass(frozen=True)
class Mentor:
    """One way she knows a mentor mother: `key` is what the form sends back."""

    key: str
    user: User
    kind: str  # facilitator or volunteer
    group: Group | None = None
    volunteer_id: int | None = None

    @property
    def label(self) -> str:
        if self.kind == "facilitator":
            return _("%(name)s, your facilitator in %(group)s", name=self.user.name, group=self.group.name)
        return _("%(name)s, your home-visit volunteer", name=self.user.name)


def first_name(name: str | None) -> str:
    return (name or "").strip().split(" ")[0][:60] if name else ""


def mentors_of(mother: User) -> list[Mentor]:
    """The facilitators of the groups she is a member of, then the volunteers of her cases (closed
    ones too: thanks often come after); never herself. Two queries."""
    found: list[Mentor] = []
    links = db.session.execute(
        select(GroupFacilitator, Group)
        .join(Group, Group.id == GroupFacilitator.group_id)
        .join(Membership, (Membership.group_id == Group.id) & (Membership.user_id == mother.id)
              & (Membership.status == MEMBER))
        .where(GroupFacilitator.user_id != mother.id)
        .order_by(Group.name, Group.id, GroupFacilitator.id)
    ).unique().all()
    for link, group in links:
        found.append(Mentor(f"g{group.id}-{link.user_id}", link.user, "facilitator", group=group))
    cases = db.session.scalars(
        select(Case).where(Case.mother_id == mother.id, Case.volunteer_id.is_not(None)).order_by(Case.id)
    ).unique().all()
    seen: set[int] = set()
    for case in cases:
        volunteer = case.volunteer
        if volunteer.user_id == mother.id or volunteer.user_id in seen:
            continue
        seen.add(volunteer.user_id)
        found.append(Mentor(f"v{volunteer.id}", volunteer.user, "volunteer", volunteer_id=volunteer.id))
    return found


def find_mentor(mother: User, key: str) -> Mentor | None:
    return next((mentor for mentor in mentors_of(mother) if mentor.key == key), None)

