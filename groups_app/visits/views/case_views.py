"""Cases: the coordinator's list, matching, a case's page, logging visits, concerns, closing."""
from __future__ import annotations

import functools

from flask import abort, flash, get_template_attribute, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ...accounts.models import User
from ...core.errors import DomainError
from ...core.forms import refused, submit
from ...core.http import page_number
from ...core.i18n import in_her_language
from ...core.input import record_id
from ...core.permissions import allow, ensure, owner, role
from ...core.places import Locality, named_localities
from ...core.security import no_store
from ...core.timeutil import today
from ...extensions import db
from ...groups.models import Group
from ...main.versions import kept_localities
from ..forms.cases import (
    ABOUT_LABELS,
    CLOSE_REASON_LABELS,
    MOOD_LABELS,
    TOPIC_LABELS,
    AcknowledgeForm,
    CaseForm,
    CloseCaseForm,
    ConcernForm,
    InviteForm,
    MatchForm,
    NextVisitForm,
    VisitForm,
)
from ..forms.volunteers import CASE_STATUS_LABELS
from ..models import Case, Concern, Volunteer
from ..models.case import CASE_STATUSES
from ..permissions import can_handle_concern, can_see_case, is_assigned_volunteer, is_coordinator
from ..services import case_groups, case_list, matching, next_visit, visit_logs
from ..services import cases as case_service
from ..services import concerns as concern_service
from ..services.referrals import SOURCE_LABELS
from .case_lines import case_items, mother_lines, options, page_words, visit_lines, week_lines

COORDINATORS = role("coordinator")
CASE_PEOPLE = owner("the case's volunteer, her supervisor and coordinators", "volunteer", "staff", "coordinator")
HANDLERS = owner("the case's supervisor and coordinators", "staff", "coordinator")
HER_VOLUNTEER = owner("the mother's volunteer", "volunteer")
LABELS = {"status": CASE_STATUS_LABELS, "reasons": CLOSE_REASON_LABELS, "topics": TOPIC_LABELS, "moods": MOOD_LABELS,
          "about": ABOUT_LABELS, "sources": SOURCE_LABELS}


def _case(case_id: int) -> Case:
    return db.session.get(Case, case_id) or abort(404)


def _render(template: str, **context):
    return render_template(template, labels=in_her_language(LABELS), first_name=case_service.first_name, baby_age=case_service.baby_age,
                           **context)


@allow(COORDINATORS)
def cases():
    no_store()
    args = request.args
    status = args.get("status") if args.get("status") in CASE_STATUSES else None
    filters = case_list.CaseFilters(status, args.get("locality_id", type=record_id),
                                        args.get("volunteer_id", type=record_id), args.get("volunteer_name", "").strip())
    pagination, progress = case_list.cases_page(filters, page_number())
    locality_names, locality_choices = named_localities(kept=kept_localities(pagination.localities_version))
    items = case_items(pagination.items, progress, locality_names, in_her_language(LABELS))
    return _render("visits/cases.html", pagination=pagination, filters=filters,
                   localities=options(locality_choices, filters.locality_id), items=items)


@allow(role("volunteer"))
def my_cases():
    no_store()
    pagination, mine = case_list.volunteer_cases_page(current_user, page_number())
    locale = str(get_locale())
    return _render("visits/my_cases.html", mine=mother_lines(
        (row, row.mother_name if row.mother_id is not None else None,
         Locality.name(row, locale) if row.locality_id is not None else "", done)  # the model's rule, on the row
        for row, done in mine), pagination=pagination)


@allow(CASE_PEOPLE)
def case(case_id: int):
    me = current_user._get_current_object()  # asked about six times: once through the proxy
    page = case_service.case_page(case_id) or abort(404)
    case, visits = page.case, page.visits
    ensure(can_see_case(me, case), "not the case's volunteer, supervisor or a coordinator")
    no_store()
    weeks = case_service.schedule(case, visits)
    everything = case_service.sees_everything(me, case)
    coordinator = is_coordinator(me)
    volunteer = is_assigned_volunteer(me, case)
    groups = case_groups.nearby_groups(case) if coordinator and case.status != "closed" else []
    invite = None
    if groups and case.mother:  # the form is shown only then
        invite = InviteForm()
        invite.group_id.choices = [(near.group.id, near.group.name) for near in groups]
    concerns = concern_service.concerns_of(case) if page.has_concerns else []
    attendance = case_groups.group_attendance(case) if everything else None
    phone, next_form, next_at = matching.mother_phone(case), _next_form(case, me), next_visit.upcoming(case)
    # Her reading is written down last, in the transaction that read what the page shows, and committed
    # before the page is written: one transaction, not a second begun after the record's commit (two
    # round trips fewer on PostgreSQL). The commit leaves what was loaded as it is, for the page.
    case_service.view_case(case, by=me, keep_loaded=True)
    # What the template set for itself is made here: a variable set in a block made each later
    # string of the block copy the template's context (Jinja passes it to every call).
    return _render(
        "visits/case.html", case=case, said=page_words(), mother_name=_mother_name(case, everything), visit_count=len(visits),
        visits=visit_lines(visits), weeks=week_lines(weeks), missed=case_service.missed_weeks(weeks),
        quiet_weeks=case_service.weeks_without_visit(case, visits[0].visited_on if visits else None),
        everything=everything, can_handle=everything, coordinator=coordinator, volunteer=volunteer,
        waiting=volunteer and any(c.acknowledged_at is None and c.raised_by_id == me.id for c in concerns),
        attendance=attendance, groups=groups, invite=invite, concerns=concerns, phone=phone, next_form=next_form,
        next_at=next_at,
    )


