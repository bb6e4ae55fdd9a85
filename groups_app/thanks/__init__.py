"""Thanks: dedications from mothers to the mentor mothers who helped them, moderated, shown on a
tree of thanks drawn on the server, printed on a certificate, counted for coordinators."""
from __future__ import annotations

from flask import Flask

from ..accounts.audit_log import audit_kinds, audit_subjects
from ..accounts.services import data_export
from ..core.extension_points import home_section, nav_links, work_card
from ..core.home_probe import home_probe
from . import audit_names, home, models  # noqa: F401  (models: the tables exist for every app)
from .blueprint import bp
from .services.reading import export_thanks


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    audit_subjects.connect(app, audit_names.names)
    audit_kinds.connect(app, audit_names.kinds)
    data_export.connect(app, export_thanks)
    nav_links.connect(app, home.menu)
    home_probe.connect(app, home.probe)
    home_section.connect(app, home.sections)
    work_card.connect(app, home.work_cards)
