"""What thanks adds to the shell: the tree in the menu, her thanks on her home page, staff's cards."""
from __future__ import annotations

from flask import g, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ..core.extension_points import NavLink, same_for_a_role
from .services import reading


@same_for_a_role
def menu(user) -> list[NavLink]:
    return [NavLink(38, _("Tree of thanks"), url_for("thanks.tree"))]


def _counts(user) -> tuple[int, int | None]:
    """Her two counts (reading.home_counts), asked once for the section and the card of one page."""
    known = g.get("thanks_home_counts")
    if known is None or known[0] != user.id:
        known = g.thanks_home_counts = (user.id, reading.home_counts(user))
    return known[1]


def sections(user) -> Markup | None:
    """For a mother, a way to thank; for a mentor, the thanks waiting for her answer."""
    waiting, _review = _counts(user)
    if not waiting and not user.has_role("mother"):
        return None
    return Markup(render_template("thanks/_home_section.html", waiting=waiting, is_mother=user.has_role("mother")))  # nosec B704  # an autoescaped Jinja template


def work_cards(user) -> Markup | None:
    staff, coordinator = user.has_role("staff"), user.has_role("coordinator")
    if not staff and not coordinator:
        return None
    waiting = (_counts(user)[1] or 0) if staff else 0
    return Markup(render_template("thanks/_home_cards.html", staff=staff, coordinator=coordinator, waiting=waiting))  # nosec B704  # an autoescaped Jinja template
