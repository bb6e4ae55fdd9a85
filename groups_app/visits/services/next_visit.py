"""The volunteer's next visit: set by her (or the case's supervisor or a coordinator), shown on the
mother's home page, and reminded to the mother the day before (`flask visits remind`), once.

The day and time are the program's wall clock (DEFAULT_TIMEZONE), stored in UTC on the case. The
reminder goes out from TEXT_REMINDER_TIME on the program's clock, like the meeting reminder, to a
mother who chose texts or email (her home page shows the next visit anyway); the key
"visit-next:<case>:<date>" (core/once.py) keeps it to once per visit day, on however many servers.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import or_, select

from ...accounts.models import User
from ...core import audit
from ...core.errors import DomainError, NotAllowed
from ...core.mail import public_url
from ...core.notify import notify
from ...core.once import claim_once, prune_once
from ...core.timeutil import aware, program_zone, utcnow
from ...extensions import db
from ...groups.services.reminders import reminder_time
from ..models import Case
from ..permissions import is_assigned_volunteer
from .cases import first_name, sees_everything

MAX_DAYS_AHEAD = 60


class Reminded(NamedTuple):
    due: bool  # the program's clock has passed the reminder time
    mothers: int


def can_set_next_visit(user, case: Case) -> bool:
    """Her volunteer, and those who may change the case: its supervisor and coordinators."""
    return is_assigned_volunteer(user, case) or sees_everything(user, case)


def next_visit_moment(day: date | None, at: time | None, now: datetime | None = None) -> datetime | None:
    """A day and a time on the program's clock as a moment (UTC); None when both are empty. Not in
    the past, and on one of the next MAX_DAYS_AHEAD days of the program's calendar."""
    if day is None and at is None:
        return None
    if day is None:
        raise DomainError(_l("Please give the day of the next visit, or leave the time empty too."),
                          field="next_visit_day")
    if at is None:
        raise DomainError(_l("Please give the time of the next visit."), field="next_visit_time")
    now = now or utcnow()
    moment = datetime.combine(day, at, tzinfo=program_zone()).astimezone(UTC)
    if moment <= now:
        raise DomainError(_l("The next visit cannot be in the past."), field="next_visit_day")
    if day > now.astimezone(program_zone()).date() + timedelta(days=MAX_DAYS_AHEAD):  # by the calendar
        raise DomainError(lazy_ngettext("Please choose a day within the next %(num)d day.",
                                        "Please choose a day within the next %(num)d days.", MAX_DAYS_AHEAD),
                          field="next_visit_day")
    return moment


def local_parts(case: Case) -> tuple[date | None, time | None]:
    """The case's next visit as a day and a time on the program's clock, for a form."""
    moment = aware(case.next_visit_at)
    if moment is None:
        return None, None
    local = moment.astimezone(program_zone())
    return local.date(), local.time().replace(second=0, microsecond=0)


def set_next_visit(case: Case, moment: datetime | None, *, by: User, commit: bool = True) -> bool:
    """Set (or with None clear) the case's next visit; whether it changed. The audit event says
    that it changed, not when the visit is (the log is not for a mother's whereabouts)."""
    if not can_set_next_visit(by, case):
        raise NotAllowed(_l("Only the mother's volunteer, her supervisor and coordinators can set her next visit."))
    if case.status != "active":
        raise DomainError(_l("A next visit can be set only while the visits go on."))
    moment = moment.astimezone(UTC) if moment is not None else None  # stored in UTC (SQLite keeps no zone)
    if aware(case.next_visit_at) == moment:
        return False
    case.next_visit_at = moment
    audit.record("case.next_visit_set" if moment else "case.next_visit_cleared", actor=by, target=f"case:{case.id}")
    if commit:
        db.session.commit()
    return True


def upcoming(case: Case | None, now: datetime | None = None) -> datetime | None:
    """The next visit her home page shows: an active case's, not yet passed."""
    if case is None or case.status != "active" or case.volunteer is None:
        return None
    moment = aware(case.next_visit_at)
    return moment if moment is not None and moment > (now or utcnow()) else None


# ---- the day-before reminder --------------------------------------------------------------------

def visits_tomorrow(now: datetime | None = None) -> list[Case]:
    """Active cases with a mother who chose texts or email and a next visit tomorrow (program's calendar)."""
    now = now or utcnow()
    tomorrow = now.astimezone(program_zone()).date() + timedelta(days=1)
    starts = datetime.combine(tomorrow, time(0), tzinfo=program_zone()).astimezone(UTC)
    ends = datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=program_zone()).astimezone(UTC)
    return list(db.session.scalars(
        select(Case).join(User, User.id == Case.mother_id)
        .where(Case.status == "active", Case.volunteer_id.is_not(None), Case.next_visit_at >= starts,
               Case.next_visit_at < ends, User.active.is_(True),
               or_(User.contact_by_sms.is_(True), User.contact_by_email.is_(True) & User.email.is_not(None)))
        .order_by(Case.next_visit_at, Case.id)
    ).unique())


def remind_next_visits(now: datetime | None = None) -> Reminded:
    """Remind each mother of tomorrow's visit, once, after the reminder time; commits per mother.
    Also forgets once-keys older than 90 days."""
    now = now or utcnow()
    if now.astimezone(program_zone()).time() < reminder_time():
        return Reminded(False, 0)
    prune_once()
    db.session.commit()
    reminded = 0
    for case in visits_tomorrow(now):
        at = aware(case.next_visit_at)
        key = f"visit-next:{case.id}:{at.astimezone(program_zone()).date().isoformat()}"
        if not claim_once(key):  # reminded already, here or by another server
            continue
        notify(case.mother, _l("Your volunteer visits you tomorrow"), "visits/email/visit_next.txt",
               link=public_url("main.home"), volunteer_name=first_name(case.volunteer.user.name), visit_at=at,
               text="visits/texts/visit_next.txt", text_kind="visit_next", text_key=key)
        db.session.commit()
        reminded += 1
    return Reminded(True, reminded)
