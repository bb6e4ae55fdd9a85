"""On PostgreSQL, a request that only read ends its transaction with COMMIT, not ROLLBACK, so that
the statements it ran stay prepared on its pooled connection.

psycopg prepares a statement on the server once a connection has run it five times (its
`prepare_threshold`), so that PostgreSQL plans it once instead of on every run: for the pages'
statements, which join five or six tables, planning took 0.5 to 0.9 ms against 0.1 to 0.4 ms of
running them. But psycopg forgets every prepared statement at a ROLLBACK (it cannot know what a
rolled-back transaction left prepared), and every request ended with one: Flask-SQLAlchemy closes the
session, which rolls back, and the pool rolls back each connection it takes back. No statement ever
reached its fifth run.

For a transaction that ran nothing but reads, COMMIT and ROLLBACK do the same to the data
(nothing); only psycopg's memory differs. So at the end of a request that raised nothing, if every
statement of the session's transaction was a read (a SELECT, or a WITH that changes nothing) and
nothing is waiting to be flushed, the connection itself commits (psycopg's `commit()`, under
SQLAlchemy): the rollback that follows, from the session and the pool, then finds no transaction
and sends nothing. The session is not committed: that would expire the objects it loaded, and a
streamed answer (the attendance CSV) still reads her account after this point. Any other request
ends as before, with a rollback (a request that failed after writing keeps nothing of it). SQLite
is left alone: its driver keeps its own statement cache whatever ends a transaction.

With PgBouncer in transaction mode in front of PostgreSQL, prepared statements need its
`max_prepared_statements` (1.21 or later), or DB_PREPARED_STATEMENTS=0 (config.py) turns them off.
"""
from __future__ import annotations

import re

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from ..extensions import db

_WROTE = "groups_app.wrote"  # Connection.info: the transaction ran a statement other than a read
_CONNECTION = "groups_app.connection"  # Session.info: the connection of its transaction (the app has one database)


@event.listens_for(Session, "after_begin")
def _session_connected(session: Session, transaction, connection: Connection) -> None:
    session.info[_CONNECTION] = connection


@event.listens_for(Engine, "begin")
def _transaction_begins(conn: Connection) -> None:
    conn.info[_WROTE] = False


@event.listens_for(Engine, "before_cursor_execute")
def _statement(conn: Connection, cursor, statement: str, parameters, context, executemany) -> None:
    if not conn.info.get(_WROTE) and not _reads_only(statement):
        conn.info[_WROTE] = True


# The words of a statement that changes data; in a WITH, each data-changing part names one (a column
# such as updated_at does not match: the word must end there). A read that happens to match is only
# rolled back, as before.
_CHANGES = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def _reads_only(statement: str) -> bool:
    """True for a SELECT, and for a WITH none of whose parts changes data (the attendance report's
    counts: counted as a write, every refresh of the report rolled back and made psycopg forget every
    statement prepared on that connection). Anything else is a write."""
    head = statement.lstrip()[:6].upper()
    return head == "SELECT" or (head[:4] == "WITH" and not _CHANGES.search(statement))


def end_read_only(error: BaseException | None = None) -> bool:
    """End the session's transaction with COMMIT when it only read, on PostgreSQL; True when it did."""
    if error is not None or not db.session.registry.has():
        return False
    session = db.session()
    connection = session.info.pop(_CONNECTION, None)
    if (connection is None or connection.closed or not connection.in_transaction()
            or connection.dialect.name != "postgresql" or connection.info.get(_WROTE, True)
            or session.new or session.dirty or session.deleted):
        return False
    try:
        connection.connection.dbapi_connection.commit()  # the session and its objects stay as they are
    except Exception as error:  # noqa: BLE001  # the server went away since the last statement
        # Never raise from here: Flask would skip the teardowns after this one, and the session would
        # outlive its request with a dead connection (a later context at the same address takes it)
        current_app.logger.warning("Ending a read-only request with COMMIT failed (%s); it rolls back instead.",
                                   type(error).__name__)
        return False
    return True


def init_app(app: Flask) -> None:
    # Registered after Flask-SQLAlchemy's own teardown, so it runs before it (Flask runs them last first)
    app.teardown_appcontext(end_read_only)
