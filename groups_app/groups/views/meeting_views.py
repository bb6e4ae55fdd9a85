"""A meeting's page, the facilitator's planner, moving and cancelling, RSVPs, questions, attendance."""
from __future__ import annotations

import functools
from typing import NamedTuple

from flask import abort, current_app, flash, get_template_attribute, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ...core.errors import DomainError
from ...core.forms import refused, show_error, submit
from ...core.mail import public_url
from ...core.permissions import allow, ensure, owner, role
from ...core.security import no_store
from ...core.timeutil import utcnow
from ...extensions import db
from ..forms import AttendanceForm, MeetingTimeForm, PlanForm, QuestionForm
from ..hooks import meeting_panel
from ..models import MeetingQuestion
from ..permissions import can_facilitate, can_see_home_address, is_member_of, remember_standing
from ..planner_cards import planner_page
from ..services import attendance as attendance_service
from ..services import attendance_log, replies
from ..services import meetings as meeting_service
from ..services.topics import topic_choices
from .common import get_meeting, when

FACILITATORS = owner("the group's facilitators", "facilitator", "coordinator", "admin")


@allow(owner("members and facilitators of the group"))
def meeting_page(meeting_id: int):
    meeting, member, leads, answer, expected = meeting_service.meeting_page_facts(meeting_id, current_user) or abort(404)
    group = meeting.group
    remember_standing(current_user, group, member=member, facilitator=leads)  # her standing came with the meeting
    member, facilitates = is_member_of(current_user, group), can_facilitate(current_user, group)
    ensure(member or facilitates, "not in group")
    no_store()
    return render_template(
        "groups/meeting.html", meeting=meeting, group=group, member=member, facilitates=facilitates,
        started=meeting.start <= utcnow(), questions=replies.meeting_questions(meeting.id), answer=answer,
        expected=expected, topic_text=meeting.topic.text_for(current_user.read_languages) if meeting.topic else None,
        show_address=can_see_home_address(current_user, group),
        question_fields=_question_fields(str(get_locale())) if member and not meeting.cancelled else None,
        panels=meeting_panel.collect(meeting, current_user),
    )


@functools.lru_cache(maxsize=16)
def _question_fields(locale: str) -> tuple[Markup, Markup]:
    """The question form's two fields as `field()` writes them for a new, empty form: the same for
    every meeting page in a language (what she typed comes back on groups/ask.html, not here)."""
    form, field = QuestionForm(formdata=None, meta={"csrf": False}), get_template_attribute("_macros.html", "field")
    return field(form.text), field(form.anonymous)


@allow(role("facilitator"))
def planner():
    no_store()
    page = planner_page(current_user)  # the cards are written in groups/planner_cards.py
    return render_template("groups/planner.html", sections=page.sections, missing=page.missing)


@allow(FACILITATORS)
def plan(meeting_id: int):
    meeting = get_meeting(meeting_id)
    ensure(can_facilitate(current_user, meeting.group))
    form = PlanForm()
    form.topic_id.choices = [("", "—")] + topic_choices(current_user.read_languages)
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Please choose a topic from the list."), field="topic_id")
        meeting_service.set_plan(meeting, form.topic_id.data, form.plan.data or "", by=current_user)
    except DomainError as error:
        return render_template("groups/plan_error.html", form=form, meeting=meeting, message=error.message), error.status
    flash(_("The plan is saved."), "success")
    return redirect(request.form.get("back") == "meeting" and url_for("groups.meeting_page", meeting_id=meeting.id)
                    or url_for("groups.planner") + f"#meeting-{meeting.id}")


@allow(FACILITATORS)
def move(meeting_id: int):
    meeting = get_meeting(meeting_id)
    group = meeting.group
    ensure(can_facilitate(current_user, group))
    form = MeetingTimeForm()
    if request.method == "GET":
        from ..schedule import local

        start = local(meeting.start, group.timezone)
        form.day.data, form.start_time.data = start.date(), start.time()
        form.duration_minutes.data = meeting.duration_minutes

    def _move():
        meeting_service.move_meeting(meeting, form.day.data, form.start_time.data, form.duration_minutes.data,
                                     by=current_user)

    done, status, _result = submit(form, _move)
    if done:
        flash(_("The meeting is moved and the members are told."), "success")
        return redirect(url_for("groups.meeting_page", meeting_id=meeting.id))
    return render_template("groups/meeting_time.html", form=form, group=group, meeting=meeting), status


def _confirmed(meeting, endpoint: str, action, done: str, **page):
    """A change members are told of: GET shows what will happen and asks her to confirm; POST
    runs `action` (a service call) and goes back to the meeting, or says why it was refused."""
    ensure(can_facilitate(current_user, meeting.group))
    back = url_for("groups.meeting_page", meeting_id=meeting.id)
    if request.method == "GET":
        return render_template("groups/confirm.html", back=back, action=url_for(endpoint, meeting_id=meeting.id),
                               **page)
    try:
        action()
    except DomainError as error:
        return refused(error, back=back)
    flash(done, "success")
    return redirect(back)


@allow(FACILITATORS)
def cancel(meeting_id: int):
    meeting = get_meeting(meeting_id)
    return _confirmed(
        meeting, "groups.cancel", lambda: meeting_service.cancel_meeting(meeting, by=current_user),
        _("The meeting is cancelled and the members are told."),
        heading=_("Cancel this meeting?"), danger=True, button=_("Yes, cancel the meeting"),
        explanation=[_("The meeting of %(group)s on %(when)s will be cancelled.", group=meeting.group.name,
                       when=when(meeting.start)),
                     _("Every member is told at once, and the meeting shows as cancelled in their calendars."),
                     _("You can undo the cancellation until the meeting's start; members are then told again.")])


