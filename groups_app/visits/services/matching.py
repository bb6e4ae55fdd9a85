"""Matching a waiting case with a volunteer: who can be matched, ranked with reasons, and the match."""
from __future__ import annotations

from dataclasses import dataclass

from babel.dates import get_day_names
from babel.lists import format_list
from flask_babel import format_number, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased, joinedload, lazyload

from ...accounts.models import User, UserRole
from ...core import audit
from ...core.errors import DomainError
from ...core.i18n import LANGUAGE_LABELS
from ...core.notify import notify
from ...core.places import Locality
from ...core.timeutil import today
from ...extensions import db
from ..models import Case, CourseEnrolment, Volunteer
from ..permissions import require_coordinator
from .area import distance_km
from .cases import first_name, page_link
from .volunteers import refuse_unless_matchable

NEARBY_KM = 25  # a drive a volunteer makes every week without thinking twice


def active_case_counts():
    """A subquery: each volunteer's active cases."""
    return (select(Case.volunteer_id, func.count(Case.id).label("load"))
            .where(Case.status == "active").group_by(Case.volunteer_id).subquery())


@dataclass
class Candidate:
    volunteer: Volunteer
    locality: Locality | None
    load: int
    shared: list[str]  # the languages she shares with the mother
    km: float | None

    @property
    def full(self) -> bool:
        return self.load >= self.volunteer.max_cases

    @property
    def days(self) -> list[int]:
        return sorted(self.volunteer.available_days)

    def sort_key(self):
        near = 0 if self.km == 0 else 1 if self.km is not None and self.km <= NEARBY_KM else 2
        return (self.full, not self.shared, near, -len(self.days), self.load / self.volunteer.max_cases,
                self.km if self.km is not None else 1e6, self.volunteer.user.name)

    def reasons(self) -> list[str]:
        """Why she is where she is on the list, in the reader's language."""
        locale = str(get_locale() or "he")
        if self.shared:
            said = [_("She speaks %(languages)s, as the mother does.",
                      languages=format_list([str(LANGUAGE_LABELS.get(c, c)) for c in self.shared], locale=locale))]
        else:
            said = [_("She speaks none of the mother's languages.")]
        if self.km == 0:
            said.append(_("She lives in the same locality."))
        elif self.km is not None and self.locality is not None:
            said.append(_("She lives in %(locality)s, about %(km)s km away.", locality=self.locality.name(locale),
                          km=format_number(round(self.km))))
        else:
            said.append(_("Where she lives is not recorded."))
        if self.days:
            names = get_day_names("wide", locale=locale)
            said.append(ngettext("She is free on %(num)d day a week: %(days)s.",
                                 "She is free on %(num)d days a week: %(days)s.", len(self.days),
                                 days=format_list([names[d] for d in self.days], locale=locale)))
        else:
            said.append(_("She has not said which days she is free."))
        if self.full:
            said.append(ngettext("She already visits as many mothers as she agreed to (%(num)d).",
                                 "She already visits as many mothers as she agreed to (%(num)d).",
                                 self.volunteer.max_cases))
        else:
            said.append(ngettext("She visits %(num)d mother now, of the %(max)d she agreed to.",
                                 "She visits %(num)d mothers now, of the %(max)d she agreed to.", self.load,
                                 max=self.volunteer.max_cases))
        return said


def _matchable_now():
    """The SQL form of services.volunteers.matchable: active, screened, and trained."""
    trained = exists().where(CourseEnrolment.volunteer_id == Volunteer.id, CourseEnrolment.completed_on.is_not(None))
    return and_(Volunteer.active.is_(True), Volunteer.screening == "passed", trained)


def candidates(case: Case) -> list[Candidate]:
    """Every volunteer who can be matched now, best first: one query, whatever their number."""
    loads = active_case_counts()
    place = aliased(Locality)
    rows = db.session.execute(
        select(Volunteer, place, func.coalesce(loads.c.load, 0))
        .join(User, User.id == Volunteer.user_id)
        .outerjoin(place, place.id == User.locality_id)
        .outerjoin(loads, loads.c.volunteer_id == Volunteer.id)
        .where(_matchable_now(), User.active.is_(True))
        .options(lazyload(Volunteer.enrolments), joinedload(Volunteer.user).lazyload(User.roles))
    ).all()
    wanted = case.language_list
    where = case.locality
    found = []
    for volunteer, locality, load in rows:
        speaks = volunteer.user.read_languages
        same = where is not None and locality is not None and where.id == locality.id
        km = 0.0 if same else distance_km(where, locality)
        found.append(Candidate(volunteer, locality, load, [c for c in wanted if c in speaks], km))
    return sorted(found, key=Candidate.sort_key)


def supervisor_choices() -> list[tuple[int, str]]:
    """Staff who can supervise a case, by name."""
    rows = db.session.execute(
        select(User.id, User.name).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "staff", User.active.is_(True)).order_by(User.name)
    ).all()
    return [(user_id, name) for user_id, name in rows]


def assign(case: Case, volunteer: Volunteer, supervisor: User | None, *, by: User) -> Case:
    """Match a waiting case with a volunteer and a supervising staff member; both women are told."""
    require_coordinator(by)
    if case.status != "waiting":
        raise DomainError(_l("This case already has a volunteer."))
    if supervisor is None or not supervisor.has_role("staff") or not supervisor.active:
        raise DomainError(_l("Please choose the staff member who will supervise the visits."), field="supervisor_id")
    refuse_unless_matchable(volunteer)
    if not volunteer.user.active:
        raise DomainError(_l("This volunteer's account is disabled."), field="volunteer_id")
    load = db.session.scalar(select(func.count(Case.id)).where(Case.volunteer_id == volunteer.id,
                                                               Case.status == "active"))
    if load >= volunteer.max_cases:
        raise DomainError(_l("She already visits as many mothers as she agreed to. If she agrees to one more, "
                             "change the number on her record first."), field="volunteer_id")
    case.volunteer_id, case.volunteer = volunteer.id, volunteer
    case.supervisor_id, case.supervisor = supervisor.id, supervisor
    case.status = "active"
    case.matched_on = today()
    audit.record("case.matched", actor=by, target=f"case:{case.id}",
                 detail={"volunteer": volunteer.id, "supervisor": supervisor.id})
    link = page_link("visits.case", case_id=case.id)
    if case.mother is not None:
        notify(case.mother, _l("A volunteer mother will visit you"), "visits/email/matched_mother.txt",
               volunteer_name=first_name(volunteer.user.name))
    notify(volunteer.user, _l("A mother for you to visit"), "visits/email/matched_volunteer.txt", link=link,
           mother_name=first_name(case.mother.name if case.mother else ""), phone=mother_phone(case),
           locality=case.locality)
    db.session.commit()
    return case


def mother_phone(case: Case) -> str | None:
    """The number to call her on: her account's, else the one on her referral."""
    if case.mother is not None and case.mother.phone:
        return case.mother.phone
    return case.referral.phone if case.referral is not None else None

