"""What the library adds to the shell: the menu's Library and My books, and a card for staff."""
from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ..core.extension_points import NavLink, same_for_a_role


@same_for_a_role
def menu(user) -> list[NavLink]:
    links = [NavLink(40, _("Library"), url_for("library.catalogue"))]
    if user.is_authenticated and user.has_role("mother"):
        links.append(NavLink(45, _("My books"), url_for("library.mine")))
    return links


@same_for_a_role  # words and links for her roles: made once per roles and language (main.home.her_work_cards)
def work_cards(user) -> Markup | None:
    if not user.has_role("staff"):
        return None
    return Markup(render_template("library/_home_cards.html"))  # nosec B704  # an autoescaped Jinja template
