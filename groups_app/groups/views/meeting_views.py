"""A meeting's page, the facilitator's planner, moving and cancelling, RSVPs, questions, attendance."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...core.errors import DomainError
from ...core.forms import refused, show_error, submit
from ...core.permissions import allow, ensure, owner, role
from ...core.security import no_store
from ...extensions import db
from .. import bp
from ..forms import AttendanceForm, MeetingTimeForm, PlanForm, QuestionForm
from ..hooks import meeting_panels
from ..models import Group, GroupFacilitator, MeetingQuestion, Rsvp
from ..permissions import can_facilitate, can_see_home_address, is_member_of
from ..services import attendance as attendance_service
from ..services import meetings as meeting_service
from ..services.topics import topic_choices
from .common import get_meeting

FACILITATORS = owner("the group's facilitators", "facilitator", "coordinator", "admin")


@bp.route("/meetings/<int:meeting_id>")
@allow(owner("members and facilitators of the group"))
def meeting_page(meeting_id: int):
    meeting = get_meeting(meeting_id)
    group = meeting.group
    member, facilitates = is_member_of(current_user, group), can_facilitate(current_user, group)
    ensure(member or facilitates, "not in group")
    no_store()
    questions = db.session.scalars(
        select(MeetingQuestion).where(MeetingQuestion.meeting_id == meeting.id).order_by(MeetingQuestion.created_at)
    ).all()
    answer = db.session.scalar(select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.user_id == current_user.id))
    return render_template(
        "groups/meeting.html", meeting=meeting, group=group, member=member, facilitates=facilitates,
        questions=questions, answer=answer, expected=meeting_service.expected([meeting.id])[meeting.id],
        topic_text=meeting.topic.text_for(current_user.read_languages) if meeting.topic else None,
        show_address=can_see_home_address(current_user, group), question_form=QuestionForm(),
        panels=meeting_panels(meeting, current_user),
    )


@bp.route("/planner")
@allow(role("facilitator"))
def planner():
    no_store()
    groups = db.session.scalars(
        select(Group).join(GroupFacilitator, GroupFacilitator.group_id == Group.id)
        .where(GroupFacilitator.user_id == current_user.id, Group.archived.is_(False)).order_by(Group.name)
    ).unique().all()
    ids = [g.id for g in groups]
    upcoming = meeting_service.upcoming(ids)
    meeting_ids = [m.id for ms in upcoming.values() for m in ms]
    return render_template(
        "groups/planner.html", groups=groups, upcoming=upcoming, recent=meeting_service.recent_topics(ids),
        expected=meeting_service.expected(meeting_ids), reader_languages=current_user.read_languages,
        topics=topic_choices(current_user.read_languages),
    )


@bp.route("/meetings/<int:meeting_id>/plan", methods=["POST"])
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


@bp.route("/meetings/<int:meeting_id>/move", methods=["GET", "POST"])
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


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@allow(FACILITATORS)
def cancel(meeting_id: int):
    meeting = get_meeting(meeting_id)
    ensure(can_facilitate(current_user, meeting.group))
    try:
        meeting_service.cancel_meeting(meeting, by=current_user)
    except DomainError as error:
        return refused(error, back=url_for("groups.meeting_page", meeting_id=meeting.id))
    flash(_("The meeting is cancelled and the members are told."), "success")
    return redirect(url_for("groups.meeting_page", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/rsvp", methods=["POST"])
@allow(role("mother"))
def rsvp(meeting_id: int):
    meeting = get_meeting(meeting_id)
    answer = request.form.get("coming")
    try:
        if answer not in ("yes", "no"):
            raise DomainError(_("Please say whether you are coming."))
        meeting_service.rsvp(meeting, current_user, answer == "yes")
    except DomainError as error:
        return refused(error, back=url_for("groups.group_page", group_id=meeting.group_id))
    flash(_("Thank you, your answer is saved."), "success")
    return redirect(url_for("groups.meeting_page", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/questions", methods=["POST"])
@allow(role("mother"))
def ask(meeting_id: int):
    meeting = get_meeting(meeting_id)
    form = QuestionForm()
    try:
        meeting_service.ask(meeting, current_user, form.text.data or "", bool(form.anonymous.data))
    except DomainError as error:
        if error.status == 403:
            return refused(error)
        show_error(form, error)
        return render_template("groups/ask.html", form=form, meeting=meeting), error.status
    flash(_("Your question is sent to the facilitator."), "success")
    return redirect(url_for("groups.meeting_page", meeting_id=meeting.id))


@bp.route("/questions/<int:question_id>/discussed", methods=["POST"])
@allow(FACILITATORS)
def discussed(question_id: int):
    question = db.session.get(MeetingQuestion, question_id)
    if question is None:
        return render_template("errors/404.html"), 404
    meeting = get_meeting(question.meeting_id)
    ensure(can_facilitate(current_user, meeting.group))
    meeting_service.mark_discussed(question, request.form.get("discussed") == "yes", by=current_user)
    return redirect(url_for("groups.meeting_page", meeting_id=meeting.id) + "#questions")


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@allow(FACILITATORS)
def attendance(meeting_id: int):
    meeting = get_meeting(meeting_id)
    ensure(can_facilitate(current_user, meeting.group))
    no_store()
    members = attendance_service.members_of(meeting.group)
    form = AttendanceForm()
    form.present.choices = [(m.id, m.name) for m in members]
    if request.method == "GET":
        form.present.data = sorted(attendance_service.present_ids(meeting))
    status = 200
    if form.is_submitted():
        try:
            if any(row.baby_age_months.process_errors and (row.baby_age_months.raw_data or [""])[0].strip()
                   for row in form.guests):
                raise DomainError(_("The baby's age is in months, from 0 to 60."), field="guests")
            attendance_service.take_attendance(meeting, set(form.present.data or []), _guest_rows(form), by=current_user)
        except DomainError as error:
            db.session.rollback()
            status = show_error(form, error)
        else:
            flash(_("Attendance is saved."), "success")
            return redirect(url_for("groups.attendance", meeting_id=meeting.id))
    return render_template("groups/attendance.html", form=form, meeting=meeting, members=members,
                           guests=attendance_service.guests_at(meeting), history=attendance_service.history(meeting)), status


def _guest_rows(form: AttendanceForm) -> list[attendance_service.GuestEntry]:
    """The guest lines that were filled in; empty lines are spare."""
    return [attendance_service.GuestEntry(row["first_name"] or "", row["stage"] or "", row["baby_age_months"])
            for row in form.guests.data if (row["first_name"] or "").strip() or row["stage"]]


@bp.route("/meetings/<int:meeting_id>/sheet")
@allow(FACILITATORS)
def sign_in_sheet(meeting_id: int):
    meeting = get_meeting(meeting_id)
    ensure(can_facilitate(current_user, meeting.group))
    no_store()
    return render_template("groups/sheet.html", meeting=meeting, members=attendance_service.members_of(meeting.group))
