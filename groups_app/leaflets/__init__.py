"""Leaflets in the local languages: writing, translating, reviewing, publishing, printing."""
from __future__ import annotations

from flask import Flask

from ..accounts.audit_log import audit_kinds, audit_subjects
from ..core.extension_points import nav_links, starter_content, work_card
from ..groups.hooks import meeting_panel
from . import audit_names, commands, home, panels
from .blueprint import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    starter_content.connect(app, commands.import_leaflets_part)
    meeting_panel.connect(app, panels.meeting_leaflets)
    audit_kinds.connect(app, audit_names.kinds)
    audit_subjects.connect(app, audit_names.names)
    nav_links.connect(app, home.menu)
    work_card.connect(app, home.work_cards)
