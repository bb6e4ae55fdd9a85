"""Volunteers' records, training courses, a volunteer's own hours, and supervision sessions."""
from __future__ import annotations

import functools

from babel.dates import format_skeleton
from babel.units import format_unit
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts.models import User
from ...core.forms import submit
from ...core.http import page_number
from ...core.i18n import LANGUAGES, in_her_language, language_choices
from ...core.permissions import allow, role
from ...core.places import locality_choices
from ...core.security import no_store
from ...core.timeutil import today
from ...extensions import db
from ..forms.volunteers import (
    CASE_STATUS_LABELS,
    HOUR_KIND_LABELS,
    SCREENING_LABELS,
    STATUS_LABELS,
    SUPERVISION_KIND_LABELS,
    AttendanceForm,
    CompletionForm,
    CourseForm,
    EnrolForm,
    HoursForm,
    NewVolunteerForm,
    SessionForm,
    SupervisionForm,
    VolunteerForm,
    weekday_choices,
)
from ..models import CourseEnrolment, CourseSession, TrainingCourse, Volunteer
from ..services import hours as hour_service
from ..services import supervision as supervision_service
from ..services import training
from ..services import volunteers as volunteer_service

COORDINATORS = role("coordinator")
TRAINERS = role("coordinator", "staff")
LABELS = {"screening": SCREENING_LABELS, "status": STATUS_LABELS, "hour_kinds": HOUR_KIND_LABELS,
          "supervision_kinds": SUPERVISION_KIND_LABELS, "case_status": CASE_STATUS_LABELS}


def duration(minutes) -> str:
    """Minutes as the reader's language says a length of time: "45 minutes", "2.5 hours"."""
    return _duration(int(minutes or 0), str(get_locale() or "he"))


@functools.lru_cache(maxsize=2048)  # a case page shows 20 visits' lengths; Babel's unit formatting is slow
def _duration(minutes: int, locale: str) -> str:
    if minutes < 60:
        return format_unit(minutes, "duration-minute", locale=locale)
    return format_unit(round(minutes / 60, 1), "duration-hour", format="#,##0.#", locale=locale)


def day_in_month(day) -> str:
    """A day under its month's heading, in the reader's language: "Mon, Nov 30", "الاثنين، 30 نوفمبر"."""
    return format_skeleton("MMMEd", day, locale=str(get_locale() or "he"))


def _volunteer(volunteer_id: int) -> Volunteer:
    return db.session.get(Volunteer, volunteer_id) or abort(404)


def _course(course_id: int) -> TrainingCourse:
    return db.session.get(TrainingCourse, course_id) or abort(404)


def _id(value) -> int | None:
    """A row id typed in an address or a form, or None (an id no row can have is not sent to the database)."""
    text = str(value or "").strip()
    return int(text) if text.isdecimal() and len(text) <= 9 else None  # "²" is a digit int() refuses


def _int_arg(name: str) -> int | None:
    return _id(request.args.get(name))


# ---- volunteers' records (coordinators) --------------------------------------------------------

@allow(COORDINATORS)
def volunteers():
    args = request.args
    filters = volunteer_service.Filters(
        name=args.get("q", "")[:120], language=args.get("language") if args.get("language") in LANGUAGES else "",
        locality_id=_int_arg("locality"), screening=args.get("screening", ""), trained=args.get("trained", ""),
        status=args.get("status", ""))
    pagination, rows = volunteer_service.volunteer_page(filters, page_number(), by=current_user)
    no_store()
    query = {key: args.get(key, "") for key in ("q", "language", "locality", "screening", "trained", "status")}
    return render_template("visits/volunteers.html", pagination=pagination, rows=rows, filters=query,
                           localities=locality_choices(), language_filter=language_choices(), labels=in_her_language(LABELS))


@allow(COORDINATORS)
def new_volunteer():
    form = NewVolunteerForm()
    text = request.args.get("q", "")[:120]

    def make():
        user = db.session.get(User, _id(form.user_id.data)) if _id(form.user_id.data) else None
        return volunteer_service.create_volunteer(user, by=current_user)

    done, status, volunteer = submit(form, make)
    if done:
        flash(_("%(name)s now has a volunteer record. Add her screening and availability.",
                name=volunteer.user.name), "success")
        return redirect(url_for("visits.edit_volunteer", volunteer_id=volunteer.id))
    no_store()
    return render_template("visits/volunteer_new.html", form=form, q=text,
                           candidates=volunteer_service.candidates(text)), status


