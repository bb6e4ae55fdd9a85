"""Several app servers on one PostgreSQL: a PDF uploaded through one is read through the other,
and the daily commands run on both at once tell everyone once.

Two real gunicorn servers, each with its own empty instance folder, share DATABASE_URL,
SECRET_KEY and PUBLIC_URL, as servers behind a proxy do. Then every daily command runs twice at
the same moment (one process per server), as cron on every server would. The last tests pin the
two races that cron on two servers could lose, with the second server held at the lock.
"""
from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path

import pytest
import requests
from sqlalchemy import delete, func, select, text

from bench.run import served
from groups_app.core.mail import OutgoingMail, outbox_messages
from groups_app.core.notify import Notice
from groups_app.core.timeutil import local_now, program_zone, utcnow
from groups_app.extensions import db as _db
from groups_app.groups.models import Meeting
from groups_app.leaflets import services as leaflets
from groups_app.library.models import Hold, Loan
from groups_app.library.services import circulation
from groups_app.visits.services import concerns
from tests.conftest import PASSWORD, add_members, make_book, make_copy, make_group, make_user
from tests.leaflets.test_stored_pdfs import real_pdf

URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not URL.startswith("postgresql"),
    reason="several app servers share one PostgreSQL: set TEST_DATABASE_URL to a PostgreSQL database (CI does); "
           "SQLite serves one machine")

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SECRET = secrets.token_hex(32)
PUBLIC = "http://groups.example.test"
# The daily commands of every feature (see each feature's commands.py), and the mail sender last.
DAILY = [("library", "remind"), ("groups", "extend"), ("groups", "remind-tomorrow"), ("visits", "escalate"),
         ("visits", "remind"), ("mail", "send")]


def _env(instance: Path) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("MAIL_", "OUTBOX_", "LEAFLET_", "GROUPS_APP_"))}
    env.update(DATABASE_URL=URL, SECRET_KEY=SECRET, PUBLIC_URL=PUBLIC, INSTANCE_PATH=str(instance),
               PYTHONPATH=str(ROOT), TEXT_REMINDER_TIME="00:00")  # the day-before reminders go whenever it runs
    return env


@contextmanager
def _server(instance: Path):
    """A gunicorn app server (2 workers, as the benchmark serves) with its own empty instance folder."""
    instance.mkdir(parents=True)
    with served("groups_app:create_app()", _env(instance), instance.parent / f"{instance.name}-gunicorn.log") as base:
        yield base


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _sign_in(base: str, user) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/login", timeout=30)
    answer = browser.post(f"{base}/login", data={"identifier": user.email, "password": PASSWORD,
                                                 "csrf_token": _csrf(page.text)}, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:300]
    return browser


