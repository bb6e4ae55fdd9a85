"""The group directory, a group's page, creating and editing groups, joining and members."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...accounts.auth import find_by_identifier
from ...accounts.models import User, UserRole
from ...core.errors import DomainError
from ...core.forms import refused, submit
from ...core.i18n import LANGUAGES
from ...core.permissions import ANYONE, allow, ensure, owner, role
from ...core.places import locality_choices
from ...extensions import db
from .. import bp
from ..forms import WEEKDAY_NAMES, AddMemberForm, GroupForm, MeetingTimeForm, ScheduleForm
from ..models import Guest
from ..permissions import can_facilitate, can_see_home_address
from ..services import groups as group_service
from ..services import meetings as meeting_service
from ..services.attendance import guest_becomes_member, members_of
from .common import get_group


def _int_arg(name: str) -> int | None:
    try:
        return int(request.args[name]) if request.args.get(name, "") != "" else None
    except ValueError:
        return None


@bp.route("/groups/")
@allow(ANYONE)
def directory():
    language = request.args.get("language") if request.args.get("language") in LANGUAGES else None
    entries = group_service.directory(_int_arg("locality"), language, _int_arg("weekday"))
    return render_template("groups/directory.html", entries=entries, localities=locality_choices(),
                           weekdays=WEEKDAY_NAMES, filters=request.args)


@bp.route("/groups/<int:group_id>")
@allow(ANYONE)
def group_page(group_id: int):
    group = get_group(group_id)
    membership = group_service.membership_of(group, current_user) if current_user.is_authenticated else None
    upcoming = meeting_service.upcoming([group.id], per_group=4)[group.id]
    return render_template("groups/group.html", group=group, membership=membership, upcoming=upcoming,
                           seats_left=max(group.capacity - group_service.member_count(group), 0),
                           show_address=can_see_home_address(current_user, group),
                           facilitates=can_facilitate(current_user, group), weekdays=WEEKDAY_NAMES)


def _group_form(form: GroupForm) -> GroupForm:
    form.locality_id.choices = [("", _("Choose a locality"))] + locality_choices()
    facilitators = db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == "facilitator").order_by(User.name)
    ).all()
    form.facilitator_ids.choices = [(u.id, u.name) for u in facilitators]
    return form


def _fields(form: GroupForm, group=None) -> group_service.GroupFields:
    return group_service.GroupFields(
        name=form.name.data or "", description=form.description.data or "", venue_kind=form.venue_kind.data or "",
        address=form.address.data or "", locality_id=form.locality_id.data, languages=form.languages.data or [],
        frequency=form.frequency.data, weekday=form.weekday.data, start_time=form.start_time.data,
        duration_minutes=form.duration_minutes.data, timezone=(form.timezone.data or "").strip(),
        capacity=form.capacity.data, open=form.open.data, facilitator_ids=form.facilitator_ids.data or [],
        archived=form.archived.data,
    )


@bp.route("/groups/new", methods=["GET", "POST"])
@allow(role("coordinator", "admin"))
def new_group():
    form = _group_form(GroupForm())
    done, status, group = submit(form, lambda: group_service.create_group(_fields(form), by=current_user))
    if done:
        flash(_("The group %(name)s is created, with its meetings for the coming weeks.", name=group.name), "success")
        return redirect(url_for("groups.group_page", group_id=group.id))
    return render_template("groups/group_form.html", form=form, group=None), status


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@allow(role("coordinator", "admin"))
def edit_group(group_id: int):
    group = get_group(group_id)
    if request.method == "GET":
        form = GroupForm(obj=group)
        form.languages.data = group.language_list
        form.facilitator_ids.data = sorted(group.facilitator_ids)
    else:
        form = GroupForm()
    _group_form(form)
    done, status, _result = submit(form, lambda: group_service.update_group(group, _fields(form), by=current_user))
    if done:
        flash(_("Saved."), "success")
        return redirect(url_for("groups.group_page", group_id=group.id))
    return render_template("groups/group_form.html", form=form, group=group), status


@bp.route("/groups/<int:group_id>/join", methods=["POST"])
@allow(role("mother"))
def join(group_id: int):
    group = get_group(group_id)
    try:
        membership = group_service.join(group, current_user)
    except DomainError as error:
        return refused(error, back=url_for("groups.group_page", group_id=group.id))
    if membership.status == "member":
        flash(_("Welcome to %(name)s!", name=group.name), "success")
    else:
        flash(_("The group is full. You are number %(position)s on the waiting list; we will tell you when a seat frees.",
                position=membership.position), "success")
    return redirect(url_for("groups.group_page", group_id=group.id))


@bp.route("/groups/<int:group_id>/leave", methods=["POST"])
@allow(role("mother"))
def leave(group_id: int):
    group = get_group(group_id)
    try:
        group_service.leave(group, current_user)
    except DomainError as error:
        return refused(error, back=url_for("groups.group_page", group_id=group.id))
    flash(_("You have left %(name)s.", name=group.name), "success")
    return redirect(url_for("groups.group_page", group_id=group.id))


@bp.route("/groups/<int:group_id>/members", methods=["GET", "POST"])
@allow(owner("the group's facilitators", "facilitator", "coordinator", "admin"))
def members(group_id: int):
    group = get_group(group_id)
    ensure(can_facilitate(current_user, group))
    form = AddMemberForm()
    guests = db.session.scalars(select(Guest).where(Guest.group_id == group.id, Guest.user_id.is_(None))
                                .order_by(Guest.created_at.desc())).all()
    form.guest_id.choices = [("", _("No"))] + [(g.id, g.first_name) for g in guests]

    def _add():
        mother = find_by_identifier(form.identifier.data)
        if mother is None:
            raise DomainError(_("No account has this email address or phone number. She can join first."),
                              field="identifier")
        guest = db.session.get(Guest, form.guest_id.data) if form.guest_id.data else None
        if guest is not None and guest.group_id == group.id:
            guest_becomes_member(guest, mother, by=current_user)
        else:
            group_service.add_member(group, mother, by=current_user)
        return mother

    done, status, mother = submit(form, _add)
    if done:
        flash(_("%(name)s is now a member.", name=mother.name), "success")
        return redirect(url_for("groups.members", group_id=group.id))
    waiting = group_service.waiting_list(group)
    return render_template("groups/members.html", group=group, form=form, members=members_of(group),
                           waiting=waiting), status


@bp.route("/groups/<int:group_id>/members/<int:user_id>/remove", methods=["POST"])
@allow(owner("the group's facilitators", "facilitator", "coordinator", "admin"))
def remove_member(group_id: int, user_id: int):
    group = get_group(group_id)
    ensure(can_facilitate(current_user, group))
    mother = db.session.get(User, user_id)
    try:
        if mother is None:
            raise DomainError(_("This mother is not in the group."))
        group_service.leave(group, mother, by=current_user)
    except DomainError as error:
        return refused(error, back=url_for("groups.members", group_id=group.id))
    flash(_("%(name)s is no longer in the group.", name=mother.name), "success")
    return redirect(url_for("groups.members", group_id=group.id))


@bp.route("/groups/<int:group_id>/schedule", methods=["GET", "POST"])
@allow(owner("the group's facilitators", "facilitator", "coordinator", "admin"))
def schedule(group_id: int):
    group = get_group(group_id)
    ensure(can_facilitate(current_user, group))
    form = ScheduleForm(obj=group) if request.method == "GET" else ScheduleForm()

    def _save():
        meeting_service.change_schedule(group, effective=form.effective.data, frequency=form.frequency.data,
                                        weekday=form.weekday.data, at=form.start_time.data,
                                        duration=form.duration_minutes.data, by=current_user)

    done, status, _result = submit(form, _save)
    if done:
        flash(_("The new schedule is saved and the members are told."), "success")
        return redirect(url_for("groups.group_page", group_id=group.id))
    return render_template("groups/schedule.html", form=form, group=group), status


@bp.route("/groups/<int:group_id>/meetings/new", methods=["GET", "POST"])
@allow(owner("the group's facilitators", "facilitator", "coordinator", "admin"))
def new_meeting(group_id: int):
    group = get_group(group_id)
    ensure(can_facilitate(current_user, group))
    form = MeetingTimeForm()
    if request.method == "GET":
        form.start_time.data = group.start_time
        form.duration_minutes.data = group.duration_minutes

    def _add():
        return meeting_service.add_one_off(group, form.day.data, form.start_time.data, form.duration_minutes.data,
                                           by=current_user)

    done, status, meeting = submit(form, _add)
    if done:
        flash(_("The meeting is added and the members are told."), "success")
        return redirect(url_for("groups.meeting_page", meeting_id=meeting.id))
    return render_template("groups/meeting_time.html", form=form, group=group, meeting=None), status

