"""Fixtures: one migrated database per test run, emptied after every test.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL is set, so
that the same suite runs on both. (Never DATABASE_URL: the tests empty the database they use.)
"""
from __future__ import annotations

import os
import re
import secrets
import threading
from contextlib import contextmanager
from datetime import date, datetime

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text

from groups_app import create_app
from groups_app.accounts.auth import hash_password
from groups_app.accounts.models import User, UserRole
from groups_app.core.places import import_localities
from groups_app.core.timeutil import set_clock
from groups_app.extensions import db as _db

PASSWORD = "a quiet cup of tea"
ROLE_NAMES = ("mother", "facilitator", "volunteer", "coordinator", "staff", "admin")
KEEP_TABLES = {"localities", "alembic_version"}  # reference data loaded once per run


def _test_clock() -> datetime | None:
    """GROUPS_APP_TEST_CLOCK=2026-12-31T22:30:00+00:00 runs every test with the app's clock stopped
    there (a test that sets its own clock still wins), to find tests that pass only on some dates."""
    value = os.environ.get("GROUPS_APP_TEST_CLOCK", "").strip()
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise pytest.UsageError(f"GROUPS_APP_TEST_CLOCK needs a zone, as in 2026-12-31T22:30:00+00:00: {value!r}")
    return moment


TEST_CLOCK = _test_clock()


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (so its own `g` and database session), as in
    production; otherwise requests would share the context the test itself runs in."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_test_app(database_url: str, instance_path: str, **overrides):
    os.environ["INSTANCE_PATH"] = instance_path
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast in tests; production uses scrypt
        "OUTBOX_DIR": os.path.join(instance_path, "outbox"),
        "MAIL_SERVER": "",
        "SERVER_NAME": None,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = FreshContextClient
    set_clock(app, TEST_CLOCK)
    return app


@pytest.fixture(scope="session")
def _session_app(tmp_path_factory):
    instance = str(tmp_path_factory.mktemp("instance"))
    url = _database_url(tmp_path_factory)
    app = make_test_app(url, instance)
    with app.app_context():
        if url.startswith("postgresql"):
            with _db.engine.begin() as conn:  # a leftover schema from an earlier run
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        import_localities(__import__("pathlib").Path(app.config["LIBRARY_DIR"]) / "localities.csv")
        app.extensions["tests.localities"] = _localities(app)
    return app


def _localities(app) -> list[tuple]:
    """Every kept locality as it is now: the run's reference data, which no test may leave changed."""
    with app.app_context(), _db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text("SELECT * FROM localities ORDER BY id"))]


def _empty_tables(app) -> None:
    with app.app_context():
        _db.session.remove()
        tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
        with _db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(t.name for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())
            # Every version goes with the facts it versions; the localities stay, so they have one, as a
            # program's database has from migration 0025 or its first import on (fresh: some tests
            # empty data_versions by hand)
            conn.execute(text("INSERT INTO data_versions (name, n) VALUES ('localities', :n)"),
                         {"n": secrets.randbits(62)})


@pytest.fixture
def app(_session_app, tmp_path):
    app = _session_app
    app.config["OUTBOX_DIR"] = str(tmp_path / "outbox")
    app.config["WTF_CSRF_ENABLED"] = False
    set_clock(app, TEST_CLOCK)  # None (the clock running) unless GROUPS_APP_TEST_CLOCK is set
    with app.app_context():
        yield app
        _db.session.remove()
    set_clock(app, None)  # whatever this test set, the next one starts with the clock running
    _empty_tables(app)
    # The localities are kept from test to test: one left changed passes or fails the tests after
    # it by their order (tests/groups/test_feed_rows_kept.py once put an Arabic name back wrong)
    assert _localities(app) == app.extensions["tests.localities"], "this test left a locality changed"


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


# ---- factories -----------------------------------------------------------------------------

_counter = {"n": 0}


def make_user(*roles: str, name: str | None = None, language: str = "en", email: str | None = None,
              phone: str | None = None, password: str = PASSWORD, **fields) -> User:
    _counter["n"] += 1
    n = _counter["n"]
    if phone and "phone_confirmed_at" not in fields:  # a test's phone is hers unless it says otherwise
        from groups_app.core.timeutil import utcnow

        fields["phone_confirmed_at"] = utcnow()
    user = User(
        name=name or f"Person {n}",
        email=email if (email or phone) else f"person{n}@example.org",
        phone=phone,
        language=language,
        password_hash=hash_password(password),
        **fields,
    )
    user.roles = [UserRole(role=r) for r in (roles or ("mother",))]
    _db.session.add(user)
    _db.session.commit()
    return user


def deliver_mail(now=None):
    """Send the queued mail now, as `flask mail send` would (to the outbox folder in tests), in the
    test's app context; it commits what the test left pending, as the end of a request would."""
    from groups_app.core.mail import deliver_due

    return deliver_due(now=now)


