"""A request that finds the database restarting waits a moment and connects again, before it runs
anything, instead of answering 500.

Each request takes its connection first thing (the pool's pre-ping tests it then, see
SQLALCHEMY_ENGINE_OPTIONS in config.py). If that fails because the database cannot be reached
(restarting, starting up, or a pooled connection it closed), nothing of the request has run and
nothing is written, so trying again is safe: the session is rolled back, the dead connections are
thrown away, and after a short pause the request connects again, DB_RETRIES times at most (0.3 s,
then 0.6 s). A statement that fails later in a request is never tried again: part of the request
may have been written.
"""
from __future__ import annotations

import time

from flask import Flask, current_app, request
from sqlalchemy import exc

from ..extensions import db

try:  # the driver's own errors, in case one arrives unwrapped
    from psycopg import InterfaceError as _DriverInterfaceError
    from psycopg import OperationalError as _DriverOperationalError

    DRIVER_ERRORS: tuple = (_DriverOperationalError, _DriverInterfaceError)
except ImportError:  # an SQLite-only installation
    DRIVER_ERRORS = ()

FIRST_PAUSE = 0.3  # seconds; doubled each time


def _database_unreachable(error: BaseException) -> bool:
    """Connecting failed (no statement ran): the server is down, starting, or closed the connection."""
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    # psycopg's OperationalError, wrapped or not: connection refused, "the database system is starting up"
    return isinstance(error, (exc.OperationalError, exc.InterfaceError, *DRIVER_ERRORS))


def connect_patiently() -> None:
    """Take this request's connection now, waiting for a restarting database a little."""
    pause = FIRST_PAUSE
    for _ in range(current_app.config.get("DB_RETRIES", 2)):
        try:
            db.session.connection()
            return
        except Exception as error:
            if not _database_unreachable(error):
                raise
            current_app.logger.warning("The database cannot be reached (%s); trying again in %.1f s.",
                                       type(error).__name__, pause)
            db.session.rollback()
            db.engine.dispose()  # pooled connections may all be dead: the next checkout opens fresh ones
            time.sleep(pause)
            pause *= 2
    db.session.connection()  # the last try: a failure now is the request's 500, as before


def init_app(app: Flask) -> None:
    @app.before_request
    def _connect_first():
        if request.endpoint != "static":  # stylesheets and icons never touch the database
            connect_patiently()