@allow(COORDINATORS)
def volunteer(volunteer_id: int):
    record = _volunteer(volunteer_id)
    volunteer_service.record_viewed(record, by=current_user)
    pagination, months = hour_service.hours_page(record, page_number(), per_page=30, by=current_user)
    no_store()
    return render_template(
        "visits/volunteer.html", volunteer=record, labels=in_her_language(LABELS), weekdays=dict(weekday_choices()),
        courses=training.courses_of(record), supported=volunteer_service.supported_mothers(record),
        totals=volunteer_service.hours_by_kind([record.id])[record.id], months=months, pagination=pagination,
        returning=volunteer_service.is_returning(record), not_matchable=volunteer_service.why_not_matchable(record),
        commitment_until=volunteer_service.commitment_until(record),
        cases_now=volunteer_service.active_case_counts([record.id])[record.id])


@allow(COORDINATORS)
def edit_volunteer(volunteer_id: int):
    record = _volunteer(volunteer_id)
    form = VolunteerForm.for_volunteer(record) if request.method == "GET" else VolunteerForm().with_days()

    def save():
        fields = volunteer_service.RecordFields(
            interview_on=form.interview_on.data, screening=form.screening.data or "",
            screening_notes=form.screening_notes.data or "", commitment_from=form.commitment_from.data,
            hours_per_week=form.hours_per_week.data, availability=form.availability.data or [],
            max_cases=form.max_cases.data, active=form.status.data != "paused",
            pause_reason=form.pause_reason.data or "")
        volunteer_service.update_volunteer(record, fields, by=current_user)

    done, status, _saved = submit(form, save)
    if done:
        flash(_("The record of %(name)s is saved.", name=record.user.name), "success")
        return redirect(url_for("visits.volunteer", volunteer_id=record.id))
    no_store()
    return render_template("visits/volunteer_form.html", form=form, volunteer=record), status


# ---- training courses (coordinators and staff) -----------------------------------------------------

@allow(TRAINERS)
def courses():
    form = CourseForm()
    done, status, course = submit(form, lambda: training.create_course(
        form.name.data, form.starts_on.data, form.sessions_planned.data, by=current_user))
    if done:
        flash(_("The course %(name)s is created. Add its sessions and enrol volunteers.", name=course.name), "success")
        return redirect(url_for("visits.course", course_id=course.id))
    return render_template("visits/courses.html", form=form, rows=training.course_list(),
                           max_per_course=training.MAX_PER_COURSE), status


def _course_page(course: TrainingCourse, status: int = 200, posted=None):
    """The course page; `posted` is the form that was just refused, shown with its errors and what was typed."""
    progress = training.course_progress(course)
    enrolled = [p.enrolment.volunteer for p in progress]
    enrolled_ids = {v.id for v in enrolled}
    people = [(v.id, v.user.name) for v in enrolled]

    def form(cls, prefix):
        if posted is not None and posted._prefix == prefix + "-":
            return posted
        return cls(formdata=None, prefix=prefix)

    session_form, enrol_form = form(SessionForm, "session"), form(EnrolForm, "enrol")
    enrol_form.volunteer_id.choices = [("", _("Choose a volunteer"))] + [
        (v.id, v.user.name) for v in volunteer_service.all_volunteers() if v.id not in enrolled_ids]
    attendance = []
    for session in course.sessions:
        att = form(AttendanceForm, f"s{session.id}")
        att.present.choices = people
        if att is not posted:
            att.present.data = [row.volunteer_id for row in session.present]
        attendance.append((session, att))
    completion = {p.enrolment.id: form(CompletionForm, f"e{p.enrolment.id}") for p in progress}
    no_store()
    return render_template("visits/course.html", course=course, progress=progress, session_form=session_form,
                           enrol_form=enrol_form, attendance=attendance, completion=completion,
                           needed=training.sessions_required(course), max_per_course=training.MAX_PER_COURSE,
                           share=training.COMPLETION_SHARE, today=today()), status


