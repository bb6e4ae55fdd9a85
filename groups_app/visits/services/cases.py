"""Cases: who sees what of one, the weeks without a visit, changing and closing one, and the link to groups."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from flask import g, has_request_context, request
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Integer, and_, bindparam, exists, func, insert, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import aliased, joinedload

from ...accounts.models import User
from ...core import audit
from ...core.errors import DomainError, NotAllowed
from ...core.mail import public_url
from ...core.notify import notify
from ...core.sql import json_rows
from ...core.timeutil import today, utcnow
from ...extensions import db
from ..forms.cases import CLOSE_REASON_LABELS
from ..models import CLOSE_REASONS, Case, Concern, Referral, VisitLog, Volunteer
from ..permissions import is_coordinator, is_supervisor, require_case_access, require_coordinator

QUIET_WEEKS = 2  # this many weeks without a visit and the coordinator is alerted
PER_PAGE = 25
_Mother = aliased(User, name="mother")  # a case's mother, beside her volunteer's account in the lists


def first_name(name: str | None) -> str:
    """What a volunteer and a mother call each other: the first word of the name."""
    words = (name or "").split()
    return words[0] if words else ""


def page_link(endpoint: str, **values) -> str:
    """A link for a notice or an email, built from PUBLIC_URL (never from the Host a request names)."""
    return public_url(endpoint, **values)


def baby_age(case: Case, on: date | None = None) -> str:
    """The baby's age, or when she is due, as a sentence in the reader's language (a case, or a row
    with its `baby_birth_date` and `due_date`): written once per day and language."""
    locale = get_locale()
    if locale is None:  # outside a request: no language to keep it under
        return _baby_age.__wrapped__(case.baby_birth_date, case.due_date, on or today(), "")
    return _baby_age(case.baby_birth_date, case.due_date, on or today(), str(locale))


@functools.lru_cache(maxsize=4096)
def _baby_age(born: date | None, due: date | None, on: date, locale: str) -> str:
    if born is None:
        return _("Due on %(date)s.", date=format_date(due, "long")) if due else ""
    weeks = (on - born).days // 7
    if weeks < 13:
        return ngettext("Born on %(date)s: %(num)d week old.", "Born on %(date)s: %(num)d weeks old.", max(weeks, 0),
                        date=format_date(born, "long"))
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    return ngettext("Born on %(date)s: %(num)d month old.", "Born on %(date)s: %(num)d months old.", months,
                    date=format_date(born, "long"))


def sees_everything(user, case: Case) -> bool:
    """Coordinators and the case's supervisor see the referral's details; the volunteer sees what
    she needs for her visits."""
    return is_coordinator(user) or is_supervisor(user, case)


class VisitRow(NamedTuple):
    """A visit as its case's page shows it."""

    visited_on: date
    minutes: int
    mood: int
    topics: str
    notes: str


class CasePage(NamedTuple):
    case: Case
    visits: list[VisitRow]  # newest first, as visit_logs.visits_of
    has_concerns: bool  # the page reads its concerns only then


def case_page(case_id: int) -> CasePage | None:
    """A case for its page, in one statement: the case with her people, her locality and her
    referral (not the volunteer's training, which the page does not show); its visits as the
    columns the page shows, in a JSON list beside the row (20 visits as objects cost 600 calls, and
    a statement of their own a round trip); whether it has a concern. None when there is no such case."""
    dialect = db.session.get_bind().dialect.name
    row = db.session.execute(_case_page_statement(dialect), {"case_id": case_id}).unique().first()
    if row is None:
        return None
    case, visits, concerned = row
    return CasePage(case, _visit_rows(visits), bool(concerned))


def _visit_rows(items) -> list[VisitRow]:
    newest_first = sorted(items or (), key=lambda item: (item[0], item[1]), reverse=True)  # ISO day, then id
    return [VisitRow(date.fromisoformat(day), minutes, mood, topics, notes)
            for day, _id, minutes, mood, topics, notes in newest_first]


@functools.cache  # built once per process and database kind: building and cache-keying it cost 500 calls a request
def _case_page_statement(dialect: str):
    visit = VisitLog.__table__.c
    visits = (select(json_rows(dialect, visit.visited_on, visit.id, visit.minutes, visit.mood, visit.topics, visit.notes))
              .where(visit.case_id == Case.id).scalar_subquery())
    concerned = exists().where(Concern.case_id == Case.id)
    return _with_people(select(Case, visits, concerned).where(Case.id == bindparam("case_id"))).options(
        joinedload(Case.referral).lazyload(Referral.locality))


