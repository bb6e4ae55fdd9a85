"""Accounts: people, their roles, signing in and out, and the profile a mother controls."""
from __future__ import annotations

from flask import Flask

from ..core.extension_points import home_section, nav_links, work_card
from ..core.phones import display_phone
from ..extensions import csrf
from . import home, profile_views
from .blueprint import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    # The language switcher is in every page's footer: a CSRF token there would give every visitor,
    # signed out too, a session cookie. It changes only a display preference, and checks the origin.
    csrf.exempt(profile_views.set_language)
    app.add_template_filter(display_phone, "phone")
    nav_links.connect(app, home.menu)
    work_card.connect(app, home.work_cards)
    home_section.connect(app, home.phone_section)
