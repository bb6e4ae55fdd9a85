"""groups_app: Mother-to-Mother peer support groups, lending library, leaflets and home visits."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .config import PROJECT_ROOT, from_environment
from .extensions import babel, csrf, db, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)
    _register_error_pages(app)
    _register_template_helpers(app)
    _register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    from .core import i18n, security

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the login page says why on its own
    login_manager.session_protection = None  # server-side sessions do this job, see accounts.auth
    security.init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record):
    """SQLite enforces foreign keys (and so ON DELETE rules) only when asked, per connection;
    and its lower() knows only ASCII, so searches in Hebrew, Russian or Amharic get Python's."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        dbapi_connection.create_function("lower", 1, lambda value: value.lower() if isinstance(value, str) else value,
                                          deterministic=True)


def _register_blueprints(app: Flask) -> None:
    from .accounts import admin_views, profile_views, views  # noqa: F401  (routes register on import)
    from .accounts import bp as accounts_bp
    from .groups import bp as groups_bp
    from .groups import views as groups_views  # noqa: F401
    from .leaflets import bp as leaflets_bp
    from .leaflets import views as leaflets_views  # noqa: F401
    from .library import bp as library_bp
    from .library import views as library_views  # noqa: F401
    from .main import bp as main_bp
    from .main import views as main_views  # noqa: F401

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(leaflets_bp)
    app.register_blueprint(library_bp)

    from .accounts.services import DATA_EXPORTERS
    from .groups.privacy import export_groups_data

    if export_groups_data not in DATA_EXPORTERS:
        DATA_EXPORTERS.append(export_groups_data)

    from .groups.hooks import MEETING_PANELS
    from .leaflets.panels import meeting_leaflets

    if meeting_leaflets not in MEETING_PANELS:
        MEETING_PANELS.append(meeting_leaflets)

    from .groups.hooks import FEED_EVENTS
    from .library.calendar import due_date_events
    from .library.privacy import export_library_data

    if due_date_events not in FEED_EVENTS:
        FEED_EVENTS.append(due_date_events)
    if export_library_data not in DATA_EXPORTERS:
        DATA_EXPORTERS.append(export_library_data)


def _register_error_pages(app: Flask) -> None:
    def page(code: int):
        def handler(error):
            return render_template(f"errors/{code}.html"), code

        return handler

    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, page(code))

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()  # whatever failed is not half written, and the page can still query
        return render_template("errors/500.html"), 500
    app.register_error_handler(CSRFError, page(400))


def _register_template_helpers(app: Flask) -> None:
    from .core import permissions
    from .core.i18n import LANGUAGES, direction

    @app.context_processor
    def inject():
        locale = str(get_locale() or "he")
        return {
            "current_locale": locale,
            "text_direction": direction(locale),
            "languages": LANGUAGES,
            "language_options": [(code, name) for code, (name, _dir) in LANGUAGES.items()],
            "can": permissions,
        }


def _register_commands(app: Flask) -> None:
    from .cli import register
    from .groups.commands import register as register_groups

    register(app)
    register_groups(app)
