"""What thanks adds to the shell: the tree in the menu, her thanks on her home page, staff's cards."""
from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ..core.extension_points import NavLink, same_for_a_role
from .services import moderation, reading


@same_for_a_role
def menu(user) -> list[NavLink]:
    return [NavLink(38, _("Tree of thanks"), url_for("thanks.tree"))]


def sections(user) -> Markup | None:
    """For a mother, a way to thank; for a mentor, the thanks waiting for her answer."""
    waiting = reading.waiting_for_answer(user)
    if not waiting and not user.has_role("mother"):
        return None
    return Markup(render_template("thanks/_home_section.html", waiting=waiting, is_mother=user.has_role("mother")))  # nosec B704  # an autoescaped Jinja template


def work_cards(user) -> Markup | None:
    staff, coordinator = user.has_role("staff"), user.has_role("coordinator")
    if not staff and not coordinator:
        return None
    waiting = moderation.waiting_for_review(by=user) if staff else 0
    return Markup(render_template("thanks/_home_cards.html", staff=staff, coordinator=coordinator, waiting=waiting))  # nosec B704  # an autoescaped Jinja template
