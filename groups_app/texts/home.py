"""What texts adds to the shell: a card on the coordinator's home page leading to her two pages."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from ..core.extension_points import same_for_a_role


@same_for_a_role  # words and links for her roles: made once per roles and language (main.home.her_work_cards)
def work_cards(user) -> Markup | None:
    if not user.has_role("coordinator"):
        return None
    return Markup(render_template("texts/_home_cards.html"))  # nosec B704  # an autoescaped Jinja template
