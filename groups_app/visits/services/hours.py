"""Hours volunteers give (visits, training, supervision): she logs her own; visits and supervision add theirs."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...accounts.models import User
from ...core import audit
from ...core.errors import DomainError, NotAllowed
from ...core.timeutil import today
from ...extensions import db
from ..models import Volunteer, VolunteerHours
from ..models.volunteer import HOUR_KINDS

MAX_MINUTES = 720  # twelve hours in one day's entry
OLDEST_DAYS = 365  # hours are logged within a year of the day


def volunteer_of(user) -> Volunteer | None:
    """Her volunteer record, if she has one."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))


def check_entry(worked_on: date | None, minutes: int | None, *, date_field: str = "worked_on",
                minutes_field: str = "minutes") -> None:
    """The rules every entry of hours follows: 1 to 720 minutes, a day within the last year and not to come."""
    if worked_on is None:
        raise DomainError(_l("Please give the date."), field=date_field)
    if worked_on > today():
        raise DomainError(_l("The date cannot be in the future."), field=date_field)
    if worked_on < today() - timedelta(days=OLDEST_DAYS):
        raise DomainError(_l("The date cannot be more than a year ago."), field=date_field)
    if minutes is None or not 1 <= minutes <= MAX_MINUTES:
        raise DomainError(_l("Please give the time in minutes, from 1 to 720 (twelve hours)."), field=minutes_field)


def log_hours(volunteer: Volunteer, worked_on: date | None, kind: str, minutes: int | None, note: str = "", *,
              by: User) -> VolunteerHours:
    """Hours she gave, logged by the volunteer herself. Commits."""
    if by is None or volunteer is None or volunteer.user_id != getattr(by, "id", None):
        raise NotAllowed(_l("Only the volunteer herself can log her hours."))
    if kind not in HOUR_KINDS:
        raise DomainError(_l("Please choose what the hours were for."), field="kind")
    check_entry(worked_on, minutes)
    note = (note or "").strip()
    if len(note) > 300:
        raise DomainError(_l("Please keep the note under 300 characters."), field="note")
    entry = VolunteerHours(volunteer_id=volunteer.id, worked_on=worked_on, kind=kind, minutes=minutes, note=note)
    db.session.add(entry)
    db.session.flush()
    audit.record("hours.logged", actor=by, target=f"volunteer:{volunteer.id}", detail={"kind": kind, "minutes": minutes})
    db.session.commit()
    return entry


def add_visit_hours(volunteer: Volunteer | None, visit) -> VolunteerHours | None:
    """The hours of a logged visit, added to her hours (kind "visit", the visit's minutes).

    For the service that logs the visit: it runs in that service's transaction and does not
    commit. A visit counted already is not counted twice."""
    if volunteer is None:
        return None
    if visit.id is None:
        db.session.flush()
    existing = db.session.scalar(select(VolunteerHours).where(VolunteerHours.visit_id == visit.id))
    if existing is not None:
        return existing
    entry = VolunteerHours(volunteer_id=volunteer.id, worked_on=visit.visited_on, kind="visit",
                           minutes=min(max(int(visit.minutes), 1), MAX_MINUTES), visit_id=visit.id)
    db.session.add(entry)
    return entry


def add_supervision_hours(volunteer_ids, held_on: date, minutes: int) -> None:
    """Supervision hours for each volunteer present at a session (the supervision service's transaction)."""
    for volunteer_id in sorted(set(volunteer_ids)):
        db.session.add(VolunteerHours(volunteer_id=volunteer_id, worked_on=held_on, kind="supervision",
                                      minutes=minutes))


# ---- her hours, by month -----------------------------------------------------------------------

@dataclass
class Month:
    first_day: date
    entries: list[VolunteerHours] = field(default_factory=list)
    minutes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(HOUR_KINDS, 0))

    @property
    def total(self) -> int:
        return sum(self.minutes.values())


def hours_page(volunteer: Volunteer, page: int = 1, per_page: int = 60, *, by: User):
    """A page of her hours, newest first, under their months, with each month's whole totals
    (also what falls on the next page): two queries and the count. Returns (pagination, months)."""
    if by is None or (volunteer.user_id != getattr(by, "id", None) and not by.has_role("coordinator")):
        raise NotAllowed(_l("Only the volunteer herself and coordinators can see her hours."))
    query = (select(VolunteerHours).where(VolunteerHours.volunteer_id == volunteer.id)
             .order_by(VolunteerHours.worked_on.desc(), VolunteerHours.id.desc()))
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    months: list[Month] = []
    for entry in pagination.items:
        first = entry.worked_on.replace(day=1)
        if not months or months[-1].first_day != first:
            months.append(Month(first))
        months[-1].entries.append(entry)
    if months:
        start = months[-1].first_day
        end = _next_month(months[0].first_day)
        by_first = {m.first_day: m for m in months}
        rows = db.session.execute(
            select(VolunteerHours.worked_on, VolunteerHours.kind, VolunteerHours.minutes)
            .where(VolunteerHours.volunteer_id == volunteer.id, VolunteerHours.worked_on >= start,
                   VolunteerHours.worked_on < end))
        for worked_on, kind, minutes in rows:
            month = by_first.get(worked_on.replace(day=1))
            if month is not None:
                month.minutes[kind] += minutes
    return pagination, months


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)