def _run_on_both(instances: list[Path], command: tuple[str, str]) -> list[str]:
    """The same command on every server at the same moment, as cron on each would start it."""
    processes = [subprocess.Popen([str(BIN / "flask"), "--app", "groups_app", *command], env=_env(instance),
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for instance in instances]
    outputs = []
    for process in processes:
        out, _ = process.communicate(timeout=180)
        outputs.append(out.decode())
        assert process.returncode == 0, f"flask {' '.join(command)} failed on one server:\n{out.decode()}"
    return outputs


def _commands(app) -> set[tuple[str, str]]:
    """The commands this app has (a feature may not have every daily command yet)."""
    names = set()
    for group, sub in DAILY:
        cli_group = app.cli.commands.get(group) or next(
            (c for c in app.cli.commands.values() if getattr(c, "name", None) == group), None)
        if cli_group is not None and sub in getattr(cli_group, "commands", {}):
            names.add((group, sub))
    return names


def _program():
    """A program with work for every daily command: loans due soon and overdue, a hold that waited
    too long with another mother behind, a concern nobody acknowledged, a group whose coming
    meetings are still to be made."""
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    mothers = [make_user("mother", name=f"Mother {n}") for n in range(16)]
    add_members(group, *mothers)
    book = make_book()
    due_soon, overdue = mothers[:6], mothers[6:12]
    for n, mother in enumerate(due_soon + overdue):
        make_copy(book, group, f"WA-{n}")
        circulation.checkout(f"WA-{n}", group, mother, by=facilitator)
    now = utcnow()
    for loan in _db.session.scalars(select(Loan)):
        loan.due_at = now + timedelta(days=2) if loan.user_id in {m.id for m in due_soon} else now - timedelta(days=3)
    held_book = make_book("Baby's first year")
    make_copy(held_book, group, "BF-1")
    lapsing, next_in_line = mothers[12], mothers[13]
    circulation.place_hold(held_book, group, lapsing)  # the copy is set aside for her at once
    circulation.place_hold(held_book, group, next_in_line)
    hold = _db.session.scalar(select(Hold).where(Hold.user_id == lapsing.id))
    hold.ready_until = now - timedelta(days=1)
    from tests.visits.conftest import make_case, make_volunteer

    volunteer = make_volunteer()
    coordinators = [make_user("coordinator", name=f"Coordinator {n}") for n in range(2)]
    tomorrow = local_now(program_zone()).date() + timedelta(days=1)
    at_ten = datetime.combine(tomorrow, time_of_day(10), tzinfo=program_zone())
    visited = make_case(volunteer=volunteer, languages=("en",), next_visit_at=at_ten.astimezone(UTC))  # comes tomorrow
    concern = concerns.raise_concern(visited, "mother", "Worried.", by=volunteer.user)
    concern.raised_at = now - timedelta(hours=30)
    meetings = _db.session.scalar(select(func.count(Meeting.id)).where(Meeting.group_id == group.id))
    _db.session.execute(delete(Meeting).where(Meeting.group_id == group.id, Meeting.starts_at > now + timedelta(days=8)))
    coming = _db.session.scalars(select(Meeting).where(Meeting.group_id == group.id, Meeting.starts_at > now)
                                 .order_by(Meeting.starts_at)).all()
    if not any(local_now(program_zone()).date() < m.starts_at.astimezone(program_zone()).date() == tomorrow
               for m in coming):
        coming[0].starts_at = at_ten.astimezone(UTC)  # the group meets tomorrow: its members are reminded
    _db.session.commit()
    return dict(group=group, due_soon=due_soon, overdue=overdue, lapsing=lapsing, next_in_line=next_in_line,
                coordinators=coordinators, meetings=meetings, members=mothers, visited=visited.mother)


def test_two_app_servers_share_files_and_run_the_daily_commands_once(app, db, tmp_path, capsys):
    staff, mother = make_user("staff"), make_user("mother")
    leaflets.save_leaflet(None, "good-latch", ["breastfeeding"], [], "en", by=staff)
    pdf = real_pdf("uploaded through server A")
    program = _program()
    first_notice = db.session.scalar(select(func.max(Notice.id))) or 0
    first_mail = db.session.scalar(select(func.max(OutgoingMail.id))) or 0
    instances = [tmp_path / "server-a", tmp_path / "server-b"]

    with ExitStack() as stack:
        a, b = (stack.enter_context(_server(instance)) for instance in instances)
        # Staff upload the PDF through server A's form, with its CSRF token...
        desk = _sign_in(a, staff)
        form = desk.get(f"{a}/leaflets/good-latch/en/edit", timeout=30)
        saved = desk.post(f"{a}/leaflets/good-latch/en/edit", allow_redirects=False, timeout=30, data={
            "csrf_token": _csrf(form.text), "title": "A good latch", "action": "publish",
            "body": "Bring baby to the breast.\n\n## Sources\n- https://example.org"},
            files={"pdf": ("latch.pdf", pdf, "application/pdf")})
        assert saved.status_code == 302, saved.text[:500]
        # ...and a mother reads it through server B, which never saw the upload.
        reader = _sign_in(b, mother)
        download = reader.get(f"{b}/leaflets/good-latch/en.pdf", timeout=30)
        assert download.status_code == 200 and download.content == pdf
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        again = reader.get(f"{b}/leaflets/good-latch/en.pdf", headers={"If-None-Match": download.headers["ETag"]},
                           timeout=30)
        assert again.status_code == 304
        # Her session, made on A, holds on B too (sessions live in the database, signed with one key).
        assert desk.get(f"{b}/leaflets/board", timeout=30).status_code == 200
    assert not [p for instance in instances for p in instance.rglob("*.pdf")]  # nothing on either disk

    ran = _commands(app)
    for command in DAILY:
        if command in ran:
            _run_on_both(instances, command)

    db.session.expire_all()
    notices = db.session.execute(select(Notice.user_id, Notice.subject).where(Notice.id > first_notice)).all()
    mails = db.session.scalars(select(OutgoingMail).where(OutgoingMail.id > first_mail)).all()
    twice = sum(n - 1 for n in Counter(notices).values() if n > 1)
    twice += sum(n - 1 for n in Counter((m.to, m.subject) for m in mails).values() if n > 1)
    with capsys.disabled():
        print(f"\nFIGURE reminders sent twice by two servers: {twice}")
    assert twice == 0

    told = Counter(notices)
    for person in program["due_soon"]:
        assert told[(person.id, "A library book is due soon")] == 1
    for person in program["overdue"]:
        assert told[(person.id, "A library book is overdue")] == 1
    assert told[(program["lapsing"].id, "Your hold has lapsed")] == 1
    assert told[(program["next_in_line"].id, "Your book is waiting for you")] == 1
    for person in program["coordinators"]:
        assert told[(person.id, "A concern was not acknowledged in time")] == 1
    for person in program["members"]:
        assert told[(person.id, "Your group meets tomorrow")] == 1
    assert told[(program["visited"].id, "Your volunteer visits you tomorrow")] == 1
    assert db.session.scalar(select(func.count(Meeting.id)).where(Meeting.group_id == program["group"].id)) \
        == program["meetings"]
    # Every queued message left exactly once, from one server or the other.
    queued = db.session.scalars(select(OutgoingMail)).all()
    assert mails and all(m.status == "sent" for m in queued)
    written = [m for instance in instances for m in outbox_messages(str(instance / "outbox"))]
    assert len(written) == len(queued)
    assert Counter((m.to, m.subject) for m in written) == Counter((m.to, m.subject) for m in queued)


# ---- the races, pinned: the second server reaches the lock while the first holds it -----------------

def _in_own_context(app, work):
    with app.app_context():
        try:
            return work()
        finally:
            _db.session.remove()


def _waiting_for_locks(count: int, timeout: float = 15) -> None:
    """Wait until `count` sessions of this database wait for a row lock."""
    deadline = time.monotonic() + timeout
    with _db.engine.connect() as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                           "AND wait_event_type = 'Lock'")).scalar()
            watcher.rollback()
            if waiting >= count:
                return
            time.sleep(0.05)


