"""The page shell every feature shares: error pages, and what every template may use."""
from __future__ import annotations

from flask import Flask, render_template
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError

from ..extensions import db
from . import permissions
from .extension_points import nav_links
from .i18n import LANGUAGES, direction


def menu_links(user) -> list:
    """The menu for her (or a visitor), from every feature's contribution, by weight."""
    return sorted((link for links in nav_links.collect(user) for link in links), key=lambda link: link.weight)


def register_error_pages(app: Flask) -> None:
    def page(code: int):
        def handler(error):
            return render_template(f"errors/{code}.html"), code

        return handler

    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, page(code))
    app.register_error_handler(CSRFError, page(400))

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()  # whatever failed is not half written, and the page can still query
        return render_template("errors/500.html"), 500


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def inject():
        locale = str(get_locale() or "he")
        return {
            "current_locale": locale,
            "text_direction": direction(locale),
            "languages": LANGUAGES,
            "language_options": [(code, name) for code, (name, _dir) in LANGUAGES.items()],
            "can": permissions,
            "menu_links": menu_links,
        }
