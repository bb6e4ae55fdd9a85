"""Home visits ("Mom to Mom"): referrals, volunteers and their training, cases, weekly visits,
concerns, supervision, and the figures the program reports."""
from __future__ import annotations

from flask import Flask

from ..accounts.audit_log import audit_kinds, audit_subjects
from ..accounts.services import data_export
from ..core.extension_points import home_section, nav_links, work_card
from ..core.home_probe import home_probe
from . import audit_names, commands, home, models, privacy_export  # noqa: F401  (models: the tables exist for every app)
from .blueprint import bp
from .views.volunteer_views import day_in_month, duration


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_filter(duration, "duration")  # minutes as "45 minutes", "2.5 hours"
    app.add_template_filter(day_in_month, "day_in_month")  # "Mon, Nov 30" under a month's heading
    app.cli.add_command(commands.cli)
    audit_subjects.connect(app, audit_names.names)
    audit_kinds.connect(app, audit_names.kinds)
    data_export.connect(app, privacy_export.export_visits)
    nav_links.connect(app, home.menu)
    home_probe.connect(app, home.probe)
    home_section.connect(app, home.sections)
    work_card.connect(app, home.work_cards)
