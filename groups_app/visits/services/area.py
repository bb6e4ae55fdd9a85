"""Whom the program serves: the service area (the localities it serves, kept by coordinators and
staff), eligibility (the baby's age and her locality), and the support groups nearest to a mother
it cannot visit."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import lazyload

from ...core import audit
from ...core.errors import DomainError, NotAllowed
from ...core.places import Locality
from ...core.timeutil import today
from ...extensions import db
from ...groups.models import Group
from ..models import Referral, ServiceLocality


def can_edit_area(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.has_role("coordinator", "staff")


def area_ids() -> set[int]:
    """The ids of the localities in the service area; empty when no one has set it yet."""
    return set(db.session.scalars(select(ServiceLocality.locality_id)))


def set_area(locality_ids: Iterable[int], *, by) -> tuple[int, int]:
    """Make the service area exactly `locality_ids`. Returns (added, removed). Commits."""
    if not can_edit_area(by):
        raise NotAllowed(_l("Only the program's coordinators and staff can change the service area."))
    wanted = {int(i) for i in locality_ids}
    known = set(db.session.scalars(select(Locality.id).where(Locality.id.in_(wanted)))) if wanted else set()
    if wanted - known:
        raise DomainError(_l("Please choose localities from the list."), field="localities")
    current = area_ids()
    added, removed = wanted - current, current - wanted
    if removed:
        db.session.execute(delete(ServiceLocality).where(ServiceLocality.locality_id.in_(removed)))
    db.session.add_all(ServiceLocality(locality_id=i) for i in sorted(added))
    if added or removed:
        audit.record("service_area.changed", actor=by, detail={"added": len(added), "removed": len(removed)})
    db.session.commit()
    return len(added), len(removed)


# ---- dates ------------------------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), or the month's last day when it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


# ---- eligibility ------------------------------------------------------------------------------

REASONS = {
    "no_date": _l("Neither the baby's birth date nor a due date was given."),
    "baby_too_old": _l("The baby was born more than 12 months ago: home visits are for the baby's first year."),
    "outside_area": _l("Her locality is outside the program's service area."),
}


@dataclass(frozen=True)
class Eligibility:
    reasons: tuple[str, ...]  # codes of REASONS; empty when eligible
    area_configured: bool  # False: no service area set yet, so the locality was not checked

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def reason(self) -> str:
        """The first reason, as stored on the referral; empty when eligible."""
        return self.reasons[0] if self.reasons else ""

    @property
    def explanations(self) -> list:
        return [REASONS[code] for code in self.reasons]


def eligibility(*, baby_birth_date: date | None, due_date: date | None, locality_id: int | None,
                area: set[int], on: date) -> Eligibility:
    """Eligible when the baby was born within the last 12 months (her first birthday is still to
    come on `on`) or she is pregnant (a due date not passed), and her locality is in the service
    area. A due date already passed counts as the birth date. An empty `area` means that no one
    has set the service area yet: the locality is not held against her."""
    reasons: list[str] = []
    if baby_birth_date is None and due_date is None:
        reasons.append("no_date")
    else:
        a_year_ago = add_months(on, -12)
        if not any(day is not None and day > a_year_ago for day in (baby_birth_date, due_date)):
            reasons.append("baby_too_old")
    if area and locality_id not in area:
        reasons.append("outside_area")
    return Eligibility(tuple(reasons), bool(area))


def check(referral: Referral, area: set[int] | None = None) -> Eligibility:
    """The referral's eligibility today (program zone), with the service area as it is now."""
    return eligibility(baby_birth_date=referral.baby_birth_date, due_date=referral.due_date,
                       locality_id=referral.locality_id, area=area_ids() if area is None else area, on=today())


# ---- support groups near her ------------------------------------------------------------------

@dataclass
class NearbyGroup:
    group: Group
    km: float | None  # None: a locality without coordinates
    shares_language: bool


def distance_km(a: Locality | None, b: Locality | None) -> float | None:
    """The great-circle distance between two localities, or None when one has no coordinates."""
    if a is None or b is None or None in (a.lat, a.lon, b.lat, b.lon):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def nearest_groups(locality: Locality | None, languages: Iterable[str], limit: int = 3) -> list[NearbyGroup]:
    """Up to `limit` groups open to new members: those meeting in one of her languages first,
    then by distance from her locality. One query."""
    hers = set(languages)
    groups = db.session.scalars(
        select(Group).options(lazyload(Group.facilitator_links))
        .where(Group.open.is_(True), Group.archived.is_(False))
    ).unique().all()
    found = [NearbyGroup(g, distance_km(locality, g.locality), bool(hers & set(g.language_list))) for g in groups]
    found.sort(key=lambda n: (not n.shares_language, math.inf if n.km is None else n.km, n.group.name, n.group.id))
    return found[:limit]
