"""What accounts add to the shell: the admin's menu link and card, and on her home page a request
to confirm her phone number when texts wait for it."""
from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ..core.extension_points import NavLink, same_for_a_role
from ..core.notify import text_channel
from ..core.permissions import can_manage_roles
from . import phone_check


@same_for_a_role
def menu(user) -> list[NavLink]:
    if not can_manage_roles(user):
        return []
    return [NavLink(80, _("People and roles"), url_for("accounts.users"))]


@same_for_a_role  # words and links for her roles: made once per roles and language (main.home.her_work_cards)
def work_cards(user) -> Markup | None:
    if not can_manage_roles(user):
        return None
    return Markup(render_template("accounts/_home_cards.html"))  # nosec B704  # an autoescaped Jinja template


def phone_section(user) -> Markup | None:
    """She chose texts, and her number is not confirmed: nothing is texted until she types a code."""
    if not (user.contact_by_sms and text_channel.contributions() and phone_check.needs_confirming(user)):
        return None
    return Markup(render_template("accounts/_home_phone.html"))  # nosec B704  # an autoescaped Jinja template
