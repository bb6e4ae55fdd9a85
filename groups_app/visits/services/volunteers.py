"""Volunteers' records: screening, commitment, availability, pausing; who may be matched, who returns."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ...accounts.models import User, UserRole
from ...core import audit
from ...core.errors import DomainError
from ...core.sql import listed_in
from ...core.timeutil import today
from ...extensions import db
from ..models import Case, CourseEnrolment, Volunteer, VolunteerHours
from ..models.volunteer import HOUR_KINDS, SCREENING_OUTCOMES
from ..permissions import require_coordinator
from .cases import first_name

RETURNING_AFTER_DAYS = 365  # a mother matched more than a year after her first one: she came back


# ---- who may be matched -----------------------------------------------------------------------

def matchable(volunteer: Volunteer) -> bool:
    """Only a volunteer who passed screening and completed a training course, and is not paused,
    can be matched with a mother."""
    return volunteer.active and volunteer.screening == "passed" and volunteer.trained


def refuse_unless_matchable(volunteer: Volunteer) -> None:
    """A DomainError saying why she cannot be matched (not screened, not trained, paused), or nothing."""
    name = volunteer.user.name
    if volunteer.screening != "passed":
        raise DomainError(_l("%(name)s cannot be matched with a mother: she has not passed screening.", name=name),
                          field="volunteer_id")
    if not volunteer.trained:
        raise DomainError(_l("%(name)s cannot be matched with a mother: she has not completed a training course.",
                             name=name), field="volunteer_id")
    if not volunteer.active:
        raise DomainError(_l("%(name)s cannot be matched with a mother: she is paused.", name=name),
                          field="volunteer_id")


def why_not_matchable(volunteer: Volunteer) -> str | None:
    """The reason she cannot be matched now, in the reader's language; None when she can."""
    try:
        refuse_unless_matchable(volunteer)
    except DomainError as refusal:
        return str(refusal.message)
    return None


# ---- returning volunteers, and the load of each --------------------------------------------------

def returning_ids(volunteer_ids: Iterable[int]) -> set[int]:
    """Of these volunteers, those who took a mother more than a year after their first: one query."""
    ids = set(volunteer_ids)
    if not ids:
        return set()
    rows = db.session.execute(
        select(Case.volunteer_id, func.min(Case.matched_on), func.max(Case.matched_on))
        .where(Case.volunteer_id.in_(ids), Case.matched_on.is_not(None)).group_by(Case.volunteer_id)
    )
    return {vid for vid, first, last in rows if (last - first).days > RETURNING_AFTER_DAYS}


def is_returning(volunteer: Volunteer) -> bool:
    """She has a case matched more than 365 days after her first case's matched_on."""
    return volunteer.id in returning_ids([volunteer.id])


def active_case_counts(volunteer_ids: Iterable[int]) -> dict[int, int]:
    """How many active cases each volunteer has now (0 when none): one query."""
    ids = set(volunteer_ids)
    counts = dict.fromkeys(ids, 0)
    if ids:
        counts.update(db.session.execute(
            select(Case.volunteer_id, func.count(Case.id))
            .where(Case.volunteer_id.in_(ids), Case.status == "active").group_by(Case.volunteer_id)
        ).all())
    return counts


