"""Supervision: staff meet volunteers, one at a time or as a group; each one present gets the hours."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...accounts.models import User
from ...core import audit
from ...core.errors import DomainError, NotAllowed
from ...extensions import db
from ..models import SupervisionAttendee, SupervisionSession, Volunteer
from ..models.volunteer import SUPERVISION_KINDS
from .hours import add_supervision_hours, check_entry


def can_supervise(user) -> bool:
    """Staff (the professionals who supervise) and coordinators record and read supervision."""
    return user is not None and getattr(user, "is_authenticated", False) and user.has_role("staff", "coordinator")


def require_supervisor(user) -> None:
    if not can_supervise(user):
        raise NotAllowed(_l("Only staff and coordinators can record or read supervision sessions."))


def record_session(held_on: date | None, kind: str, minutes: int | None, volunteer_ids: Iterable[int],
                   notes: str = "", *, by: User) -> SupervisionSession:
    """A supervision session that took place; each volunteer present gets its minutes as
    supervision hours. Commits."""
    require_supervisor(by)
    if kind not in SUPERVISION_KINDS:
        raise DomainError(_l("Please choose individual or group supervision."), field="kind")
    check_entry(held_on, minutes, date_field="held_on", minutes_field="minutes")
    ids = set(volunteer_ids)
    if not ids:
        raise DomainError(_l("Please choose the volunteers who were there."), field="volunteer_ids")
    if kind == "individual" and len(ids) != 1:
        raise DomainError(_l("Individual supervision is with one volunteer: choose one, or record a group session."),
                          field="volunteer_ids")
    plausible = {i for i in ids if 0 < i < 2**31}
    known = set(db.session.scalars(select(Volunteer.id).where(Volunteer.id.in_(plausible)))) if plausible else set()
    if known != ids:
        raise DomainError(_l("Please choose volunteers from the list."), field="volunteer_ids")
    notes = (notes or "").strip()
    if len(notes) > 5000:
        raise DomainError(_l("Please keep the notes under 5,000 characters."), field="notes")
    session = SupervisionSession(held_on=held_on, kind=kind, staff_id=by.id, minutes=minutes, notes=notes)
    session.attendees = [SupervisionAttendee(volunteer_id=vid) for vid in sorted(ids)]
    db.session.add(session)
    add_supervision_hours(ids, held_on, minutes)
    db.session.flush()
    audit.record("supervision.recorded", actor=by, target=f"supervision:{session.id}",
                 detail={"kind": kind, "volunteers": len(ids)})
    db.session.commit()
    return session


def sessions_page(page: int = 1, per_page: int = 20, *, by: User):
    """Supervision sessions, newest first, with who led them and who was there: a fixed number of queries."""
    require_supervisor(by)
    query = select(SupervisionSession).order_by(SupervisionSession.held_on.desc(), SupervisionSession.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
