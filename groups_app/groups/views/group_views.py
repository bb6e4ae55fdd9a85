"""The group directory, a group's page, creating and editing groups, joining and members."""
from __future__ import annotations

import functools

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_domain, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from ...accounts.models import User, UserRole
from ...core.errors import DomainError
from ...core.forms import refused, submit
from ...core.http import page_number
from ...core.i18n import LANGUAGES, in_her_language
from ...core.input import bounded_int
from ...core.permissions import ANYONE, allow, ensure, owner, role
from ...core.places import locality_choices
from ...core.security import no_store
from ...core.timeutil import zone_choices
from ...core.web import address_parts, clock
from ...extensions import db
from ..forms import WEEKDAY_NAMES, AddMemberForm, GroupForm, MeetingTimeForm, ScheduleForm
from ..permissions import can_facilitate, can_see_home_address, remember_standing
from ..services import directory as directory_service
from ..services import follow_up, guests
from ..services import groups as group_service
from ..services import meetings as meeting_service
from ..services.attendance import members_of
from .common import get_group


def _int_arg(name: str) -> int | None:
    return request.args.get(name, type=bounded_int)


@allow(ANYONE)
def directory():
    language = request.args.get("language") if request.args.get("language") in LANGUAGES else None
    locale = str(get_locale() or "he")
    pagination = directory_service.directory_page(_int_arg("locality"), language, _int_arg("weekday"), page_number(),
                                              reader=locale)
    cards = [(card, _card_when(card.group.weekday, card.group.start_time, locale), _card_badges(card.group.languages),
              _card_seats(card.group.open, card.seats_left, locale)) for card in pagination.items]
    # Each card links to /groups/<id>: the address made once, its id written after it (url_for per card was a tenth of the page)
    group_address = address_parts("groups.group_page", "group_id")
    return render_template("groups/directory.html", cards=cards, pagination=pagination, group_address=group_address,
                           localities=directory_service.locality_options(locale, pagination.localities_version), weekdays=in_her_language(WEEKDAY_NAMES),
                           filters=request.args)


# A directory card's texts, each written once per value and language (a page shows 20 cards, each
# with a filter, a call and a loop in Jinja before): the same strings the template wrote, made the
# way its _() and ngettext() make them.
@functools.lru_cache(maxsize=4096)
def _card_when(weekday: int, start, locale: str) -> Markup:
    text = Markup(get_domain().get_translations().ugettext("%(weekday)s at %(time)s"))  # nosec B704  # our catalog's text, as a template's _() marks it; the values are escaped by %
    return text % {"weekday": in_her_language(WEEKDAY_NAMES)[weekday], "time": clock(start)}


@functools.lru_cache(maxsize=256)
def _card_badges(languages: str) -> Markup:
    return Markup("").join(Markup('<span class="badge" lang="{0}">{1}</span> ').format(code, LANGUAGES[code][0])
                           for code in languages.split(",") if code in LANGUAGES)


@functools.lru_cache(maxsize=1024)
def _card_seats(is_open: bool, seats_left: int, locale: str) -> Markup:
    catalog = get_domain().get_translations()
    if not is_open:
        return Markup(catalog.ugettext("Closed to new members")) % {}  # nosec B704  # our catalog's text, as a template's _() marks it
    if seats_left:
        return Markup(catalog.ungettext("%(num)s seat left", "%(num)s seats left", seats_left)) % {"num": seats_left}  # nosec B704  # our catalog's text and a number
    return Markup(catalog.ugettext("Full: you can join the waiting list")) % {}  # nosec B704  # our catalog's text, as a template's _() marks it


