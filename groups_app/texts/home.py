"""What texts adds to the shell: a card on the coordinator's home page leading to her two pages."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup


def work_cards(user) -> Markup | None:
    if not user.has_role("coordinator"):
        return None
    return Markup(render_template("texts/_home_cards.html"))  # nosec B704  # an autoescaped Jinja template