def _mother_name(case: Case, everything: bool) -> str:
    """Her whole name for those who see everything, her first name for her volunteer."""
    if case.mother:
        return case.mother.name if everything else case_service.first_name(case.mother.name)
    said = _("An anonymised case") if case.anonymised_at else _("A mother whose account was deleted")
    return Markup(said) % {}  # nosec B704  # our catalog's text, written as a template writes it


@allow(COORDINATORS)
def match(case_id: int):
    case = _case(case_id)
    back = url_for("visits.case", case_id=case.id)
    if case.status != "waiting":
        return refused(DomainError(_("This case already has a volunteer.")), back=back)
    no_store()
    form = MatchForm()
    form.supervisor_id.choices = [(None, _("Choose a staff member"))] + matching.supervisor_choices()
    form.volunteer_id.validate_choice = False  # one not on the list is refused with the reason, below
    if request.method == "GET":
        case_service.view_case(case, by=current_user)
        form.supervisor_id.data = current_user.id if current_user.has_role("staff") else None

    def _assign():
        volunteer = db.session.get(Volunteer, form.volunteer_id.data)
        if volunteer is None:
            raise DomainError(_("Please choose a volunteer from the list."), field="volunteer_id")
        supervisor = db.session.get(User, form.supervisor_id.data) if form.supervisor_id.data else None
        return matching.assign(case, volunteer, supervisor, by=current_user)

    done, status, _result = submit(form, _assign)
    if done:
        flash(_("The volunteer is matched, and she and the mother are told."), "success")
        return redirect(back)
    candidates = matching.candidates(case)
    form.volunteer_id.choices = [(c.volunteer.id, c.volunteer.user.name) for c in candidates]
    return _render("visits/match.html", case=case, form=form, candidates=candidates), status


@allow(HANDLERS)
def edit_case(case_id: int):
    case = _case(case_id)
    ensure(case_service.sees_everything(current_user, case), "not the case's supervisor or a coordinator")
    no_store()
    form = CaseForm(obj=case)
    done, status, _result = submit(form, lambda: case_service.update_case(
        case, notes=form.notes.data or "", baby_birth_date=form.baby_birth_date.data, due_date=form.due_date.data,
        by=current_user))
    if done:
        flash(_("The case is saved."), "success")
        return redirect(url_for("visits.case", case_id=case.id))
    return _render("visits/case_form.html", case=case, form=form), status


@allow(COORDINATORS)
def close_case(case_id: int):
    case = _case(case_id)
    back = url_for("visits.case", case_id=case.id)
    if case.status == "closed":
        return refused(DomainError(_("This case is already closed.")), back=back)
    no_store()
    form = CloseCaseForm()
    done, status, _result = submit(form, lambda: case_service.close_case(
        case, form.reason.data, (form.note.data or "").strip(), by=current_user))
    if done:
        flash(_("The case is closed."), "success")
        return redirect(back)
    return _render("visits/case_close.html", case=case, form=form, groups=case_groups.nearby_groups(case)), status


@allow(COORDINATORS)
def invite_to_group(case_id: int):
    case = _case(case_id)
    back = url_for("visits.case", case_id=case.id)
    group = db.session.get(Group, request.form.get("group_id", type=record_id) or 0)
    try:
        if group is None:
            raise DomainError(_("Please choose a group."))
        case_groups.invite_to_group(case, group, by=current_user)
    except DomainError as error:
        db.session.rollback()
        return refused(error, back=back)
    flash(_("The mother is sent an invitation to %(group)s.", group=group.name), "success")
    return redirect(back)