@allow(ANYONE)
def group_page(group_id: int):
    facts = group_service.group_page_facts(group_id, current_user) or abort(404)
    group = facts.group
    if current_user.is_authenticated:  # her standing came with the group: the checks below ask nothing more
        remember_standing(current_user, group, member=facts.member, facilitator=facts.leads)
    # The next four meetings, without their topics (the page names none); the group is in the session.
    upcoming = follow_up.next_meetings(group.id, 4)
    facilitates = can_facilitate(current_user, group)
    past = follow_up.recent_past([group.id])[group.id] if facilitates else []
    locale = str(get_locale() or "he")
    # Values the page shows, each made once here rather than by a filter or a lookup in the template;
    # its meetings link to /meetings/<id>: the address made once, each id written after it.
    return render_template("groups/group.html", group=group, membership=facts.membership, upcoming=upcoming,
                           past=past, seats_left=facts.seats_left,
                           show_address=can_see_home_address(current_user, group),
                           facilitates=facilitates, place=group.locality.name(locale),
                           when=_card_when(group.weekday, group.start_time, locale),
                           facilitators=facts.facilitators,
                           meeting_address=address_parts("groups.meeting_page", "meeting_id"))


@allow(owner("the group's facilitators", "facilitator", "coordinator", "admin"))
def past_meetings(group_id: int):
    group = get_group(group_id)
    ensure(can_facilitate(current_user, group))
    no_store()
    return render_template("groups/past_meetings.html", group=group,
                           pagination=follow_up.past_page(group, page_number()))


def _group_form(form: GroupForm) -> GroupForm:
    form.locality_id.choices = [("", _("Choose a locality"))] + locality_choices()
    form.timezone.choices = zone_choices()
    if not form.is_submitted() and not form.timezone.data:
        form.timezone.data = form.timezone.choices[0][0]  # the program's zone
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


@allow(role("coordinator", "admin"))
def new_group():
    form = _group_form(GroupForm())
    done, status, group = submit(form, lambda: group_service.create_group(_fields(form), by=current_user))
    if done:
        flash(_("The group %(name)s is created, with its meetings for the coming weeks.", name=group.name), "success")
        return redirect(url_for("groups.group_page", group_id=group.id))
    return render_template("groups/group_form.html", form=form, group=None), status


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


@allow(role("mother"))
def leave(group_id: int):
    """GET asks her to confirm, saying what she gives up; POST takes her out of the group."""
    group = get_group(group_id)
    back = url_for("groups.group_page", group_id=group.id)
    if request.method == "GET":
        membership = group_service.membership_of(group, current_user)
        if membership is None:
            return redirect(back)
        waiting = membership.status != "member"
        return render_template(
            "groups/confirm.html", back=back, danger=True, action=url_for("groups.leave", group_id=group.id),
            heading=_("Leave the waiting list?") if waiting else _("Leave %(name)s?", name=group.name),
            button=_("Yes, leave the waiting list") if waiting else _("Yes, leave the group"),
            explanation=[_("You give up your place on the waiting list of %(name)s.", name=group.name) if waiting
                         else _("Your seat in %(name)s goes to the first mother on the waiting list.", name=group.name),
                         _("You can ask to join again later, if there is a free seat.")])
    try:
        group_service.leave(group, current_user)
    except DomainError as error:
        return refused(error, back=back)
    flash(_("You have left %(name)s.", name=group.name), "success")
    return redirect(back)


@allow(owner("the group's facilitators", "facilitator", "coordinator", "admin"))
def members(group_id: int):
    group = get_group(group_id)
    ensure(can_facilitate(current_user, group))
    form = AddMemberForm()
    form.guest_id.choices = [("", _("No"))] + [(g.id, g.first_name) for g in guests.unlinked_guests(group)]
    done, status, mother = submit(form, lambda: guests.enrol(group, form.identifier.data, form.guest_id.data,
                                                             by=current_user))
    if done:
        flash(_("%(name)s is now a member.", name=mother.name), "success")
        return redirect(url_for("groups.members", group_id=group.id))
    waiting = group_service.waiting_list(group)
    return render_template("groups/members.html", group=group, form=form, members=members_of(group),
                           waiting=waiting), status


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