@allow(TRAINERS)
def course(course_id: int):
    return _course_page(_course(course_id))


def _course_post(course: TrainingCourse, form, action, message):
    done, status, _result = submit(form, action)
    if done:
        flash(message, "success")
        return redirect(url_for("visits.course", course_id=course.id))
    return _course_page(course, status, posted=form)


@allow(TRAINERS)
def add_course_session(course_id: int):
    course = _course(course_id)
    form = SessionForm(prefix="session")
    return _course_post(course, form, lambda: training.add_session(course, form.held_on.data, form.topic.data,
                                                                   by=current_user), _("The session is added."))


@allow(TRAINERS)
def enrol_volunteer(course_id: int):
    course = _course(course_id)
    form = EnrolForm(prefix="enrol")
    form.volunteer_id.choices = []  # validate_choice is off: the service checks who may be enrolled

    def action():
        volunteer = db.session.get(Volunteer, form.volunteer_id.data) if form.volunteer_id.data else None
        return training.enrol(course, volunteer, by=current_user)

    return _course_post(course, form, action, _("The volunteer is enrolled."))


@allow(TRAINERS)
def course_attendance(course_id: int):
    course = _course(course_id)
    session = db.session.get(CourseSession, _int_arg("session") or 0)
    if session is None or session.course_id != course.id:
        abort(404)
    form = AttendanceForm(prefix=f"s{session.id}")
    return _course_post(course, form, lambda: training.set_attendance(session, form.present.data or [],
                                                                      by=current_user),
                        _("Attendance is saved."))


@allow(TRAINERS)
def complete_course(course_id: int):
    course = _course(course_id)
    enrolment = db.session.get(CourseEnrolment, _int_arg("enrolment") or 0)
    if enrolment is None or enrolment.course_id != course.id:
        abort(404)
    form = CompletionForm(prefix=f"e{enrolment.id}")
    return _course_post(course, form, lambda: training.complete(enrolment, by=current_user,
                                                                override=bool(form.override.data)),
                        _("%(name)s completed the course.", name=enrolment.volunteer.user.name))


# ---- her own hours (the volunteer) ------------------------------------------------------------------

@allow(role("volunteer"))
def hours():
    mine = hour_service.volunteer_of(current_user)
    no_store()
    if mine is None:
        return render_template("visits/hours.html", volunteer=None, labels=in_her_language(LABELS))
    form = HoursForm()
    if not form.is_submitted():
        form.worked_on.data = today()
    done, status, _entry = submit(form, lambda: hour_service.log_hours(
        mine, form.worked_on.data, form.kind.data or "", form.minutes.data, form.note.data or "", by=current_user))
    if done:
        flash(_("Your hours are saved. Thank you!"), "success")
        return redirect(url_for("visits.hours"))
    pagination, months = hour_service.hours_page(mine, page_number(), by=current_user)
    return render_template("visits/hours.html", volunteer=mine, form=form, months=months, pagination=pagination,
                           totals=volunteer_service.hours_by_kind([mine.id])[mine.id], labels=in_her_language(LABELS),
                           today=today()), status


# ---- supervision (staff and coordinators) ---------------------------------------------------------

@allow(role("staff", "coordinator"))
def supervision():
    form = SupervisionForm()
    if not form.is_submitted():
        form.held_on.data = today()
    form.volunteer_ids.choices = [(v.id, v.user.name) for v in volunteer_service.all_volunteers()]
    done, status, _session = submit(form, lambda: supervision_service.record_session(
        form.held_on.data, form.kind.data or "", form.minutes.data, form.volunteer_ids.data or [],
        form.notes.data or "", by=current_user))
    if done:
        flash(_("The supervision session is recorded, and its hours added for each volunteer present."), "success")
        return redirect(url_for("visits.supervision"))
    no_store()
    return render_template("visits/supervision.html", form=form, labels=in_her_language(LABELS), today=today(),
                           pagination=supervision_service.sessions_page(page_number(), by=current_user)), status