def view_case(case: Case, *, by: User, keep_loaded: bool = False) -> None:
    """Reading a case is written to the audit log, like every change. With `keep_loaded`, the commit
    leaves what the request loaded as it is (her account, the case and its people): a page that
    reads on from them needs no statement to load each again."""
    require_case_access(by, case)
    session = db.session()
    session.execute(_viewed_statement(), _viewed_event(by, case))
    expiring, session.expire_on_commit = session.expire_on_commit, not keep_loaded
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring


@functools.cache  # built once per process
def _viewed_statement():
    return insert(audit.AuditEvent.__table__)


def _viewed_event(by: User, case: Case) -> dict:
    """The row `audit.record("case.viewed", actor=by, target=...)` adds, as values for one plain
    INSERT: as an object, the ORM's unit of work made it cost a twelfth of a case page. The same
    columns and values (tests/visits/test_case_page_rows.py compares the two rows)."""
    here = has_request_context()
    return {"at": utcnow(), "actor_id": by.id, "action": "case.viewed", "target": f"case:{case.id}",
            "address": request.remote_addr if here else None, "path": request.path[:300] if here else None,
            "detail": None}


# ---- the weeks without a visit -----------------------------------------------------------------

@dataclass
class Progress:
    visits: int = 0
    last_visit: date | None = None
    quiet_weeks: int = 0  # weeks without a visit, where the page asked for them