def _both_at_once(app, lock_sql: str, params: dict, work):
    """Run `work` on two "servers" (threads with their own sessions) that both reach the lock a
    third transaction holds; release it; return both results."""
    holder = _db.engine.connect()
    holder.execute(text(lock_sql), params)
    try:
        with ThreadPoolExecutor(2) as pool:
            runs = [pool.submit(_in_own_context, app, work) for _ in range(2)]
            _waiting_for_locks(2)
            holder.rollback()
            return [run.result(timeout=60) for run in runs]
    finally:
        holder.close()


def test_two_servers_lapsing_the_same_hold_at_once_tell_each_mother_once(app, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    lapsing, next_in_line = (make_user("mother") for _ in range(2))
    add_members(group, lapsing, next_in_line)
    book = make_book()
    copy = make_copy(book, group, "WA-1")
    for mother in (lapsing, next_in_line):
        circulation.place_hold(book, group, mother)
    hold = db.session.scalar(select(Hold).where(Hold.user_id == lapsing.id))
    hold.ready_until = utcnow() - timedelta(hours=1)
    db.session.commit()
    before = db.session.scalar(select(func.max(Notice.id)))

    results = _both_at_once(app, "SELECT id FROM books WHERE id = :id FOR UPDATE", {"id": book.id},
                            circulation.lapse_holds)

    assert sorted(results) == [0, 1]
    told = Counter(db.session.execute(select(Notice.user_id, Notice.subject).where(Notice.id > before)).all())
    assert told == {(lapsing.id, "Your hold has lapsed"): 1, (next_in_line.id, "Your book is waiting for you"): 1}
    db.session.expire_all()
    served = db.session.scalar(select(Hold).where(Hold.user_id == next_in_line.id))
    assert served.status == "ready" and served.copy_id == copy.id
    assert db.session.get(type(copy), copy.id).status == "set_aside"  # not put back on the shelf by the second


def test_two_servers_sending_loan_reminders_at_once_send_each_once(app, db):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    mothers = [make_user("mother") for _ in range(4)]
    add_members(group, *mothers)
    book = make_book()
    for n, mother in enumerate(mothers):
        make_copy(book, group, f"WA-{n}")
        circulation.checkout(f"WA-{n}", group, mother, by=facilitator)
    for n, loan in enumerate(db.session.scalars(select(Loan).order_by(Loan.id))):
        loan.due_at = utcnow() + (timedelta(days=1) if n % 2 else -timedelta(days=2))
    db.session.commit()
    ids = [loan.id for loan in db.session.scalars(select(Loan))]

    results = _both_at_once(app, "SELECT id FROM loans WHERE id = ANY(:ids) FOR UPDATE", {"ids": ids},
                            circulation.send_reminders)

    assert sorted(sum(r.values()) for r in results) == [0, 4]
    told = Counter(db.session.execute(select(Notice.user_id, Notice.subject)).all())
    assert sorted(told.values()) == [1, 1, 1, 1] and {user for user, _ in told} == {m.id for m in mothers}
    mailed = Counter(db.session.scalars(select(OutgoingMail.to)))
    assert sorted(mailed.values()) == [1, 1, 1, 1]


def test_two_servers_extending_the_schedule_at_once_make_each_meeting_once(app, db):
    from groups_app.groups.services.meetings import extend_all

    group = make_group(make_user("facilitator"))
    planned = db.session.scalar(select(func.count(Meeting.id)).where(Meeting.group_id == group.id))
    db.session.execute(delete(Meeting).where(Meeting.group_id == group.id, Meeting.starts_at > utcnow() + timedelta(days=8)))
    db.session.commit()

    results = _both_at_once(app, "SELECT id FROM groups WHERE id = :id FOR UPDATE", {"id": group.id}, extend_all)

    assert min(results) == 0 and max(results) > 0  # the second found them made: no unique-index crash
    assert db.session.scalar(select(func.count(Meeting.id)).where(Meeting.group_id == group.id)) == planned
