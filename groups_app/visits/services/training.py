"""Training courses for new volunteers: small groups, sessions, attendance, completion."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...accounts.models import User
from ...core import audit
from ...core.errors import Conflict, DomainError, NotAllowed
from ...core.timeutil import today
from ...extensions import db
from ..models import CourseAttendance, CourseEnrolment, CourseSession, TrainingCourse, Volunteer

MAX_PER_COURSE = 15  # courses run in small groups
COMPLETION_SHARE = 0.75  # of the planned sessions, to complete without an override


def require_trainer(user) -> None:
    """Coordinators and staff run the training courses."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_role("coordinator", "staff"):
        raise NotAllowed(_l("Only coordinators and staff can run training courses."))


def sessions_required(course: TrainingCourse) -> int:
    """Sessions she must attend to complete the course: 75% of those planned, rounded up."""
    return math.ceil(course.sessions_planned * COMPLETION_SHARE)


# ---- courses and their sessions ----------------------------------------------------------------

@dataclass
class CourseRow:
    course: TrainingCourse
    enrolled: int
    completed: int
    sessions_held: int


def course_list() -> list[CourseRow]:
    """Every course, newest first, with its counts: two queries."""
    courses = db.session.scalars(select(TrainingCourse).order_by(TrainingCourse.starts_on.desc(),
                                                                  TrainingCourse.id.desc())).all()
    ids = [c.id for c in courses]
    enrolled = {cid: (n, done) for cid, n, done in db.session.execute(
        select(CourseEnrolment.course_id, func.count(CourseEnrolment.id), func.count(CourseEnrolment.completed_on))
        .where(CourseEnrolment.course_id.in_(ids)).group_by(CourseEnrolment.course_id))} if ids else {}
    held = dict(db.session.execute(
        select(CourseSession.course_id, func.count(CourseSession.id))
        .where(CourseSession.course_id.in_(ids)).group_by(CourseSession.course_id)).all()) if ids else {}
    return [CourseRow(c, *enrolled.get(c.id, (0, 0)), held.get(c.id, 0)) for c in courses]


def create_course(name: str, starts_on: date | None, sessions_planned: int | None, *, by: User) -> TrainingCourse:
    """A new course. Commits."""
    require_trainer(by)
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Please give the course a name."), field="name")
    if len(name) > 120:
        raise DomainError(_l("Please keep the name under 120 characters."), field="name")
    if starts_on is None:
        raise DomainError(_l("Please give the date the course starts."), field="starts_on")
    if abs((starts_on - today()).days) > 3 * 365:
        raise DomainError(_l("The course should start within three years of today."), field="starts_on")
    if sessions_planned is None or not 1 <= sessions_planned <= 40:
        raise DomainError(_l("A course has between 1 and 40 sessions."), field="sessions_planned")
    course = TrainingCourse(name=name, starts_on=starts_on, sessions_planned=sessions_planned)
    db.session.add(course)
    db.session.flush()
    audit.record("course.created", actor=by, target=f"course:{course.id}")
    db.session.commit()
    return course


def add_session(course: TrainingCourse, held_on: date | None, topic: str, *, by: User) -> CourseSession:
    """A session of the course, on or after the day it starts. Commits."""
    require_trainer(by)
    topic = (topic or "").strip()
    if held_on is None:
        raise DomainError(_l("Please give the date of the session."), field="held_on")
    if held_on < course.starts_on:
        raise DomainError(_l("A session cannot be before the course starts."), field="held_on")
    if held_on > course.starts_on + timedelta(days=365):
        raise DomainError(_l("A session must be within a year of the course's start."), field="held_on")
    if len(topic) > 200:
        raise DomainError(_l("Please keep the topic under 200 characters."), field="topic")
    if len(course.sessions) >= 40:
        raise DomainError(_l("A course has at most 40 sessions."), field="held_on")
    session = CourseSession(course_id=course.id, held_on=held_on, topic=topic)
    db.session.add(session)
    db.session.flush()
    audit.record("course.session_added", actor=by, target=f"course:{course.id}", detail={"session": session.id})
    db.session.commit()
    return session


# ---- enrolment, attendance, completion -------------------------------------------------------------

def enrol(course: TrainingCourse, volunteer: Volunteer | None, *, by: User) -> CourseEnrolment:
    """Enrol a volunteer in a course of at most 15. Commits."""
    require_trainer(by)
    if volunteer is None:
        raise DomainError(_l("Please choose a volunteer from the list."), field="volunteer_id")
    # Two people enrolling at once must not take the course past its size.
    db.session.execute(select(TrainingCourse.id).where(TrainingCourse.id == course.id).with_for_update())
    taken = db.session.scalar(select(func.count(CourseEnrolment.id)).where(CourseEnrolment.course_id == course.id))
    if db.session.scalar(select(CourseEnrolment.id).where(CourseEnrolment.course_id == course.id,
                                                          CourseEnrolment.volunteer_id == volunteer.id)):
        raise Conflict(_l("%(name)s is already enrolled in this course.", name=volunteer.user.name),
                       field="volunteer_id")
    if taken >= MAX_PER_COURSE:
        raise Conflict(lazy_ngettext("This course is full: courses run in small groups of at most %(num)s volunteer.",
                                     "This course is full: courses run in small groups of at most %(num)s volunteers.",
                                     MAX_PER_COURSE), field="volunteer_id")
    enrolment = CourseEnrolment(course_id=course.id, volunteer_id=volunteer.id)
    db.session.add(enrolment)
    db.session.flush()
    audit.record("course.enrolled", actor=by, target=f"enrolment:{enrolment.id}")
    db.session.commit()
    return enrolment


