"""`make bench`: page timings on a program-sized data set, in a throw-away SQLite database.

Builds 60 groups with 20 mothers each, six months of held meetings with attendance, then
times the pages coordinators, facilitators and mothers open most. Prints the median and the
worst of several requests, and the number of SQL statements per request.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event, insert, select

GROUPS, MOTHERS_PER_GROUP, WEEKS = 60, 20, 26


def build(app):
    from groups_app.accounts.auth import hash_password
    from groups_app.accounts.models import User, UserRole
    from groups_app.core.places import Locality, import_localities
    from groups_app.core.timeutil import utcnow
    from groups_app.extensions import db
    from groups_app.groups.models import Attendance, Meeting, Membership
    from groups_app.groups.services.groups import GroupFields, create_group

    import_localities(Path(app.config["LIBRARY_DIR"]) / "localities.csv")
    places = db.session.scalars(select(Locality)).all()
    password = hash_password("bench password here")
    coordinator = User(name="Coordinator", email="coordinator@bench.example.org", password_hash=password,
                       roles=[UserRole(role="coordinator")])
    facilitator = User(name="Facilitator", email="facilitator@bench.example.org", password_hash=password,
                       roles=[UserRole(role="facilitator")])
    db.session.add_all([coordinator, facilitator])
    db.session.commit()
    from datetime import time as clock

    for g in range(GROUPS):
        group = create_group(GroupFields(
            name=f"Group {g}", description="", venue_kind="community_centre", address="Hall", locality_id=places[g % len(places)].id,
            languages=["he", "ar"], frequency="weekly", weekday=g % 7, start_time=clock(10), duration_minutes=90,
            timezone="Asia/Jerusalem", capacity=30, open=True, facilitator_ids=[facilitator.id] if g < 3 else []),
            by=coordinator)
        mothers = [User(name=f"Mother {g}-{n}", email=f"m{g}-{n}@bench.example.org", password_hash=password,
                        language="he", roles=[UserRole(role="mother")]) for n in range(MOTHERS_PER_GROUP)]
        db.session.add_all(mothers)
        db.session.flush()
        db.session.execute(insert(Membership), [{"group_id": group.id, "user_id": m.id, "status": "member"} for m in mothers])
        for week in range(1, WEEKS + 1):
            meeting = Meeting(group_id=group.id, starts_at=utcnow() - timedelta(weeks=week), duration_minutes=90)
            db.session.add(meeting)
            db.session.flush()
            db.session.execute(insert(Attendance), [{"meeting_id": meeting.id, "user_id": m.id}
                                                    for i, m in enumerate(mothers) if (i + week) % 3])
        db.session.commit()
    return coordinator, facilitator


def measure(client, engine, path: str, runs: int = 7) -> tuple[float, float, int]:
    counted = []
    event.listen(engine, "before_cursor_execute", lambda *a: counted.append(1))
    timings = []
    for _ in range(runs):
        counted.clear()
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings), max(timings), len(counted)


def main() -> int:
    from groups_app import create_app
    from groups_app.extensions import db

    folder = tempfile.mkdtemp(prefix="groups-bench-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite", "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "OUTBOX_DIR": f"{folder}/outbox"})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        coordinator, facilitator = (u.email for u in build(app))
        print(f"data: {GROUPS} groups x {MOTHERS_PER_GROUP} mothers, {WEEKS} weeks of attendance "
              f"(built in {time.perf_counter() - started:.1f} s)")
        engine = db.engine
    print(f"{'page':40} {'median ms':>10} {'worst ms':>10} {'queries':>8}")
    for user, paths in ((None, ["/", "/groups/", "/groups/?language=ar", "/groups/1"]),
                        (coordinator, ["/coordinator/", "/coordinator/attendance", "/coordinator/attendance.csv"]),
                        (facilitator, ["/planner", "/meetings/1/attendance"])):
        client = app.test_client()
        if user is not None:
            client.post("/login", data={"identifier": user, "password": "bench password here"})
        for path in paths:
            median, worst, queries = measure(client, engine, path)
            print(f"{path:40} {median:10.1f} {worst:10.1f} {queries:8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
