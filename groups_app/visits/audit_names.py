"""What the audit log calls home-visit things (cases, referrals, volunteers), and the actions in words.

Never a note's text: the log says that a case was read or changed, not what it says."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.audit_log import Kind, Subject
from ..accounts.models import User
from ..extensions import db
from .models import Case, CourseEnrolment, Referral, TrainingCourse, Volunteer

AREA = ("visits", _l("Home visits"))

# Each area of the feature lists the actions it records (audit.record("case.viewed", ...)) with a
# label for the filter and a sentence with named placeholders (%(actor)s, %(case)s, %(person)s ...).
KINDS: dict[str, Kind] = {}

# -- referrals
def _overridden(event, values) -> bool:
    """The other sentence: the rule was overridden (an ineligible referral accepted, a course passed
    without the attendance it asks)."""
    return bool((event.detail or {}).get("override"))


KINDS.update({
    "referral.received": Kind("visits", _l("Referral received"), _l("A referral arrived from the public form: %(referral)s.")),
    "referral.ignored": Kind("visits", _l("Referral ignored as spam"),
                             _l("A referral form came with its hidden field filled in, as only programs do: nothing "
                                "was saved.")),
    "referral.throttled": Kind("visits", _l("Referral refused: too many"),
                               _l("A referral was refused: too many came from one connection within an hour.")),
    "referral.contacted": Kind("visits", _l("Referral contacted"), _l("%(actor)s marked %(referral)s as contacted.")),
    "referral.declined": Kind("visits", _l("Referral declined"), _l("%(actor)s marked %(referral)s as declined.")),
    "referral.not_eligible": Kind("visits", _l("Referral not eligible"),
                                  _l("%(actor)s marked %(referral)s as not eligible.")),
    "referral.reopened": Kind("visits", _l("Referral new again"), _l("%(actor)s marked %(referral)s as new again.")),
    "referral.noted": Kind("visits", _l("Referral note added"), _l("%(actor)s added a note to %(referral)s.")),
    "referral.accepted": Kind(
        "visits", _l("Referral accepted"), _l("%(actor)s accepted %(referral)s and opened a case for the mother."),
        _l("%(actor)s accepted %(referral)s although it was not eligible, and opened a case for the mother."),
        _overridden),
    "service_area.changed": Kind("visits", _l("Service area changed"),
                                 _l("%(actor)s changed the localities the home-visit program serves.")),
})


def _numbered(refs: dict[str, set[str]], kind: str, model, name, endpoint: str, id_arg: str) -> dict:
    """Things the log names by their number (`name(number)`), never by the mother's name: one query
    for which of them still exist, each linked to its page if it does."""
    ids = {int(key) for key in refs.get(kind, ()) if key.isdigit()}
    found = set(db.session.scalars(select(model.id).where(model.id.in_(ids)))) if ids else set()
    return {(kind, str(i)): {kind: Subject(name(i), url_for(endpoint, **{id_arg: i}) if i in found else None)}
            for i in ids}


def _referral_names(refs: dict[str, set[str]]) -> dict:
    return _numbered(refs, "referral", Referral, lambda i: _("referral no. %(number)s", number=i),
                     "visits.referral", "referral_id")


# -- volunteers, training, hours, supervision
KINDS.update({
    "volunteer.created": Kind("visits", _l("Volunteer record made"),
                              _l("%(actor)s made a volunteer record for %(volunteer)s.")),
    "volunteer.viewed": Kind("visits", _l("Volunteer record read"),
                             _l("%(actor)s read the volunteer record of %(volunteer)s.")),
    "volunteer.updated": Kind("visits", _l("Volunteer record changed"),
                              _l("%(actor)s changed the volunteer record of %(volunteer)s.")),
    "volunteer.paused": Kind("visits", _l("Volunteer paused"), _l("%(actor)s paused %(volunteer)s as a volunteer.")),
    "volunteer.resumed": Kind("visits", _l("Volunteer active again"),
                              _l("%(actor)s made %(volunteer)s an active volunteer again.")),
    "course.created": Kind("visits", _l("Training course created"),
                           _l("%(actor)s created the training course %(course)s.")),
    "course.session_added": Kind("visits", _l("Training session added"),
                                 _l("%(actor)s added a session to the training course %(course)s.")),
    "course.enrolled": Kind("visits", _l("Volunteer enrolled in a course"),
                            _l("%(actor)s enrolled %(volunteer)s in the training course %(course)s.")),
    "course.attendance": Kind("visits", _l("Training attendance taken"),
                              _l("%(actor)s took attendance at a session of the training course %(course)s.")),
    "course.completed": Kind(
        "visits", _l("Training course completed"), _l("%(actor)s marked that %(volunteer)s completed %(course)s."),
        _l("%(actor)s marked that %(volunteer)s completed %(course)s, overriding the attendance rule."),
        _overridden),
    "hours.logged": Kind("visits", _l("Volunteer hours logged"), _l("%(actor)s logged hours as a volunteer.")),
    "supervision.recorded": Kind("visits", _l("Supervision session recorded"),
                                 _l("%(actor)s recorded a supervision session.")),
})


def _volunteer_names(refs: dict[str, set[str]]) -> dict:
    """('volunteer', id), ('course', id), ('enrolment', id): one query for each kind present."""
    def ids(kind):
        return {int(key) for key in refs.get(kind, ()) if key.isdigit()}

    def volunteer(volunteer_id, name):
        return Subject(name, url_for("visits.volunteer", volunteer_id=volunteer_id))

    def course(course_id, name):
        return Subject(name, url_for("visits.course", course_id=course_id))

    found: dict = {}
    if wanted := ids("volunteer"):
        rows = db.session.execute(select(Volunteer.id, User.name).join(User, Volunteer.user_id == User.id)
                                  .where(Volunteer.id.in_(wanted)))
        found.update({("volunteer", str(vid)): {"volunteer": volunteer(vid, name)} for vid, name in rows})
    if wanted := ids("course"):
        rows = db.session.execute(select(TrainingCourse.id, TrainingCourse.name).where(TrainingCourse.id.in_(wanted)))
        found.update({("course", str(cid)): {"course": course(cid, name)} for cid, name in rows})
    if wanted := ids("enrolment"):
        rows = db.session.execute(
            select(CourseEnrolment.id, Volunteer.id, User.name, TrainingCourse.id, TrainingCourse.name)
            .join(Volunteer, CourseEnrolment.volunteer_id == Volunteer.id).join(User, Volunteer.user_id == User.id)
            .join(TrainingCourse, CourseEnrolment.course_id == TrainingCourse.id).where(CourseEnrolment.id.in_(wanted)))
        found.update({("enrolment", str(eid)): {"volunteer": volunteer(vid, name), "course": course(cid, title)}
                      for eid, vid, name, cid, title in rows})
    return found


# -- cases, visits, concerns
def _no_actor(event, values) -> bool:
    return event.actor_id is None


KINDS.update({
    "case.viewed": Kind("visits", _l("Case read"), _l("%(actor)s read %(case)s.")),
    "case.matched": Kind("visits", _l("Case matched"), _l("%(actor)s matched %(case)s with a volunteer and a supervisor.")),
    "case.updated": Kind("visits", _l("Case changed"), _l("%(actor)s changed %(case)s.")),
    "case.closed": Kind("visits", _l("Case closed"), _l("%(actor)s closed %(case)s."),
                        _l("At the baby's first birthday, %(case)s was closed."), _no_actor),
    "case.group_invited": Kind("visits", _l("Mother invited to a group"),
                               _l("%(actor)s invited the mother of %(case)s to %(group)s.")),
    "visit.logged": Kind("visits", _l("Visit logged"), _l("%(actor)s logged a visit of %(case)s.")),
    "case.next_visit_set": Kind("visits", _l("Next visit set"), _l("%(actor)s set the next visit of %(case)s.")),
    "case.next_visit_cleared": Kind("visits", _l("Next visit cleared"),
                                    _l("%(actor)s cleared the next visit of %(case)s.")),
    "concern.raised": Kind("visits", _l("Concern raised"), _l("%(actor)s raised a concern in %(case)s.")),
    "concern.acknowledged": Kind("visits", _l("Concern acknowledged"),
                                 _l("%(actor)s acknowledged a concern in %(case)s.")),
    "concern.escalated": Kind("visits", _l("Concern escalated"),
                              _l("A concern in %(case)s was not acknowledged in time and went to every coordinator.")),
    "cases.anonymised": Kind("visits", _l("Old cases anonymised"),
                             _l("Cases closed longer ago than the program keeps them were anonymised.")),
})


def _case_names(refs: dict[str, set[str]]) -> dict:
    return _numbered(refs, "case", Case, lambda i: _("case no. %(number)s", number=i), "visits.case", "case_id")


def kinds():
    return AREA[0], AREA[1], KINDS


def names(refs: dict[str, set[str]]) -> dict:
    """Names for ('case', '12'), ('referral', '3'), ('volunteer', '5'): one query per kind."""
    return {**_referral_names(refs), **_volunteer_names(refs), **_case_names(refs)}
