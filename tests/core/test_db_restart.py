"""PostgreSQL restarted under load: once it answers again no request fails, and no acknowledged
write is lost.

Never the shared cluster (other engineers and CI's own database use it): the test makes a
throw-away cluster of its own (initdb as the `postgres` user, a free port, sockets in a temporary
folder), serves the app from it with gunicorn (2 workers), drives signed-in pages and questions
for a meeting from threads, stops and starts the cluster in the middle, and removes it at the end,
even on failure.
"""
from __future__ import annotations

import http.cookiejar
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import event, exc, func, select

from bench.run import free_port
from bench.run import served as served_by_gunicorn
from groups_app.accounts.models import UserSession
from groups_app.core import db_retry
from groups_app.demo import DEMO_DOMAIN, DEMO_PASSWORD
from groups_app.extensions import db
from tests.conftest import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_ROOT = Path("/usr/lib/postgresql")
SECRET = "restart-test-secret-not-for-production-use"
THREADS = 4
BEFORE_SECONDS, AFTER_SECONDS = 2.0, 4.0

postgresql_only = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL only: a restart of SQLite means nothing (set TEST_DATABASE_URL to run it)",
)


# ---- the retry alone, on either database ------------------------------------------------------

class _Unreachable:
    """db.session.connection() failing `times` times as a restarting server makes it fail."""

    def __init__(self, monkeypatch, times: int, error: Exception | None = None):
        self.calls, self.times = 0, times
        self.error = error or exc.OperationalError("connect", {}, Exception("Connection refused"))
        self.real = db.session.connection
        self.pauses: list[float] = []
        monkeypatch.setattr(db.session, "connection", self)
        monkeypatch.setattr(db_retry.time, "sleep", self.pauses.append)

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls <= self.times:
            raise self.error
        return self.real(*args, **kwargs)


def test_a_request_that_cannot_connect_waits_and_connects_again(app, client, monkeypatch):
    unreachable = _Unreachable(monkeypatch, times=2)
    assert client.get("/").status_code == 200
    assert unreachable.calls == 3 and unreachable.pauses == [0.3, 0.6]


def test_a_database_still_down_after_the_retries_is_a_500(app, client, monkeypatch):
    unreachable = _Unreachable(monkeypatch, times=3)
    with pytest.raises(exc.OperationalError):  # TESTING lets the error through; served, it is the 500 page
        client.get("/")
    assert unreachable.calls == 3


def test_other_database_errors_are_not_tried_again(app, client, monkeypatch):
    unreachable = _Unreachable(monkeypatch, times=1, error=exc.ProgrammingError("SELECT", {}, Exception("syntax")))
    with pytest.raises(exc.ProgrammingError):
        client.get("/")
    assert unreachable.calls == 1 and unreachable.pauses == []