@allow(FACILITATORS)
def restore(meeting_id: int):
    meeting = get_meeting(meeting_id)
    return _confirmed(
        meeting, "groups.restore", lambda: meeting_service.restore_meeting(meeting, by=current_user),
        _("The meeting takes place after all, and the members are told."),
        heading=_("Undo the cancellation?"), danger=False, button=_("Yes, the meeting takes place"),
        explanation=[_("The meeting of %(group)s on %(when)s will take place after all.", group=meeting.group.name,
                       when=when(meeting.start)),
                     _("Every member is told at once.")])


@allow(role("mother"))
def rsvp(meeting_id: int):
    meeting = get_meeting(meeting_id)
    answer = request.form.get("coming")
    try:
        if answer not in ("yes", "no"):
            raise DomainError(_("Please say whether you are coming."))
        replies.rsvp(meeting, current_user, answer == "yes")
    except DomainError as error:
        return refused(error, back=url_for("groups.group_page", group_id=meeting.group_id))
    flash(_("Thank you, your answer is saved."), "success")
    return redirect(url_for("groups.meeting_page", meeting_id=meeting.id))


@allow(role("mother"))
def ask(meeting_id: int):
    meeting = get_meeting(meeting_id)
    form = QuestionForm()
    try:
        replies.ask(meeting, current_user, form.text.data or "", bool(form.anonymous.data))
    except DomainError as error:
        if error.status == 403:
            return refused(error)
        show_error(form, error)
        return render_template("groups/ask.html", form=form, meeting=meeting), error.status
    flash(_("Your question is sent to the facilitator."), "success")
    return redirect(url_for("groups.meeting_page", meeting_id=meeting.id))


@allow(FACILITATORS)
def discussed(question_id: int):
    question = db.session.get(MeetingQuestion, question_id)
    if question is None:
        return render_template("errors/404.html"), 404
    meeting = get_meeting(question.meeting_id)
    ensure(can_facilitate(current_user, meeting.group))
    replies.mark_discussed(question, request.form.get("discussed") == "yes", by=current_user)
    return redirect(url_for("groups.meeting_page", meeting_id=meeting.id) + "#questions")


@allow(FACILITATORS)
def attendance(meeting_id: int):
    meeting, member, leads = attendance_service.attendance_facts(meeting_id, current_user) or abort(404)
    remember_standing(current_user, meeting.group, member=member, facilitator=leads)  # her standing came with it
    ensure(can_facilitate(current_user, meeting.group))
    no_store()
    members = attendance_service.roll(meeting)  # the template writes a checkbox and label for each
    form = AttendanceForm() if request.method == "POST" else None  # opening the page needs no form object
    status = 200
    if form is not None:  # a form sent too early still comes back with all she typed, and the reason
        try:
            if form.present.process_errors:  # a box whose value is no member id: only a tampered form sends one
                raise DomainError(attendance_service.MEMBERS_ONLY, field="present")
            attendance_service.take_attendance(meeting, set(form.present.data or []), _guest_rows(form), by=current_user)
        except DomainError as error:
            db.session.rollback()
            status = show_error(form, error)
        else:
            flash(_("Attendance is saved."), "success")
            return redirect(url_for("groups.attendance", meeting_id=meeting.id))
    ticked = set(form.present.data or []) if form is not None else {m.id for m in members if m.came}
    return render_template("groups/attendance.html", form=form, meeting=meeting, members=members, ticked=ticked,
                           new_form=None if form is not None else _new_attendance_form(),
                           is_open=utcnow() >= meeting.attendance_opens or form is not None,
                           guests=attendance_service.guests_at(meeting), history=attendance_log.history(meeting)), status


class _Label(NamedTuple):
    text: str


class _NewField(NamedTuple):
    label: _Label
    errors: tuple = ()


class NewAttendanceForm(NamedTuple):
    """What the attendance page shows of a new, empty AttendanceForm, without building one."""
    csrf: bool  # whether the form carries a CSRF token (the template writes it as hidden_tag() would)
    present: _NewField
    guests: Markup  # the walk-in guests' empty lines, as groups/_attendance_guests.html writes them


def _new_attendance_form() -> NewAttendanceForm:
    present_label, guests = _new_attendance_parts(str(get_locale()))
    return NewAttendanceForm(current_app.config.get("WTF_CSRF_ENABLED", True), _NewField(_Label(present_label)), guests)


@functools.lru_cache(maxsize=16)
def _new_attendance_parts(locale: str) -> tuple[Markup, Markup]:
    """A new attendance form's label and guest lines: the same for every meeting in a language
    (building the form, three lines of three fields, was a fifth of the page)."""
    form = AttendanceForm(formdata=None, meta={"csrf": False})
    guests = get_template_attribute("groups/_attendance_guests.html", "guest_fieldset")(form)
    return Markup(form.present.label.text), guests  # nosec B704  # a translation, shown unescaped as before (a lazy string's __html__)


def _guest_rows(form: AttendanceForm) -> list[attendance_service.GuestEntry]:
    """The guest lines that were filled in; empty lines are spare."""
    return [attendance_service.GuestEntry(row["first_name"] or "", row["stage"] or "", row["baby_age_months"])
            for row in form.guests.data if (row["first_name"] or "").strip() or row["stage"]]


@allow(FACILITATORS)
def sign_in_sheet(meeting_id: int):
    meeting = get_meeting(meeting_id)
    ensure(can_facilitate(current_user, meeting.group))
    no_store()
    # The paper's QR code: the group's short link (to its page: join, calendar) at the program's public address.
    return render_template("groups/sheet.html", meeting=meeting, members=attendance_service.members_of(meeting.group),
                           group_link=public_url("groups.short_link", group_id=meeting.group_id))
