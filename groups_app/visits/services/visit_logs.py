"""Visit logs: the volunteer logs each visit from her phone (and may set the next one); a form sent
twice makes one visit."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...accounts.models import User
from ...core import audit
from ...core.errors import Conflict, DomainError, NotAllowed
from ...core.timeutil import today
from ...extensions import db
from ..models import MOODS, VISIT_TOPICS, Case, VisitLog
from ..permissions import can_log_visits, is_assigned_volunteer
from .hours import add_visit_hours
from .next_visit import next_visit_moment, set_next_visit

MIN_MINUTES, MAX_MINUTES = 15, 480


def new_form_token() -> str:
    """A one-time token for one visit form, made when the form is shown."""
    return secrets.token_urlsafe(32)


@dataclass
class VisitFields:
    visited_on: date | None
    minutes: int | None
    topics: list[str] = field(default_factory=list)
    mood: int | None = None
    notes: str = ""
    next_visit_day: date | None = None  # on the program's clock; both or neither (see next_visit.py)
    next_visit_time: time | None = None


def _by_token(token: str) -> VisitLog | None:
    return db.session.scalar(select(VisitLog).where(VisitLog.form_token == token))


def _check(case: Case, fields: VisitFields) -> None:
    if fields.visited_on is None:
        raise DomainError(_l("Please give the day of the visit."), field="visited_on")
    if fields.visited_on > today():
        raise DomainError(_l("The visit cannot be in the future."), field="visited_on")
    if case.matched_on is None or fields.visited_on < case.matched_on:
        raise DomainError(_l("The visit cannot be before you were matched with the mother."), field="visited_on")
    if fields.minutes is None or not MIN_MINUTES <= fields.minutes <= MAX_MINUTES:
        raise DomainError(_l("Please give the length of the visit in minutes, from 15 to 480 (eight hours)."),
                          field="minutes")
    if any(topic not in VISIT_TOPICS for topic in fields.topics):
        raise DomainError(_l("Please choose the topics from the list."), field="topics")
    if fields.mood not in MOODS:
        raise DomainError(_l("Please say how the mother seems."), field="mood")
    if len(fields.notes) > 4000:
        raise DomainError(_l("Please keep the notes under 4,000 characters."), field="notes")


def _same_form(case: Case, visit: VisitLog) -> VisitLog:
    """The form was sent before: its visit, if it is this case's (a token is never reused elsewhere)."""
    if visit.case_id != case.id:
        raise Conflict(_l("This form was already used. Please open the form again."))
    return visit


def log_visit(case: Case, fields: VisitFields, token: str, *, by: User) -> tuple[VisitLog, bool]:
    """Save a visit, once per form: (the visit, whether it was new). A second sending of the same
    form (a reload, a retry on a weak connection) answers with the visit the first one made."""
    if not is_assigned_volunteer(by, case):
        raise NotAllowed(_l("Only the mother's volunteer can log her visits."))
    if not token or len(token) > 64:
        raise Conflict(_l("This form is out of date. Please open the form again."))
    existing = _by_token(token)
    if existing is not None:
        return _same_form(case, existing), False
    if not can_log_visits(by, case):
        raise DomainError(_l("This case is closed: no more visits can be logged."))
    _check(case, fields)
    next_at = next_visit_moment(fields.next_visit_day, fields.next_visit_time)
    visit = VisitLog(case_id=case.id, volunteer_id=case.volunteer_id, visited_on=fields.visited_on,
                     minutes=fields.minutes, topics=",".join(t for t in VISIT_TOPICS if t in fields.topics),
                     mood=fields.mood, notes=fields.notes.strip(), form_token=token)
    db.session.add(visit)
    try:
        db.session.flush()  # the unique token decides between two sendings that race
    except IntegrityError:
        db.session.rollback()
        existing = _by_token(token)
        if existing is None:
            raise
        return _same_form(case, existing), False
    add_visit_hours(case.volunteer, visit)
    audit.record("visit.logged", actor=by, target=f"case:{case.id}", detail={"visit": visit.id})
    if next_at is not None:  # left empty: the next visit stays as it was
        set_next_visit(case, next_at, by=by, commit=False)
    db.session.commit()
    return visit, True


def visits_of(case: Case) -> list[VisitLog]:
    """The case's visits, newest first."""
    return list(db.session.scalars(
        select(VisitLog).where(VisitLog.case_id == case.id).order_by(VisitLog.visited_on.desc(), VisitLog.id.desc())
    ))
