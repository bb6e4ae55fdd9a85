"""What home visits add to the shell: menu links, and on her home page her case or her work."""
from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..core.extension_points import NavLink
from ..core.home_probe import Probe, probed
from .forms.cases import ABOUT_LABELS
from .permissions import is_coordinator
from .services import cases as case_service
from .services import concerns as concern_service
from .services import next_visit
from .views.case_lines import mother_lines


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


def probe(user) -> Probe | None:
    shape = case_service.home_cases_shape(user)
    return None if shape is None else Probe("visits.cases", shape, case_service.home_cases_columns, {"user_id": user.id})


def sections(user) -> Markup | None:
    """Her case (a mother), her mothers (a volunteer), what needs someone now (coordinators, supervisors)."""
    parts = []
    case, mine = None, []
    if probed(user).get("visits.cases", (False,))[0]:  # she has a case or mothers: both in one query
        case, mine = case_service.home_cases(user)
    if case is not None:
        parts.append(render_template("visits/_home_mother.html", case=case, first_name=case_service.first_name,
                                     next_at=next_visit.upcoming(case)))
    if user.has_role("volunteer"):
        if mine:
            parts.append(render_template("visits/_home_volunteer.html", mine=mother_lines(
                (case, case.mother.name if case.mother else None, case.locality.name() if case.locality else "", done)
                for case, done in mine)))
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
    """Her work cards, which depend only on her roles and language: made once per roles, language
    and script root for the life of the app (ten addresses built and a dozen strings translated)."""
    coordinator = is_coordinator(user)
    if not (coordinator or user.has_role("volunteer", "staff")):
        return None
    made = current_app.extensions.setdefault("visits.work_cards", {})
    key = (coordinator, user.has_role("volunteer"), user.has_role("staff"), str(get_locale()), request.script_root)
    if key not in made:
        made[key] = Markup(render_template("visits/_home_cards.html", coordinator=coordinator))  # nosec B704  # an autoescaped Jinja template
    return made[key]