def weeks_without_visit(case: Case, last_visit: date | None, on: date | None = None) -> int:
    """Whole weeks since the last visit (or since the match, before the first one)."""
    if case.matched_on is None:
        return 0
    end = case.closed_on if case.status == "closed" and case.closed_on else (on or today())
    since = max(last_visit, case.matched_on) if last_visit else case.matched_on
    return max(0, (end - since).days // 7)


@dataclass
class Week:
    starts: date
    ends: date
    visits: int


def schedule(case: Case, visits: list[VisitLog], on: date | None = None) -> list[Week]:
    """The case's weeks from the match, newest first, each with its visits; the week under way counts too."""
    if case.matched_on is None:
        return []
    end = case.closed_on if case.status == "closed" and case.closed_on else (on or today())
    weeks = []
    start = case.matched_on
    while start <= end:
        stop = start + timedelta(days=6)
        weeks.append(Week(start, stop, sum(1 for v in visits if start <= v.visited_on <= stop)))
        start = stop + timedelta(days=1)
    return weeks[::-1]


def missed_weeks(weeks: list[Week], on: date | None = None) -> int:
    """Weeks that are over and had no visit."""
    on = on or today()
    return sum(1 for week in weeks if week.ends < on and week.visits == 0)


def _visits_so_far():
    """The case's visits so far, beside each case row: counted in the index on (case_id, visited_on)."""
    return select(func.count()).where(VisitLog.case_id == Case.id).correlate(Case).scalar_subquery()


def _last_visit():
    """The case's last visit, beside each case row: one step in the index on (case_id, visited_on)
    per case, however many visits the program has logged."""
    return select(func.max(VisitLog.visited_on)).where(VisitLog.case_id == Case.id).correlate(Case).scalar_subquery()


def _with_people(query):
    """Cases with their mother, volunteer, supervisor and locality in the same query."""
    return query.options(joinedload(Case.mother).lazyload(User.roles), joinedload(Case.supervisor).lazyload(User.roles),
                         joinedload(Case.volunteer).lazyload(Volunteer.enrolments),
                         joinedload(Case.volunteer).joinedload(Volunteer.user).lazyload(User.roles))


def _is_quiet(cutoff: date):
    """An active case whose last visit (or, before the first, the match) is on `cutoff` or earlier,
    asked as "no visit after it": one step in the index per case, without finding each last visit."""
    visited = select(VisitLog.id).where(VisitLog.case_id == Case.id).correlate(Case)
    return and_(Case.status == "active", ~visited.where(VisitLog.visited_on > cutoff).exists(),
                or_(Case.matched_on <= cutoff, visited.exists()))


def quiet_cases(supervisor: User | None = None, limit: int = 20) -> list[tuple[Case, int]]:
    """Active cases with two weeks or more without a visit, the longest first, with the weeks: one
    query, which chooses the page's cases on `cases` alone and then reads only those with their people.

    For a supervisor, the same statement also answers the menu's `supervises_any` (kept for the
    request): beside her quiet cases it reads one case of hers that is not closed, if she has one."""
    on = today()
    values = {"cutoff": on - timedelta(weeks=QUIET_WEEKS), "limit": limit}
    if supervisor is None:
        rows = db.session.execute(_quiet_statement(False), values).unique().all()
        return [(case, weeks_without_visit(case, last_visit, on)) for case, last_visit in rows]
    rows = db.session.execute(_quiet_statement(True), {**values, "limit": limit + 1, "supervisor_id": supervisor.id}
                              ).unique().all()
    _supervising()[supervisor.id] = bool(rows)
    return [(case, weeks_without_visit(case, last_visit, on)) for case, last_visit, later in rows if later == 0][:limit]


@functools.cache  # built once per process (two statements: everyone's, and a supervisor's)
def _quiet_statement(of_a_supervisor: bool):
    last = _last_visit()
    since = func.coalesce(last, Case.matched_on, type_=Date)
    is_quiet = _is_quiet(bindparam("cutoff", type_=Date))
    limit = bindparam("limit", type_=Integer)
    if not of_a_supervisor:
        chosen = select(Case.id).where(is_quiet).order_by(since, Case.id).limit(limit)
        return _with_people(select(Case, last).where(Case.id.in_(chosen)).order_by(since, Case.id))
    supervisor_id = bindparam("supervisor_id", type_=Integer)
    one_of_hers = (select(func.min(Case.id)).where(Case.supervisor_id == supervisor_id, Case.status != "closed")
                   .scalar_subquery())
    quiet_first = when((is_quiet, 0), else_=1)
    chosen = (select(Case.id).where(Case.supervisor_id == supervisor_id, or_(is_quiet, Case.id == one_of_hers))
              .order_by(quiet_first, since, Case.id).limit(limit))
    return _with_people(select(Case, last, quiet_first).where(Case.id.in_(chosen)).order_by(quiet_first, since, Case.id))


def mothers_case(user: User) -> Case | None:
    """Her open case, if she has one."""
    return db.session.scalars(_with_people(
        select(Case).where(Case.mother_id == user.id, Case.status != "closed").order_by(Case.opened_on.desc()).limit(1)
    )).unique().first()


def home_cases(user: User) -> tuple[Case | None, list[tuple[Case, Progress]]]:
    """For her home page, in one query: her own open case (a mother; as `mothers_case`) and her
    active mothers with their visits so far (a volunteer; as `volunteer_cases`)."""
    hers, visiting = user.has_role("mother"), user.has_role("volunteer")
    if not (hers or visiting):
        return None, []
    rows = db.session.execute(_home_cases_statement(hers, visiting), {"user_id": user.id}).unique().all()
    own = [case for case, _, _ in rows if hers and case.mother_id == user.id and case.status != "closed"]
    mine = [(case, Progress(count, last_visit)) for case, count, last_visit in rows if visiting
            and case.volunteer is not None and case.volunteer.user_id == user.id and case.status == "active"]
    return max(own, key=lambda case: case.opened_on, default=None), mine


def home_cases_shape(user: User) -> tuple[bool, bool] | None:
    """Which of her home page's cases she may have: her own (a mother), those she visits (a volunteer)."""
    hers, visiting = user.has_role("mother"), user.has_role("volunteer")
    return (hers, visiting) if hers or visiting else None


@functools.cache
def home_cases_columns(shape: tuple[bool, bool]) -> tuple:
    """Whether home_cases would find a case, her id bound as `user_id` (her home page's probe)."""
    return (exists().where(_home_cases_wanted(*shape)),)


def _home_cases_wanted(hers: bool, visiting: bool):
    wanted = []
    if hers:
        wanted.append(and_(Case.mother_id == bindparam("user_id"), Case.status != "closed"))
    if visiting:
        wanted.append(and_(Case.volunteer_id.in_(select(Volunteer.id).where(Volunteer.user_id == bindparam("user_id"))),
                           Case.status == "active"))
    return or_(*wanted)


@functools.cache  # one per pair of roles, built once per process (building it cost 500 calls a request)
def _home_cases_statement(hers: bool, visiting: bool):
    visits = select(func.count(VisitLog.id)).where(VisitLog.case_id == Case.id).scalar_subquery()
    last = select(func.max(VisitLog.visited_on)).where(VisitLog.case_id == Case.id).scalar_subquery()
    return _with_people(select(Case, visits, last).where(_home_cases_wanted(hers, visiting))
                        .order_by(Case.matched_on, Case.id))


def _supervising() -> dict[int, bool]:
    """Who supervises a case not closed, as answered during this request (nothing kept outside one)."""
    return g.setdefault("visits_supervising", {}) if has_request_context() else {}


def supervises_any(user: User) -> bool:
    """Whether she supervises a case that is not closed (the menu's "Concerns" link, on every page of
    hers): asked once per request, and not at all on her home page, whose alerts answered it."""
    known = _supervising()
    if user.id not in known:
        known[user.id] = db.session.scalar(
            select(Case.id).where(Case.supervisor_id == user.id, Case.status != "closed").limit(1)) is not None
    return known[user.id]


# ---- changing and closing a case ------------------------------------------------------------------

def check_dates(birth: date | None, due: date | None, on: date | None = None) -> None:
    """A case is for a baby born within the last year, or a mother expecting one."""
    on = on or today()
    if birth is None and due is None:
        raise DomainError(_l("Please give the baby's birth date, or the due date."), field="baby_birth_date")
    if birth is not None and birth > on:
        raise DomainError(_l("The baby's birth date cannot be in the future."), field="baby_birth_date")
    if birth is not None and birth <= on - timedelta(days=365):
        raise DomainError(_l("The program is for babies under one year old; this birth date is more than a year ago."),
                          field="baby_birth_date")
    if birth is None and due is not None and not on - timedelta(days=30) <= due <= on + timedelta(days=300):
        raise DomainError(_l("A due date is within the next ten months."), field="due_date")


def update_case(case: Case, *, notes: str, baby_birth_date: date | None, due_date: date | None, by: User) -> None:
    """Her supervisor or a coordinator changes the notes or the baby's dates."""
    if not sees_everything(by, case):
        raise NotAllowed(_l("Only the case's supervisor and coordinators can change it."))
    if case.status == "closed":
        raise DomainError(_l("This case is closed."))
    if (baby_birth_date, due_date) != (case.baby_birth_date, case.due_date):
        check_dates(baby_birth_date, due_date)
    changed = [name for name, value in (("notes", notes), ("baby_birth_date", baby_birth_date), ("due_date", due_date))
               if getattr(case, name) != value]
    if not changed:
        return
    case.notes, case.baby_birth_date, case.due_date = notes, baby_birth_date, due_date
    audit.record("case.updated", actor=by, target=f"case:{case.id}", detail={"fields": changed})
    db.session.commit()


def _close(case: Case, reason: str, note: str, on: date, by: User | None) -> None:
    case.status, case.closed_on, case.close_reason, case.close_note = "closed", on, reason, note
    case.next_visit_at = None  # no visit comes after the end
    audit.record("case.closed", actor=by, target=f"case:{case.id}", detail={"reason": reason})
    if case.volunteer is not None:
        notify(case.volunteer.user, _l("Your visits have come to an end"), "visits/email/case_closed.txt",
               mother_name=first_name(case.mother.name if case.mother else ""), reason_label=CLOSE_REASON_LABELS[reason])


def close_case(case: Case, reason: str, note: str, *, by: User) -> None:
    require_coordinator(by)
    if case.status == "closed":
        raise DomainError(_l("This case is already closed."))
    if reason not in CLOSE_REASONS:
        raise DomainError(_l("Please choose why the case is closed."), field="reason")
    if len(note) > 2000:
        raise DomainError(_l("Please keep the note under 2,000 characters."), field="note")
    _close(case, reason, note, today(), by)
    db.session.commit()


def close_ended() -> int:
    """Close the active cases whose baby had her first birthday (run daily): how many were closed."""
    on = today()
    born_by = on.replace(year=on.year - 1) if not (on.month == 2 and on.day == 29) else on.replace(year=on.year - 1, day=28)
    cases = db.session.scalars(
        select(Case).where(Case.status == "active", Case.baby_birth_date <= born_by + timedelta(days=1))
    ).unique().all()
    closed = 0
    for case in cases:
        if case.ends_on is not None and case.ends_on <= on:
            _close(case, "first_birthday", "", case.ends_on, None)
            closed += 1
    db.session.commit()
    return closed
