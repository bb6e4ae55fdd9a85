"""Shared by every feature and depending on none of them: the extensions, the page shell,
languages, permissions, mail, audit, security, and the extension points features plug into."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from ..config import PROJECT_ROOT
from ..extensions import babel, csrf, db, login_manager, migrate
from . import commands, db_retry, i18n, read_only_end, security, static, web
from . import input as request_input


def init_app(app: Flask) -> None:
    request_input.init_app(app)  # first: the URL converters must be in place before any rule is added
    db.init_app(app)
    db_retry.init_app(app)  # first thing in a request: its connection, waiting a moment for a restarting database
    read_only_end.init_app(app)  # after db.init_app: a request that only read commits (PostgreSQL keeps its plans)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.install_request_cached_catalogs(app, babel)  # after Babel's own: a page finds its catalog once
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the login page says why on its own
    login_manager.session_protection = None  # server-side sessions do this job, see accounts.auth
    security.init_app(app)
    static.init_app(app)  # content-hashed addresses, cached a year
    web.register_error_pages(app)
    web.register_template_helpers(app)
    commands.init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record):
    """SQLite enforces foreign keys (and so ON DELETE rules) only when asked, per connection, and
    keeps a write-ahead log when asked (below); and its lower() knows only ASCII, so searches in Hebrew, Russian or Amharic get Python's."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Write-ahead logging: a page being read never waits for the other worker's write, and a commit
        # is one append to the log, synced, instead of a rollback journal written, synced and deleted
        # (0.5 → 0.15 ms a commit here; a case page commits the record of each view). synchronous stays
        # FULL: a mother's record she was told is saved survives a power cut (NORMAL would be 0.01 ms
        # and may lose the last commits). The mode is kept in the file; an in-memory database answers
        # "memory" and stays as it is.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()
        dbapi_connection.create_function("lower", 1, lambda value: value.lower() if isinstance(value, str) else value,
                                         deterministic=True)