@allow(HER_VOLUNTEER)
def log_visit(case_id: int):
    case = _case(case_id)
    ensure(is_assigned_volunteer(current_user, case), "not the mother's volunteer")
    no_store()
    form = VisitForm()
    if request.method == "GET":
        if case.status != "active":
            return refused(DomainError(_("This case is closed: no more visits can be logged.")),
                           back=url_for("visits.case", case_id=case.id))
        form.form_token.data = visit_logs.new_form_token()
        form.visited_on.data = today()
        if next_visit.upcoming(case):
            form.next_visit_day.data, form.next_visit_time.data = next_visit.local_parts(case)

    def _log():
        fields = visit_logs.VisitFields(form.visited_on.data, form.minutes.data, list(form.topics.data or []),
                                        form.mood.data, form.notes.data or "", form.next_visit_day.data,
                                        form.next_visit_time.data)
        return visit_logs.log_visit(case, fields, form.form_token.data or "", by=current_user)

    done, status, _result = submit(form, _log)
    if done:
        flash(_("The visit is saved."), "success")
        return redirect(url_for("visits.case", case_id=case.id))
    return _render("visits/visit_form.html", case=case, form=form), status


@allow(HER_VOLUNTEER)
def raise_concern(case_id: int):
    case = _case(case_id)
    ensure(is_assigned_volunteer(current_user, case), "not the mother's volunteer")
    no_store()
    form = ConcernForm()
    done, status, concern = submit(form, lambda: concern_service.raise_concern(
        case, form.about.data, form.what.data or "", by=current_user))
    if done:
        flash(_("Your concern is sent."), "success")
        return redirect(url_for("visits.case", case_id=case.id) + "#concerns-heading")
    return _render("visits/concern_form.html", case=case, form=form), status


@allow(HANDLERS)
def concerns():
    no_store()
    show = request.args.get("show") if request.args.get("show") in ("open", "handled", "all") else "open"
    pagination = concern_service.concerns_page(current_user, page_number(), show=show)
    return _render("visits/concerns.html", pagination=pagination, show=show, overdue=concern_service.overdue)


@allow(HANDLERS)
def acknowledge_concern(concern_id: int):
    concern = db.session.get(Concern, concern_id) or abort(404)
    ensure(can_handle_concern(current_user, concern), "not the case's supervisor or a coordinator")
    no_store()
    if request.method == "GET":
        case_service.view_case(concern.case, by=current_user)
    form = AcknowledgeForm()
    if concern.acknowledged_at is not None and form.is_submitted():
        return refused(DomainError(_("This concern was already acknowledged.")),
                       back=url_for("visits.acknowledge_concern", concern_id=concern.id))
    done, status, _result = submit(form, lambda: concern_service.acknowledge(
        concern, form.handled_how.data or "", by=current_user))
    if done:
        flash(_("The concern is acknowledged; the volunteer can see how it was handled."), "success")
        return redirect(url_for("visits.concerns"))
    return _render("visits/concern.html", concern=concern, case=concern.case, form=form,
                   overdue=concern_service.overdue(concern), deadline=concern_service.ack_deadline(concern)), status


def _next_form(case: Case, me: User) -> Markup | None:
    """The fields of the case page's next-visit form, for those who may set it while the visits go on
    (the template adds the CSRF token, as the form's hidden_tag() writes it)."""
    if case.status != "active" or not next_visit.can_set_next_visit(me, case):
        return None
    day, moment = next_visit.local_parts(case) if next_visit.upcoming(case) else (None, None)
    return _next_visit_fields(str(get_locale()), day, moment)


@functools.lru_cache(maxsize=1024)
def _next_visit_fields(locale: str, day, moment) -> Markup:
    """The two fields as the `field` macro writes them for a new form holding this day and time: the
    same for every case with that next visit, in a language (the widgets cost a third of the page)."""
    form = NextVisitForm(formdata=None, meta={"csrf": False})
    form.next_visit_day.data, form.next_visit_time.data = day, moment
    field = get_template_attribute("_macros.html", "field")
    return field(form.next_visit_day) + field(form.next_visit_time)


@allow(CASE_PEOPLE)
def set_next_visit(case_id: int):
    case = _case(case_id)
    ensure(next_visit.can_set_next_visit(current_user, case), "not the case's volunteer, supervisor or a coordinator")
    back = url_for("visits.case", case_id=case.id)
    if case.status != "active":
        return refused(DomainError(_("A next visit can be set only while the visits go on.")), back=back)
    no_store()
    form = NextVisitForm()
    if request.method == "GET" and next_visit.upcoming(case):
        form.next_visit_day.data, form.next_visit_time.data = next_visit.local_parts(case)
    done, status, _result = submit(form, lambda: next_visit.set_next_visit(
        case, next_visit.next_visit_moment(form.next_visit_day.data, form.next_visit_time.data), by=current_user))
    if done:
        flash(_("The next visit is saved.") if case.next_visit_at else _("The next visit is cleared."), "success")
        return redirect(back + "#next-visit-heading")
    return _render("visits/next_visit_form.html", case=case, form=form), status
