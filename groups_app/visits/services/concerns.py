"""Concerns: a volunteer worried about a mother or her baby gets a professional involved quickly.

The app does not diagnose. Raising a concern alerts the case's supervisor at once, with what to do
next; a concern not acknowledged in time (CONCERN_ACK_HOURS) goes to every coordinator."""
from __future__ import annotations

import functools
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, true
from sqlalchemy.orm import joinedload, lazyload

from ...accounts.models import User, UserRole
from ...core import audit
from ...core.errors import DomainError, NotAllowed
from ...core.notify import notify
from ...core.timeutil import aware, utcnow
from ...extensions import db
from ..models import Case, Concern
from ..permissions import can_handle_concern, is_assigned_volunteer, is_coordinator
from .cases import page_link

ABOUT = ("mother", "baby", "both")
PER_PAGE = 25


def ack_deadline(concern: Concern):
    return aware(concern.raised_at) + timedelta(hours=current_app.config["CONCERN_ACK_HOURS"])


def raise_concern(case: Case, about: str, what: str, *, by: User) -> Concern:
    """The volunteer's worry, sent at once to the case's supervisor (or, with none, to every coordinator)."""
    if not is_assigned_volunteer(by, case):
        raise NotAllowed(_l("Only the mother's volunteer can raise a concern about her."))
    if case.status != "active":
        raise DomainError(_l("This case is closed. If you are worried about the mother, call the program's coordinator."))
    if about not in ABOUT:
        raise DomainError(_l("Please say whom you are worried about."), field="about")
    what = (what or "").strip()
    if not what:
        raise DomainError(_l("Please write what worries you."), field="what")
    if len(what) > 4000:
        raise DomainError(_l("Please keep it under 4,000 characters."), field="what")
    concern = Concern(case_id=case.id, raised_by_id=by.id, about=about, what=what, raised_at=utcnow())
    db.session.add(concern)
    db.session.flush()
    audit.record("concern.raised", actor=by, target=f"case:{case.id}", detail={"concern": concern.id, "about": about})
    told = [case.supervisor] if case.supervisor is not None and case.supervisor.active else coordinators()
    for person in told:
        _alert(person, concern, case, by, _l("A volunteer is worried about a mother"))
    db.session.commit()
    return concern


def _alert(person: User, concern: Concern, case: Case, volunteer: User, subject) -> None:
    notify(person, subject, "visits/email/concern.txt", link=page_link("visits.acknowledge_concern", concern_id=concern.id),
           concern=concern, volunteer_name=volunteer.name if volunteer else "", hours=current_app.config["CONCERN_ACK_HOURS"])


def coordinators() -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "coordinator", User.active.is_(True)).order_by(User.id)
    ).unique())


def acknowledge(concern: Concern, handled_how: str, *, by: User) -> None:
    """The supervisor (or a coordinator) says she took it up, and how."""
    if not can_handle_concern(by, concern):
        raise NotAllowed(_l("Only the case's supervisor and coordinators can acknowledge a concern."))
    if concern.acknowledged_at is not None:
        raise DomainError(_l("This concern was already acknowledged."))
    handled_how = (handled_how or "").strip()
    if not handled_how:
        raise DomainError(_l("Please write how the concern was handled."), field="handled_how")
    if len(handled_how) > 4000:
        raise DomainError(_l("Please keep it under 4,000 characters."), field="handled_how")
    concern.acknowledged_by_id, concern.acknowledged_at, concern.handled_how = by.id, utcnow(), handled_how
    audit.record("concern.acknowledged", actor=by, target=f"case:{concern.case_id}", detail={"concern": concern.id})
    db.session.commit()


def escalate_overdue() -> int:
    """Concerns not acknowledged in time go to every coordinator, once (run every 15 minutes)."""
    cutoff = utcnow() - timedelta(hours=current_app.config["CONCERN_ACK_HOURS"])
    overdue = db.session.scalars(
        select(Concern).where(Concern.acknowledged_at.is_(None), Concern.escalated_at.is_(None),
                              Concern.raised_at <= cutoff).order_by(Concern.raised_at)
        .with_for_update(of=Concern, skip_locked=True)
    ).unique().all()
    if not overdue:
        return 0
    everyone = coordinators()
    for concern in overdue:
        concern.escalated_at = utcnow()
        audit.record("concern.escalated", actor=None, target=f"case:{concern.case_id}", detail={"concern": concern.id})
        for person in everyone:
            _alert(person, concern, concern.case, concern.raised_by, _l("A concern was not acknowledged in time"))
    db.session.commit()
    return len(overdue)


def _visible_to(user: User):
    """Coordinators see every concern; a supervisor, those of the cases she supervises."""
    if is_coordinator(user):
        return true()
    return Concern.case_id.in_(select(Case.id).where(Case.supervisor_id == user.id))


def _loaded(query):
    return query.options(joinedload(Concern.case).joinedload(Case.mother))


def open_concerns(user: User, limit: int = 20) -> list[Concern]:
    """Concerns waiting for someone: escalated ones first (for coordinators), then the oldest."""
    query = (select(Concern).where(Concern.acknowledged_at.is_(None), _visible_to(user))
             .order_by(Concern.escalated_at.is_(None), Concern.raised_at).limit(limit))
    return list(db.session.scalars(_loaded(query)).unique())


def concerns_page(user: User, page: int = 1, *, show: str = "open"):
    """Every concern she may handle, open ones first, a page at a time."""
    if not (is_coordinator(user) or user.has_role("staff")):
        raise NotAllowed(_l("Only supervisors and coordinators can see concerns."))
    query = select(Concern).where(_visible_to(user))
    if show == "open":
        query = query.where(Concern.acknowledged_at.is_(None))
    elif show == "handled":
        query = query.where(Concern.acknowledged_at.is_not(None))
    query = query.order_by(Concern.acknowledged_at.is_not(None), Concern.escalated_at.is_(None),
                           Concern.raised_at.desc(), Concern.id.desc())
    return db.paginate(_loaded(query), page=page, per_page=PER_PAGE, error_out=False)


def concerns_of(case: Case) -> list[Concern]:
    """The case's concerns, newest first, with who raised and who handled each (the case is at hand)."""
    return list(db.session.scalars(_concerns_statement(), {"case_id": case.id}).unique())


@functools.cache  # built once per process: every case page runs it (building it cost 530 calls)
def _concerns_statement():
    return (select(Concern).where(Concern.case_id == bindparam("case_id"))
            .order_by(Concern.raised_at.desc()).options(lazyload(Concern.case)))


def overdue(concern: Concern) -> bool:
    return concern.acknowledged_at is None and utcnow() >= ack_deadline(concern)

