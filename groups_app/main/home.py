"""What the main feature puts on the shell: Home in the menu, her messages, the overview card."""
from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..core.extension_points import NavLink, same_for_a_role, work_card
from ..core.home_probe import Probe, probed
from ..core.notify import has_unread_columns, unread_notices


@same_for_a_role
def menu(user) -> list[NavLink]:
    links = [NavLink(10, _("Home"), url_for("main.home"))]
    if user.is_authenticated and user.has_role("coordinator", "admin"):
        links.append(NavLink(70, _("Program overview"), url_for("main.coordinator")))
    return links


def notices_probe(user) -> Probe:
    return Probe("notices", None, has_unread_columns, {"user_id": user.id})


def notices_section(user) -> Markup | None:
    if not probed(user)["notices"][0]:  # most visits: nothing unread, and no statement of its own
        return None
    notices = unread_notices(user)
    return Markup(render_template("main/_notices.html", notices=notices)) if notices else None  # nosec B704  # an autoescaped Jinja template


def her_work_cards(user) -> list[Markup]:
    """The cards of "Your work", from every feature's contribution, in the order connected.

    A contribution marked `same_for_a_role` (a card of words and links that depend only on her
    roles) is made once per language, roles and script root and kept for the life of the process,
    as the menu's are (core.web.menu_links): each cost a template rendered on every request. The
    others (a card with a count) run on every request."""
    made = current_app.extensions.setdefault("groups_app.work_cards", {})
    same = (str(get_locale()), request.script_root, user.role_names)
    cards = []
    for contribution in work_card.contributions():
        if getattr(contribution, "same_for_a_role", False):
            key = (contribution, same)
            if key not in made:
                made[key] = contribution(user)
            card = made[key]
        else:
            card = contribution(user)
        if card:
            cards.append(card)
    return cards


@same_for_a_role
def work_cards(user) -> Markup | None:
    if not user.has_role("coordinator", "admin"):
        return None
    return Markup(render_template("main/_home_cards.html"))  # nosec B704  # an autoescaped Jinja template