def hours_by_kind(volunteer_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Minutes each volunteer gave, by kind (visit, training, supervision): one query."""
    ids = set(volunteer_ids)
    totals = {vid: dict.fromkeys(HOUR_KINDS, 0) for vid in ids}
    if ids:
        rows = db.session.execute(
            select(VolunteerHours.volunteer_id, VolunteerHours.kind, func.sum(VolunteerHours.minutes))
            .where(VolunteerHours.volunteer_id.in_(ids)).group_by(VolunteerHours.volunteer_id, VolunteerHours.kind)
        )
        for vid, kind, minutes in rows:
            totals[vid][kind] = int(minutes or 0)
    return totals


# ---- the coordinator's list ------------------------------------------------------------------

@dataclass
class Filters:
    """What the list is narrowed to; None or "" means any."""

    name: str = ""
    language: str = ""
    locality_id: int | None = None
    screening: str = ""
    trained: str = ""  # "yes", "no"
    status: str = ""  # "active", "paused"


@dataclass
class Row:
    volunteer: Volunteer
    cases: int
    returning: bool


def _filtered(filters: Filters):
    query = select(Volunteer).join(User, Volunteer.user_id == User.id)
    if filters.name.strip():
        like = f"%{filters.name.strip().lower()}%"
        query = query.where(func.lower(User.name).like(like))
    if filters.language:
        query = query.where(or_(User.language == filters.language, listed_in(User.other_languages, filters.language)))
    if filters.locality_id:
        query = query.where(User.locality_id == filters.locality_id)
    if filters.screening in SCREENING_OUTCOMES:
        query = query.where(Volunteer.screening == filters.screening)
    completed = Volunteer.enrolments.any(CourseEnrolment.completed_on.is_not(None))
    if filters.trained == "yes":
        query = query.where(completed)
    elif filters.trained == "no":
        query = query.where(~completed)
    if filters.status in ("active", "paused"):
        query = query.where(Volunteer.active.is_(filters.status == "active"))
    return query


def volunteer_page(filters: Filters, page: int = 1, per_page: int = 30, *, by: User):
    """A page of volunteers with their current cases and whether they returned, in a fixed number
    of queries whatever the page's length. Returns (pagination, rows)."""
    require_coordinator(by)
    query = (_filtered(filters).options(joinedload(Volunteer.user).joinedload(User.locality))
             .order_by(User.name, Volunteer.id))
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    ids = [v.id for v in pagination.items]
    counts, returning = active_case_counts(ids), returning_ids(ids)
    return pagination, [Row(v, counts[v.id], v.id in returning) for v in pagination.items]


def all_volunteers(*, active_only: bool = False) -> list[Volunteer]:
    """Every volunteer by name, her account loaded (for a choice of volunteers in a form)."""
    query = select(Volunteer).join(User, Volunteer.user_id == User.id).order_by(User.name, Volunteer.id)
    if active_only:
        query = query.where(Volunteer.active.is_(True))
    return list(db.session.scalars(query).unique())


# ---- making and changing a record ------------------------------------------------------------

def candidates(text: str, limit: int = 20) -> list[User]:
    """Accounts that match a name, email or phone and have no volunteer record yet."""
    from ...accounts.services import search_users

    if not (text or "").strip():
        return []
    have = select(Volunteer.user_id)
    found = search_users(text, page=1, per_page=limit * 2).items
    taken = set(db.session.scalars(have.where(Volunteer.user_id.in_([u.id for u in found])))) if found else set()
    return [u for u in found if u.id not in taken and u.active][:limit]


def create_volunteer(user: User, *, by: User) -> Volunteer:
    """A volunteer record for an existing account; she gets the volunteer role if she lacks it. Commits."""
    require_coordinator(by)
    if user is None or not user.active:
        raise DomainError(_l("Choose an account that is in use."), field="user_id")
    if db.session.scalar(select(Volunteer.id).where(Volunteer.user_id == user.id)) is not None:
        raise DomainError(_l("%(name)s already has a volunteer record.", name=user.name), field="user_id")
    if not user.has_role("volunteer"):
        user.roles.append(UserRole(role="volunteer", granted_by_id=by.id))
        audit.record("role.granted", actor=by, target=f"user:{user.id}", detail={"role": "volunteer"})
    volunteer = Volunteer(user_id=user.id, screening="pending", hours_per_week=2, max_cases=1, active=True)
    db.session.add(volunteer)
    db.session.flush()
    audit.record("volunteer.created", actor=by, target=f"volunteer:{volunteer.id}", detail={"user": user.id})
    db.session.commit()
    return volunteer


@dataclass
class RecordFields:
    """What a coordinator writes on a volunteer's record."""

    interview_on: date | None
    screening: str
    screening_notes: str
    commitment_from: date | None
    hours_per_week: int | None
    availability: list[int]
    max_cases: int | None
    active: bool
    pause_reason: str


def update_volunteer(volunteer: Volunteer, fields: RecordFields, *, by: User) -> None:
    """Screening, commitment, availability, load and pausing, checked together. Commits."""
    require_coordinator(by)
    if fields.screening not in SCREENING_OUTCOMES:
        raise DomainError(_l("Please choose a screening outcome from the list."), field="screening")
    if fields.interview_on and fields.interview_on > today() and fields.screening != "pending":
        raise DomainError(_l("The interview is still to come: leave the outcome as pending until it has taken place."),
                          field="screening")
    if fields.screening != "pending" and fields.interview_on is None:
        raise DomainError(_l("Please give the date of the screening interview."), field="interview_on")
    if fields.interview_on and fields.interview_on < today() - timedelta(days=365 * 20):
        raise DomainError(_l("This interview date is too long ago."), field="interview_on")
    if fields.hours_per_week is None or not 1 <= fields.hours_per_week <= 20:
        raise DomainError(_l("Hours a week must be between 1 and 20."), field="hours_per_week")
    if fields.max_cases is None or not 1 <= fields.max_cases <= 5:
        raise DomainError(_l("A volunteer supports between 1 and 5 mothers at a time."), field="max_cases")
    if any(day not in range(7) for day in fields.availability):
        raise DomainError(_l("Please choose days of the week from the list."), field="availability")
    reason = (fields.pause_reason or "").strip()
    if not fields.active and not reason:
        raise DomainError(_l("Please say why she is pausing."), field="pause_reason")
    if len(reason) > 300:
        raise DomainError(_l("Please keep the reason under 300 characters."), field="pause_reason")
    was_active = volunteer.active
    values = {
        "interview_on": fields.interview_on, "screening": fields.screening,
        "screening_notes": (fields.screening_notes or "").strip(), "commitment_from": fields.commitment_from,
        "hours_per_week": fields.hours_per_week, "availability": ",".join(str(d) for d in sorted(set(fields.availability))),
        "max_cases": fields.max_cases, "active": fields.active, "pause_reason": reason if not fields.active else "",
    }
    changed = sorted(key for key, value in values.items() if getattr(volunteer, key) != value)
    for key in changed:
        setattr(volunteer, key, values[key])
    if changed:
        # the fields' names only, never the screening notes or the reason
        audit.record("volunteer.updated", actor=by, target=f"volunteer:{volunteer.id}", detail={"fields": changed})
    if was_active != volunteer.active:
        audit.record("volunteer.resumed" if volunteer.active else "volunteer.paused", actor=by,
                     target=f"volunteer:{volunteer.id}")
    db.session.commit()


# ---- her record page ---------------------------------------------------------------------------

def commitment_until(volunteer: Volunteer) -> date | None:
    """The end of her year of commitment."""
    start = volunteer.commitment_from
    if start is None:
        return None
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # from 29 February
        return start.replace(year=start.year + 1, day=28)


@dataclass
class Supported:
    """A mother she supported, as her record shows it: first name only."""

    case: Case
    first_name: str
    ends_on: date | None


def supported_mothers(volunteer: Volunteer) -> list[Supported]:
    """Her cases, newest match first: one query."""
    cases = db.session.scalars(
        select(Case).where(Case.volunteer_id == volunteer.id)
        .order_by(Case.matched_on.desc().nulls_last(), Case.id.desc())
    ).unique().all()
    return [Supported(case, first_name(case.mother.name if case.mother else None), case.closed_on or case.ends_on)
            for case in cases]


def record_viewed(volunteer: Volunteer, *, by: User) -> None:
    """A read of her record (with her cases) goes to the audit log. Commits."""
    require_coordinator(by)
    audit.record("volunteer.viewed", actor=by, target=f"volunteer:{volunteer.id}")
    db.session.commit()
