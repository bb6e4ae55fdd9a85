"""What accounts add to the shell: the admin's menu link and card."""
from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ..core.extension_points import NavLink, same_for_a_role
from ..core.permissions import can_manage_roles


@same_for_a_role
def menu(user) -> list[NavLink]:
    if not can_manage_roles(user):
        return []
    return [NavLink(80, _("People and roles"), url_for("accounts.users"))]


def work_cards(user) -> Markup | None:
    if not can_manage_roles(user):
        return None
    return Markup(render_template("accounts/_home_cards.html"))  # nosec B704  # an autoescaped Jinja template