def test_a_statement_that_fails_later_in_a_request_is_never_tried_again(app, client, db, monkeypatch):
    """Past its first moment a request may have written something: its failure is the 500 page, once."""
    user = make_user("mother")
    pauses: list[float] = []
    monkeypatch.setattr(db_retry.time, "sleep", pauses.append)
    writes = []

    def fail_the_write(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO USER_SESSIONS"):
            writes.append(statement)
            raise exc.OperationalError(statement, {}, Exception("server closed the connection unexpectedly"))

    event.listen(db.engine, "before_cursor_execute", fail_the_write)
    try:
        with pytest.raises(exc.OperationalError):
            client.post("/login", data={"identifier": user.email, "password": PASSWORD})
    finally:
        event.remove(db.engine, "before_cursor_execute", fail_the_write)
    assert len(writes) == 1 and pauses == []
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_static_files_do_not_take_a_connection(app, client, monkeypatch):
    unreachable = _Unreachable(monkeypatch, times=99)
    assert client.get("/static/style.css").status_code == 200
    assert unreachable.calls == 0


# ---- a real restart, served by gunicorn ------------------------------------------------------

def _as_postgres(args: list[str]) -> list[str]:
    if pwd.getpwuid(os.geteuid()).pw_name == "postgres":
        return args
    return ["runuser", "-u", "postgres", "--", *args]


class ThrowawayCluster:
    """A PostgreSQL cluster of our own in a temporary folder, on a free port of 127.0.0.1."""

    def __init__(self):
        versions = sorted((p.name for p in PG_ROOT.iterdir() if (p / "bin" / "initdb").exists()), key=float) \
            if PG_ROOT.is_dir() else []
        if not versions:
            pytest.skip(f"no PostgreSQL server programs under {PG_ROOT}")
        if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
            pytest.skip("making a throw-away cluster needs root (to act as the postgres user) or the postgres user")
        self.bin = PG_ROOT / versions[-1] / "bin"
        self.folder = Path(tempfile.mkdtemp(prefix="groups_app_pg_"))
        self.data = self.folder / "data"
        self.port = free_port()
        postgres = pwd.getpwnam("postgres")
        os.chown(self.folder, postgres.pw_uid, postgres.pw_gid)
        self.url = f"postgresql+psycopg://groups_app:groups_app@127.0.0.1:{self.port}/groups_app_restart"

    def _run(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(_as_postgres(list(args)), capture_output=True, text=True, timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stdout}{done.stderr}{self.log_tail()}")
        return done.stdout

    def log_tail(self) -> str:
        log = self.folder / "server.log"
        return "\n" + log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def create(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth-local=trust",
                  "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        self.start()
        self.psql("CREATE ROLE groups_app LOGIN PASSWORD 'groups_app'")
        self.psql("CREATE DATABASE groups_app_restart OWNER groups_app")

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run(str(self.bin / "psql"), "-h", str(self.folder), "-p", str(self.port), "-U", "postgres",
                         "-d", database, "-qtAc", sql)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "start", "-w", "-D", str(self.data), "-l",
                  str(self.folder / "server.log"), "-o", options)

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "stop", "-w", "-m", mode, "-D", str(self.data))

    def restart(self) -> None:
        """Down and up again at once (`pg_ctl restart -m fast`), as an upgrade or a settings change does."""
        self._run(str(self.bin / "pg_ctl"), "restart", "-w", "-m", "fast", "-D", str(self.data), "-l",
                  str(self.folder / "server.log"))

    def answers(self) -> bool:
        done = subprocess.run([str(self.bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                              timeout=10)
        return done.returncode == 0

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(_as_postgres([str(self.bin / "pg_ctl"), "stop", "-w", "-m", "immediate", "-D",
                                         str(self.data)]), capture_output=True, timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def cluster():
    made = ThrowawayCluster()
    try:
        made.create()
        yield made
    finally:
        made.remove()


def _environment(url: str, instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GROUPS_APP_ENV", "FLASK_DEBUG", "TEST_DATABASE_URL")}
    env.update(DATABASE_URL=url, INSTANCE_PATH=str(instance), SECRET_KEY=SECRET, MAIL_SERVER="",
               OUTBOX_DIR=str(instance / "outbox"), PYTHONDONTWRITEBYTECODE="1")
    return env


def _flask(env: dict, *args: str) -> None:
    done = subprocess.run([str(BIN / "flask"), "--app", "groups_app", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"flask {' '.join(args)}: {done.stderr[-3000:]}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


@dataclass
class Answer:
    started: float
    ended: float
    what: str
    status: int
    text: str = ""  # the question sent, for a write


class Visitor:
    """One signed-in mother over HTTP, as her phone would be: cookies, the form's CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def call(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=15) as answer:
                return answer.status, answer.read().decode(errors="replace"), answer.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers.get("Location", "")
        except OSError:
            return 0, "", ""

    def sign_in(self) -> None:
        status, page, _ = self.call("/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, _, _ = self.call("/login", {"identifier": f"mother@{DEMO_DOMAIN}", "password": DEMO_PASSWORD,
                                            "csrf_token": token})
        assert status == 302, f"signing in answered {status}"


@pytest.fixture
def served(cluster, tmp_path):
    env = _environment(cluster.url, tmp_path)
    _flask(env, "db", "upgrade")
    _flask(env, "content", "import")
    _flask(env, "demo")
    log = tmp_path / "gunicorn.log"
    with served_by_gunicorn("groups_app:create_app()", env, log) as base:  # 2 workers, as the benchmark serves
        yield base, log


def _meeting_ahead(cluster) -> int:
    """Her group's next meeting but one: open for questions all through the test."""
    return int(cluster.psql(
        "SELECT m.id FROM meetings m JOIN memberships s ON s.group_id = m.group_id JOIN users u ON u.id = s.user_id"
        f" WHERE u.email = 'mother@{DEMO_DOMAIN}' AND m.status = 'scheduled' AND m.starts_at > now() + interval '1 day'"
        " ORDER BY m.starts_at LIMIT 1", database="groups_app_restart"))


PAGES = ("/", "/groups/", "/account/profile", "/thanks/", "/library/")


class Traffic:
    """THREADS phones at once, every fifth request a question for the facilitator; `quiet()` lets
    the requests under way finish and sends no more until `resume()`, so that the pools sit idle."""

    def __init__(self, visitor: Visitor, meeting_id: int, token: str):
        self.visitor, self.meeting_id, self.token = visitor, meeting_id, token
        self.answers: list[Answer] = []
        self.stop, self.go = threading.Event(), threading.Event()
        self.under_way = threading.Semaphore(THREADS)
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(THREADS)]

    def _run(self, number: int) -> None:
        n = 0
        while not self.stop.is_set():
            if not self.go.wait(timeout=0.1):
                continue
            n += 1
            with self.under_way:
                started = time.monotonic()
                if n % 5 == 0:
                    text = f"Question {number}-{n} asked while the database restarts"
                    status, _, where = self.visitor.call(f"/meetings/{self.meeting_id}/questions",
                                                         {"text": text, "csrf_token": self.token})
                    if status == 302 and f"/meetings/{self.meeting_id}" not in where:
                        status = -302  # sent elsewhere (to sign in again): not what she asked for
                    self.answers.append(Answer(started, time.monotonic(), "write", status, text))
                else:
                    path = PAGES[n % len(PAGES)]
                    status, _, _ = self.visitor.call(path)
                    self.answers.append(Answer(started, time.monotonic(), path, status))

    def __enter__(self):
        self.go.set()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.go.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def quiet(self) -> None:
        self.go.clear()
        for _ in range(THREADS):  # every request under way has finished
            self.under_way.acquire(timeout=30)
        for _ in range(THREADS):
            self.under_way.release()

    def resume(self) -> None:
        self.go.set()


def _succeeded(answer: Answer) -> bool:
    return answer.status == (302 if answer.what == "write" else 200)


def _restart_and_wait(cluster) -> tuple[float, float]:
    went_down = time.monotonic()
    cluster.restart()
    while not cluster.answers():
        time.sleep(0.02)
    return went_down, time.monotonic()


@postgresql_only
def test_no_request_fails_once_postgresql_answers_again(cluster, served, capsys):
    base, log = served
    meeting_id = _meeting_ahead(cluster)
    visitor = Visitor(base)
    visitor.sign_in()
    status, page, _ = visitor.call(f"/meetings/{meeting_id}")
    assert status == 200
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    for path in PAGES:  # every page answers before the test starts, and each worker has its pool
        for _ in range(3):
            assert visitor.call(path)[0] == 200, path

    with Traffic(visitor, meeting_id, token) as traffic:
        time.sleep(BEFORE_SECONDS)
        # Restarted in the middle of the traffic, then again while every pooled connection sits idle
        # (a restart at night: the morning's first requests meet connections the server has closed).
        down_1, back_1 = _restart_and_wait(cluster)
        time.sleep(AFTER_SECONDS)
        traffic.quiet()
        down_2, back_2 = _restart_and_wait(cluster)
        traffic.resume()
        time.sleep(AFTER_SECONDS)
    answers = traffic.answers

    before = [a for a in answers if a.ended < down_1]
    during = [a for a in answers if down_1 <= a.started < back_1 or down_2 <= a.started < back_2]
    after = [a for a in answers if back_1 <= a.started < down_2 or a.started >= back_2]
    failed_after = [a for a in after if not _succeeded(a)]
    with capsys.disabled():
        print(f"\nWhile PostgreSQL restarted under traffic ({back_1 - down_1:.1f} s): "
              f"{sum(not _succeeded(a) for a in during)} of {len(during)} requests failed")
        print(f"FIGURE errors after PostgreSQL is back: {len(failed_after)} of {len(after)}")
    assert all(_succeeded(a) for a in before), [(a.what, a.status) for a in before if not _succeeded(a)]
    assert len(after) >= 50, f"only {len(after)} requests after the restarts: the machine is too busy to tell"
    assert not failed_after, (sorted({(a.what, a.status) for a in failed_after}), log.read_text()[-4000:])

    acknowledged = {a.text for a in answers if a.what == "write" and a.status == 302}
    stored = set(cluster.psql(f"SELECT text FROM meeting_questions WHERE meeting_id = {meeting_id}",
                              database="groups_app_restart").splitlines())
    assert acknowledged and not acknowledged - stored, f"acknowledged but lost: {acknowledged - stored}"
