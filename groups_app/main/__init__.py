"""The home page, which routes each role to its work, and the coordinator's overview."""
from __future__ import annotations

from flask import Flask

from ..core.extension_points import home_section, nav_links, work_card
from ..core.home_probe import home_probe
from . import home
from .blueprint import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    nav_links.connect(app, home.menu)
    home_probe.connect(app, home.notices_probe)
    home_section.connect(app, home.notices_section)
    work_card.connect(app, home.work_cards)
