"""What thanks adds to the shell: the tree in the menu, her thanks on her home page, staff's cards."""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..core.extension_points import NavLink, same_for_a_role
from ..core.home_probe import Probe, probed
from .services import reading


@same_for_a_role
def menu(user) -> list[NavLink]:
    return [NavLink(38, _("Tree of thanks"), url_for("thanks.tree"))]


def probe(user) -> Probe:
    shape, params = reading.home_counts_shape(user)
    return Probe("thanks", shape, reading.home_counts_columns, params)


def _counts(user) -> tuple[int, int | None]:
    """Her two counts (as reading.home_counts), asked in her home page's probe."""
    return reading.home_counts_from(reading.home_counts_shape(user)[0], probed(user)["thanks"])


def _once(key: tuple, render: Callable[[], Markup]) -> Markup:
    """A section or card that depends only on `key` (small counts and her roles), the language and
    the script root: rendered once and kept for the life of the process (a few hundred at most)."""
    made = current_app.extensions.setdefault("groups_app.thanks_home", {})
    key = (*key, str(get_locale()), request.script_root)
    if key not in made:
        if len(made) >= 1000:  # a program with unusual counts: render, do not keep
            return render()
        made[key] = render()
    return made[key]


def sections(user) -> Markup | None:
    """For a mother, a way to thank; for a mentor, the thanks waiting for her answer."""
    waiting, _review = _counts(user)
    is_mother = user.has_role("mother")
    if not waiting and not is_mother:
        return None
    return _once(("section", waiting, is_mother), lambda: Markup(render_template(  # nosec B704  # an autoescaped Jinja template
        "thanks/_home_section.html", waiting=waiting, is_mother=is_mother)))


def work_cards(user) -> Markup | None:
    staff, coordinator = user.has_role("staff"), user.has_role("coordinator")
    if not staff and not coordinator:
        return None
    waiting = (_counts(user)[1] or 0) if staff else 0
    return _once(("cards", staff, coordinator, waiting), lambda: Markup(render_template(  # nosec B704  # an autoescaped Jinja template
        "thanks/_home_cards.html", staff=staff, coordinator=coordinator, waiting=waiting)))