def set_attendance(session: CourseSession, present_ids: Iterable[int], *, by: User) -> None:
    """Who came to a session that took place: enrolled volunteers only. Commits."""
    require_trainer(by)
    if session.held_on > today():
        raise DomainError(_l("This session has not taken place yet: take attendance on the day or after."),
                          field="present")
    enrolled = set(db.session.scalars(select(CourseEnrolment.volunteer_id)
                                      .where(CourseEnrolment.course_id == session.course_id)))
    present = set(present_ids)
    if present - enrolled:
        raise DomainError(_l("Only volunteers enrolled in the course can be marked present."), field="present")
    for row in list(session.present):
        if row.volunteer_id not in present:
            session.present.remove(row)
    already = {row.volunteer_id for row in session.present}
    for volunteer_id in sorted(present - already):
        session.present.append(CourseAttendance(session_id=session.id, volunteer_id=volunteer_id))
    audit.record("course.attendance", actor=by, target=f"course:{session.course_id}",
                 detail={"session": session.id, "present": len(present)})
    db.session.commit()


def attended(course_id: int, volunteer_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Sessions of the course each volunteer attended: one query."""
    query = (select(CourseAttendance.volunteer_id, func.count(CourseAttendance.id))
             .join(CourseSession, CourseAttendance.session_id == CourseSession.id)
             .where(CourseSession.course_id == course_id).group_by(CourseAttendance.volunteer_id))
    if volunteer_ids is not None:
        query = query.where(CourseAttendance.volunteer_id.in_(set(volunteer_ids)))
    return dict(db.session.execute(query).all())


def complete(enrolment: CourseEnrolment, *, by: User, override: bool = False) -> None:
    """Mark the course completed: she attended at least 75% of the planned sessions, or the
    coordinator overrides the rule on purpose (written to the audit log). Commits."""
    require_trainer(by)
    if enrolment.completed_on is not None:
        raise Conflict(_l("She has already completed this course."))
    course = enrolment.course
    came = attended(course.id, [enrolment.volunteer_id]).get(enrolment.volunteer_id, 0)
    needed = sessions_required(course)
    if came < needed and not override:
        raise DomainError(_l("%(name)s attended %(attended)s of the %(planned)s planned sessions; completing the "
                             "course takes at least %(needed)s. Tick the override to complete it anyway.",
                             name=enrolment.volunteer.user.name, attended=came, planned=course.sessions_planned,
                             needed=needed), field="override")
    enrolment.completed_on = today()
    audit.record("course.completed", actor=by, target=f"enrolment:{enrolment.id}",
                 detail={"override": bool(override and came < needed), "attended": came})
    db.session.commit()


@dataclass
class Progress:
    enrolment: CourseEnrolment
    attended: int
    can_complete: bool  # by the attendance rule, without an override


def course_progress(course: TrainingCourse) -> list[Progress]:
    """Each enrolled volunteer, by name, with the sessions she attended: two queries."""
    enrolments = db.session.scalars(
        select(CourseEnrolment).join(Volunteer, CourseEnrolment.volunteer_id == Volunteer.id)
        .join(User, Volunteer.user_id == User.id).where(CourseEnrolment.course_id == course.id)
        .options(joinedload(CourseEnrolment.volunteer)).order_by(User.name, CourseEnrolment.id)
    ).unique().all()
    counts = attended(course.id)
    needed = sessions_required(course)
    return [Progress(e, counts.get(e.volunteer_id, 0), counts.get(e.volunteer_id, 0) >= needed) for e in enrolments]


@dataclass
class Taken:
    """A course she is enrolled in, as her record shows it."""

    enrolment: CourseEnrolment
    attended: int
    needed: int


def courses_of(volunteer: Volunteer) -> list[Taken]:
    """Her courses, with the sessions she attended of each: one query (her enrolments are loaded)."""
    counts = dict(db.session.execute(
        select(CourseSession.course_id, func.count(CourseAttendance.id))
        .join(CourseAttendance, CourseAttendance.session_id == CourseSession.id)
        .where(CourseAttendance.volunteer_id == volunteer.id).group_by(CourseSession.course_id)
    ).all())
    return [Taken(e, counts.get(e.course_id, 0), sessions_required(e.course))
            for e in sorted(volunteer.enrolments, key=lambda e: e.course.starts_on)]