def make_mother(**fields) -> User:
    return make_user("mother", **fields)


def login(client, user: User, password: str = PASSWORD, remember: bool = False):
    response = client.post("/login", data={"identifier": user.email or user.phone, "password": password,
                                           "remember": "y" if remember else ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@contextmanager
def count_queries(engine):
    """Counts the SQL statements run inside the block: `with count_queries(db.engine) as n: ...; n()`;
    `n.statements` holds their text."""
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement):
            statements.append(statement)

    def counted() -> int:
        return len(statements)

    counted.statements = statements
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", before)


@contextmanager
def assert_max_queries(engine, n: int):
    with count_queries(engine) as counted:
        yield
    assert counted() <= n, f"{counted()} queries, expected at most {n}"


def today() -> date:
    """Today on the program's calendar by the app's clock, never the server's date."""
    from groups_app.core.timeutil import today as clock_today

    return clock_today()


def locality(name_en: str = "Beersheba"):
    from sqlalchemy import select

    from groups_app.core.places import Locality

    return _db.session.scalar(select(Locality).where(Locality.name_en == name_en))


def make_group(*facilitators: User, name: str = "Beersheba mornings", place: str = "Beersheba", by: User | None = None,
               **overrides):
    """A group through the service, so that its meetings are generated as in real use.

    It meets at 10:00 in Israel, on Tuesdays when the test has stopped the app's clock itself (the
    moments such tests stop it at are written for Tuesday groups). Otherwise (the clock running, or
    stopped for the whole suite by GROUPS_APP_TEST_CLOCK) it meets three days after today in Israel,
    so that its next meeting is days ahead whatever day and hour the tests run at: a Tuesday
    group's meeting is under way on Tuesday mornings (it can no longer be cancelled or planned, and
    its attendance is open), which made tests that take "the next meeting" fail then. Pass
    `weekday` to fix the day."""
    from datetime import time

    from flask import current_app

    from groups_app.core.timeutil import today
    from groups_app.groups.services.groups import GroupFields, create_group

    stopped_here = current_app.extensions.get("groups_app.clock") not in (None, TEST_CLOCK)  # core.timeutil.set_clock
    weekday = 1 if stopped_here else (today("Asia/Jerusalem").weekday() + 3) % 7
    values = dict(name=name, description="", venue_kind="community_centre", address="Community centre, main hall",
                  locality_id=locality(place).id, languages=["he", "ar"], frequency="weekly", weekday=weekday,
                  start_time=time(10, 0), duration_minutes=90, timezone="Asia/Jerusalem", capacity=12, open=True,
                  facilitator_ids=[f.id for f in facilitators])
    values.update(overrides)
    return create_group(GroupFields(**values), by=by or make_user("coordinator"))


def add_members(group, *mothers):
    from groups_app.groups.models import Membership

    for mother in mothers:
        _db.session.add(Membership(group_id=group.id, user_id=mother.id, status="member"))
    _db.session.commit()


def past_meeting(group, days_ago: int = 1, **fields):
    """A meeting that already happened (the schedule only makes future ones)."""
    from datetime import timedelta

    from groups_app.core.timeutil import utcnow
    from groups_app.groups.models import Meeting

    meeting = Meeting(group_id=group.id, starts_at=utcnow() - timedelta(days=days_ago, hours=2),
                      duration_minutes=90, **fields)
    _db.session.add(meeting)
    _db.session.commit()
    return meeting


def make_book(title: str = "The Womanly Art of Breastfeeding", language: str = "en", **fields):
    from groups_app.library.models import Book

    book = Book(title=title, authors=fields.pop("authors", "La Leche League International"), language=language,
                source="https://example.org/seen-here", **fields)
    _db.session.add(book)
    _db.session.commit()
    return book


def make_copy(book, group, code: str, status: str = "on_shelf"):
    from groups_app.library.models import Copy

    copy = Copy(book_id=book.id, group_id=group.id, code=code, status=status)
    _db.session.add(copy)
    _db.session.commit()
    return copy


@pytest.fixture
def english_by_default(app):
    """These tests read the English messages: outside a request, and for a visitor whose browser
    names no language, speak English here (the program's default, Hebrew, is tested elsewhere)."""
    from flask_babel import refresh

    before = app.config["BABEL_DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    refresh()
    yield
    app.config["BABEL_DEFAULT_LOCALE"] = before
    refresh()


def at_once(app, *calls, timeout: float = 60) -> list:
    """Run each call in its own thread, with its own app context and so its own session and
    connection (as two app servers or two workers would), all released at the same moment.
    Returns what each call returned, in order; an error in any call is raised here."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                try:
                    results[index] = call()
                finally:
                    _db.session.remove()
        except BaseException as error:  # noqa: BLE001 - raised in the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if errors:
        raise errors[0]
    return results
