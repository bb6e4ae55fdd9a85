"""A request that only read ends with COMMIT on PostgreSQL, so that psycopg keeps its prepared
statements (a ROLLBACK makes it forget them all); anything that wrote, failed or waits to be flushed
ends with a rollback as before, and SQLite is left alone."""
from __future__ import annotations

import os

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event, func, select, update

from groups_app.accounts.models import User
from groups_app.core.read_only_end import end_read_only
from tests.conftest import login, make_mother

POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")


def test_a_request_that_only_read_commits_on_postgresql_and_not_on_sqlite(app, db):
    make_mother(name="Amal")
    with app.app_context():  # a context of its own, as a request has: its own session
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
        assert db.session().in_transaction()
        connection = db.session().connection()
        assert end_read_only() is POSTGRESQL
        if POSTGRESQL:  # the database's transaction ended with COMMIT; the rollback that follows sends nothing
            assert connection.connection.dbapi_connection.info.transaction_status == TransactionStatus.IDLE


def test_what_the_request_loaded_stays_readable_after_it_ends(app, db):
    """A streamed answer reads her account after the request's end: nothing it loaded is expired."""
    mother = make_mother(name="Amal")
    with app.app_context():
        her = db.session.get(User, mother.id)
        end_read_only()
        db.session.remove()  # what Flask-SQLAlchemy does next
        assert (her.name, her.active) == ("Amal", True)


def test_a_transaction_that_wrote_is_rolled_back_at_the_end_and_keeps_nothing(app, db):
    mother = make_mother(name="Amal")
    with app.app_context():
        db.session.scalar(select(User.name).where(User.id == mother.id))
        db.session.execute(update(User).where(User.id == mother.id).values(name="Changed, never committed"))
        assert end_read_only() is False
    db.session.expire_all()
    assert db.session.scalar(select(User.name).where(User.id == mother.id)) == "Amal"


def test_a_request_that_failed_or_left_changes_unflushed_is_not_committed(app, db):
    mother = make_mother(name="Amal")
    with app.app_context():
        db.session.scalar(select(User.name).where(User.id == mother.id))
        assert end_read_only(RuntimeError("the view raised")) is False
        assert db.session().in_transaction()
    with app.app_context():
        her = db.session.get(User, mother.id)
        her.name = "Changed, never flushed"
        assert end_read_only() is False
    db.session.expire_all()
    assert db.session.get(User, mother.id).name == "Amal"


def test_without_a_session_or_a_transaction_there_is_nothing_to_end(app, db):
    with app.app_context():
        assert end_read_only() is False  # no session was made
    with app.app_context():
        db.session()
        assert end_read_only() is False  # a session that never began


@pytest.mark.skipif(not POSTGRESQL, reason="PostgreSQL only: psycopg's prepared statements")
def test_a_page_read_again_and_again_runs_on_prepared_statements(app, db):
    mother = make_mother()
    client = app.test_client()
    login(client, mother)
    # A burst left the pool several idle connections (as tests that run two servers' work in threads
    # do): a quiet worker keeps taking the one it returned last, whose statements stay prepared
    burst = [db.engine.connect() for _ in range(4)]
    for connection in burst:
        connection.close()
    connections = set()

    def used(conn, cursor, statement, parameters, context, executemany):
        connections.add(conn.connection.dbapi_connection)

    event.listen(db.engine, "before_cursor_execute", used)
    try:
        for _ in range(12):
            assert client.get("/").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", used)
    prepared = []
    for connection in connections:  # idle in the pool, between transactions
        prepared.append(connection.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()[0])
        connection.rollback()
    assert max(prepared) >= 3  # her session's user, her home's statements
    assert len(connections) == 1  # the pool's last returned, each time (config._pool: LIFO)


def test_prepared_statements_can_be_turned_off_for_a_pooler(monkeypatch):
    from groups_app.config import _prepared

    monkeypatch.delenv("DB_PREPARED_STATEMENTS", raising=False)
    assert _prepared("postgresql+psycopg://u:p@h/db") == {}
    monkeypatch.setenv("DB_PREPARED_STATEMENTS", "0")
    assert _prepared("postgresql+psycopg://u:p@h/db") == {"connect_args": {"prepare_threshold": None}}
    assert _prepared("sqlite:////tmp/x.sqlite") == {}


def test_the_engine_options_follow_the_database_the_app_is_given(monkeypatch, tmp_path):
    from groups_app import create_app
    from groups_app.config import engine_options

    assert engine_options("postgresql+psycopg://u:p@h/db") == {"pool_pre_ping": True, "pool_use_lifo": True}
    assert engine_options("sqlite:////tmp/x.sqlite") == {"pool_pre_ping": True}
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:p@h/db")  # the environment names one database...
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite", "SECRET_KEY": "x" * 40})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}  # ...the app is given another


def test_a_streamed_csv_read_after_its_request_ended_still_reads_her_account(app, db, tmp_path):
    """The attendance CSV streams: its lines are written after the view returned, and, with a client
    whose requests each push their own context (the benchmark's), after the request's end."""
    from flask.testing import FlaskClient

    from tests.conftest import PASSWORD, make_group, make_test_app, make_user

    make_group(name="Rahat mornings", place="Rahat")
    coordinator = make_user("coordinator", language="en")
    other_app = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path))  # no context of ours around it
    client = FlaskClient(other_app, other_app.response_class, use_cookies=True)
    assert client.post("/login", data={"identifier": coordinator.email, "password": PASSWORD}).status_code == 302
    answer = client.get("/coordinator/attendance.csv")
    assert answer.status_code == 200 and "Rahat mornings" in answer.get_data(as_text=True)


@pytest.mark.skipif(not POSTGRESQL, reason="PostgreSQL only: the connection's own COMMIT")
def test_a_commit_that_fails_never_raises_so_the_session_is_still_removed(app, db, monkeypatch):
    """The database went away after the request's last statement: ending it must not raise, or Flask
    would skip Flask-SQLAlchemy's teardown and a later request could find this session, dead."""
    import psycopg

    make_mother(name="Amal")
    context = app.app_context()
    context.push()
    try:
        db.session.scalar(select(func.count()).select_from(User))
        dbapi = db.session().connection().connection.dbapi_connection

        def gone():
            raise psycopg.OperationalError("server closed the connection unexpectedly")

        monkeypatch.setattr(dbapi, "commit", gone)
        assert end_read_only() is False
    finally:
        context.pop()  # runs end_read_only again, then Flask-SQLAlchemy's removal: neither raises
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
