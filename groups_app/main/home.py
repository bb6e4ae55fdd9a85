"""What the main feature puts on the shell: Home in the menu, her messages, the overview card."""
from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ..core.extension_points import NavLink, same_for_a_role
from ..core.notify import unread_notices


@same_for_a_role
def menu(user) -> list[NavLink]:
    links = [NavLink(10, _("Home"), url_for("main.home"))]
    if user.is_authenticated and user.has_role("coordinator", "admin"):
        links.append(NavLink(70, _("Program overview"), url_for("main.coordinator")))
    return links


def notices_section(user) -> Markup | None:
    notices = unread_notices(user)
    return Markup(render_template("main/_notices.html", notices=notices)) if notices else None  # nosec B704  # an autoescaped Jinja template


def work_cards(user) -> Markup | None:
    if not user.has_role("coordinator", "admin"):
        return None
    return Markup(render_template("main/_home_cards.html"))  # nosec B704  # an autoescaped Jinja template
