"""Support groups: groups, meetings, topics, RSVPs, attendance and calendar feeds."""
from __future__ import annotations

from flask import Flask

from ..accounts.audit_log import audit_kinds, audit_subjects
from ..accounts.services import data_export
from ..core.extension_points import home_section, nav_links, starter_content, work_card
from . import audit_names, commands, home, privacy
from .blueprint import bp
from .views.common import when


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_filter(when, "when")
    app.cli.add_command(commands.cli)
    starter_content.connect(app, commands.import_topics_part)
    data_export.connect(app, privacy.export_groups_data)
    audit_kinds.connect(app, audit_names.kinds)
    audit_subjects.connect(app, audit_names.names)
    nav_links.connect(app, home.menu)
    home_section.connect(app, home.groups_section)
    work_card.connect(app, home.work_cards)
