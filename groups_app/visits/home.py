"""What home visits add to the shell: menu links, and on her home page her case or her work."""
from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ..core.extension_points import NavLink
from .forms.cases import ABOUT_LABELS
from .permissions import is_coordinator
from .services import cases as case_service
from .services import concerns as concern_service
from .services import next_visit


def menu(user) -> list[NavLink]:
    links = [NavLink(35, _("Refer a mother"), url_for("visits.refer"))]
    if not user.is_authenticated:
        return links
    if user.has_role("volunteer"):
        links += [NavLink(50, _("My mothers"), url_for("visits.my_cases")),
                  NavLink(52, _("My hours"), url_for("visits.hours"))]
    if is_coordinator(user):
        links.append(NavLink(65, _("Home visits"), url_for("visits.cases")))
    elif user.has_role("staff") and case_service.supervises_any(user):  # a query for staff only
        links.append(NavLink(65, _("Concerns"), url_for("visits.concerns")))
    return links


def sections(user) -> Markup | None:
    """Her case (a mother), her mothers (a volunteer), what needs someone now (coordinators, supervisors)."""
    parts = []
    case, mine = case_service.home_cases(user)  # both in one query
    if case is not None:
        parts.append(render_template("visits/_home_mother.html", case=case, first_name=case_service.first_name,
                                     next_at=next_visit.upcoming(case)))
    if user.has_role("volunteer"):
        if mine:
            parts.append(render_template("visits/_home_volunteer.html", mine=mine,
                                         weeks=case_service.weeks_without_visit, quiet=case_service.QUIET_WEEKS,
                                         first_name=case_service.first_name, baby_age=case_service.baby_age))
    if is_coordinator(user) or user.has_role("staff"):
        supervisor = None if is_coordinator(user) else user
        concerns = concern_service.open_concerns(user)
        quiet = case_service.quiet_cases(supervisor=supervisor)
        if concerns or quiet:
            parts.append(render_template("visits/_home_alerts.html", concerns=concerns, quiet=quiet,
                                         about=ABOUT_LABELS, overdue=concern_service.overdue,
                                         first_name=case_service.first_name))
    return Markup("".join(parts)) if parts else None  # nosec B704  # the parts are autoescaped Jinja templates


def work_cards(user) -> Markup | None:
    if not (is_coordinator(user) or user.has_role("volunteer", "staff")):
        return None
    return Markup(render_template("visits/_home_cards.html", coordinator=is_coordinator(user)))  # nosec B704  # an autoescaped Jinja template
