"""The lending library: catalogue, copies, holds, loans, renewals and reminders."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from ..accounts.audit_log import audit_kinds, audit_subjects
from ..accounts.services import data_export
from ..core.extension_points import nav_links, starter_content, work_card
from ..groups.hooks import feed_events
from . import audit_names, calendar, commands, home, privacy
from .blueprint import bp
from .services.search import register_sqlite_functions


@event.listens_for(Engine, "connect")
def _search_forms(dbapi_connection, connection_record):
    """SQLite's search index triggers call search_forms() (migration 0024): every connection has it."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        register_sqlite_functions(dbapi_connection)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(commands.cli)
    starter_content.connect(app, commands.import_books_part)
    data_export.connect(app, privacy.export_library_data)
    audit_kinds.connect(app, audit_names.kinds)
    audit_subjects.connect(app, audit_names.names)
    feed_events.connect(app, calendar.due_date_events)
    nav_links.connect(app, home.menu)
    work_card.connect(app, home.work_cards)
