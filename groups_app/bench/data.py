"""A program the size of a regional one after years of use, built fast and the same every time."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, insert, select, text

from ..accounts.auth import hash_password
from ..accounts.models import User, UserRole
from ..core.extension_points import starter_content
from ..core.places import Locality
from ..core.timeutil import utcnow
from ..extensions import db
from ..groups.models import Attendance, CalendarFeed, Group, GroupFacilitator, Guest, Meeting, Membership, Rsvp, Topic
from ..groups.models.topic import TopicText
from ..library.models import Book, Copy, Loan

BENCH_DOMAIN = "bench.example.org"
BENCH_PASSWORD = "bench password, not secret"
FEED_TOKEN = "bench-mother-feed-0123456789abcdef"
ZONE = "Asia/Jerusalem"
LANGS = ("he", "ar", "ru", "am", "es", "en")
# A few words in each language for book titles and summaries, so that searches find something.
WORDS = {
    "he": "הנקה שינה תינוק אמא לידה הריון משפחה חלב לילה בית",
    "ar": "رضاعة نوم طفل أم ولادة حمل عائلة حليب ليل بيت",
    "ru": "кормление сон малыш мама роды беременность семья молоко ночь дом",
    "am": "ጡት እንቅልፍ ሕፃን እናት ወሊድ እርግዝና ቤተሰብ ወተት ሌሊት ቤት",
    "es": "lactancia sueño bebé madre parto embarazo familia leche noche casa",
    "en": "breastfeeding sleep baby mother birth pregnancy family milk night home",
}
SEARCH_WORD = "חלב"  # the catalogue search the benchmark runs: one Hebrew word


@dataclass(frozen=True)
class Scale:
    groups: int
    mothers: int
    attendances: int
    books: int
    copies: int
    loans: int
    cases: int
    visit_logs: int
    weeks: int = 104  # two years of weekly meetings behind every group
    topics: int = 60  # topics added to the starter bank: a bank after a few years

    def fraction(self, n: int) -> Scale:
        """The same program, n times smaller: each group keeps its size and its history."""
        return Scale(*(max(1, v // n) for v in (self.groups, self.mothers, self.attendances, self.books, self.copies,
                                                  self.loans, self.cases, self.visit_logs)), weeks=self.weeks,
                     topics=self.topics)


LARGE = Scale(groups=300, mothers=15_000, attendances=250_000, books=5_000, copies=8_000, loans=20_000, cases=2_000,
              visit_logs=40_000)
SCALES = {"large": LARGE, "small": LARGE.fraction(20)}


class BenchRefused(RuntimeError):
    pass


def email(name: str) -> str:
    return f"{name}@{BENCH_DOMAIN}"


def visits_models():
    """The home-visit models, when that feature is there (it is built alongside)."""
    try:
        from ..visits.models import Case, VisitLog, Volunteer
    except ImportError:  # pragma: no cover - only before home visits exist
        return None
    return Case, VisitLog, Volunteer


def build(scale: Scale, seed: int = 13, now: datetime | None = None, starter: bool = True) -> dict[str, int]:
    """Fill an empty, migrated database with a program of `scale`. Returns the row counts made.

    Bulk inserts with ids chosen here (then PostgreSQL's sequences are moved past them), one
    commit per table family: 300 groups and 250,000 attendances take well under two minutes."""
    if production_or_used():
        raise BenchRefused("The database already has people in it, or this is production: bench data goes only "
                           "into an empty throw-away database.")
    rng = random.Random(seed)
    now = now or utcnow()
    if starter:
        folder = Path(current_app.config["LIBRARY_DIR"])
        for part in starter_content.contributions():
            part(folder)
    localities = db.session.scalars(select(Locality.id).order_by(Locality.id)).all()
    if not localities:
        raise BenchRefused("No localities: run `flask content import` first.")
    counts: dict[str, int] = {}
    password = hash_password(BENCH_PASSWORD)
    zone = ZoneInfo(ZONE)
    today = now.astimezone(zone).date()

    def bulk(model, rows: list[dict]) -> None:
        for start in range(0, len(rows), 20_000):
            db.session.execute(insert(model), rows[start:start + 20_000])
        counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)

    # ---- topics: the starter bank and more, with a text in every language ----------------------
    first_topic = (db.session.scalar(select(func.max(Topic.id))) or 0) + 1
    bulk(Topic, [{"id": first_topic + n, "slug": f"bench-topic-{n}"} for n in range(scale.topics)])
    bulk(TopicText, [{"topic_id": first_topic + n, "language": lang, "title": f"{WORDS[lang].split()[n % 10]} {n}",
                      "description": WORDS[lang], "prompts": "\n".join(WORDS[lang].split()[:3])}
                     for n in range(scale.topics) for lang in LANGS])
    topic_ids = db.session.scalars(select(Topic.id)).all()

    # ---- people ------------------------------------------------------------------------------
    users, roles = [], []

    def person(name: str, address: str | None, *role_names: str, **fields) -> int:
        uid = len(users) + 1
        users.append({"id": uid, "name": name, "email": address or f"u{uid}@{BENCH_DOMAIN}", "password_hash": password,
                      "language": fields.pop("language", rng.choice(LANGS)), "other_languages": "",
                      "timezone": ZONE, "locality_id": rng.choice(localities), "contact_by_email": False,
                      "contact_by_sms": False, "contact_by_phone": False, "active": True, "created_at": now,
                      "first_time_mother": None, "due_date": None, "baby_birth_date": None, **fields})
        roles.extend({"user_id": uid, "role": r, "granted_at": now} for r in role_names)
        return uid

    coordinator = person("Bench Coordinator", email("coordinator"), "coordinator", language="he")
    person("Bench Admin", email("admin"), "admin", language="he")
    person("Bench Staff", email("staff"), "staff", language="he")
    facilitator = person("Bench Facilitator", email("facilitator"), "facilitator", "mother", language="ar")
    mother = person("Bench Mother", email("mother"), "mother", language="he", other_languages="ar",
                    baby_birth_date=today - timedelta(days=120), first_time_mother=True)
    volunteer_user = person("Bench Volunteer", email("volunteer"), "volunteer", "mother", language="he")
    facilitators = [facilitator] + [person(f"Facilitator {n}", None, "facilitator", "mother")
                                    for n in range(max(1, scale.groups // 2))]
    mothers = [mother] + [person(f"Mother {n}", None, "mother", **_stage(rng, today)) for n in range(scale.mothers - 1)]
    volunteer_users = [volunteer_user] + [person(f"Volunteer {n}", None, "volunteer", "mother")
                                          for n in range(max(1, scale.cases // 5))]
    bulk(User, users)
    bulk(UserRole, roles)
    db.session.commit()

    # ---- groups, their facilitators, members and two years of meetings ---------------------
    groups, links, memberships, meetings, attendance, guests, rsvps = [], [], [], [], [], [], []
    pool_size = max(2, len(mothers) // scale.groups)
    per_meeting = max(1, round(scale.attendances / (scale.groups * scale.weeks)))
    meeting_id = attendance_id = guest_id = 0
    for g in range(scale.groups):
        gid = g + 1
        weekday, start = (6, 0, 1, 2, 3)[g % 5], time(9 + g % 4, 30 if g % 2 else 0)  # Sunday to Thursday
        languages = ",".join(sorted({LANGS[g % 6], LANGS[(g * 7 + 1) % 6]}))
        groups.append({"id": gid, "name": f"Group {gid:03d}", "description": "Mothers meet, talk and help each other.",
                       "venue_kind": ("community_centre", "clinic", "home")[g % 3], "address": f"Hall {gid}",
                       "locality_id": localities[g % len(localities)], "languages": languages,
                       "frequency": "weekly", "weekday": weekday, "start_time": start, "duration_minutes": 90,
                       "timezone": ZONE, "schedule_from": today - timedelta(weeks=scale.weeks + 1), "capacity": 30,
                       "open": g % 10 != 9, "archived": False, "created_at": now - timedelta(weeks=scale.weeks + 1)})
        leaders = [facilitator] if g < 3 else [facilitators[1 + (g % (len(facilitators) - 1 or 1))]]
        links.extend({"group_id": gid, "user_id": uid} for uid in leaders)
        pool = mothers[g * pool_size:(g + 1) * pool_size] or mothers[:pool_size]
        current = pool[len(pool) // 2:] if mother not in pool else pool[:len(pool) // 2]
        memberships.extend({"group_id": gid, "user_id": uid, "status": "member", "position": None, "joined_at": now}
                           for uid in current)
        if g < 3 and mother not in current:  # she is in the facilitator's groups too
            memberships.append({"group_id": gid, "user_id": mother, "status": "member", "position": None,
                                "joined_at": now})
        guest_ids = []
        for n in range(2):
            guest_id += 1
            guest_ids.append(guest_id)
            guests.append({"id": guest_id, "group_id": gid, "first_name": f"Guest {n}", "stage": ("pregnant", "breastfeeding")[n],
                           "baby_age_months": None if n == 0 else 4, "user_id": None, "created_at": now})
        first_day = today - timedelta(weeks=scale.weeks)
        first_day += timedelta(days=(weekday - first_day.weekday()) % 7)
        for week in range(scale.weeks + 12):  # two years held, twelve weeks ahead
            day = first_day + timedelta(weeks=week)
            starts = datetime.combine(day, start, tzinfo=zone).astimezone(UTC)
            meeting_id += 1
            held = starts < now
            cancelled = rng.random() < 0.03
            meetings.append({"id": meeting_id, "group_id": gid, "starts_at": starts, "duration_minutes": 90,
                             "occurrence": day, "status": "cancelled" if cancelled else "scheduled",
                             "topic_id": rng.choice(topic_ids) if held or rng.random() < 0.5 else None,
                             "plan": "", "sequence": 0, "created_at": now, "updated_at": now,
                             "attendance_taken_at": starts + timedelta(hours=2) if held and not cancelled else None})
            if not held:
                rsvps.extend({"meeting_id": meeting_id, "user_id": uid, "coming": True, "updated_at": now}
                             for uid in current[:rng.randrange(0, 6)])
                continue
            if cancelled:
                continue
            who = pool if week < scale.weeks // 2 else current
            for uid in rng.sample(who, min(per_meeting, len(who))):
                attendance_id += 1
                attendance.append({"id": attendance_id, "meeting_id": meeting_id, "user_id": uid, "guest_id": None,
                                   "recorded_at": starts})
            if week % 9 == 0:
                attendance_id += 1
                attendance.append({"id": attendance_id, "meeting_id": meeting_id, "user_id": None,
                                   "guest_id": guest_ids[week % 2], "recorded_at": starts})
    bulk(Group, groups)
    bulk(GroupFacilitator, links)
    bulk(Membership, memberships)
    bulk(Guest, guests)
    bulk(Meeting, meetings)
    bulk(Attendance, attendance)
    bulk(Rsvp, rsvps)
    bulk(CalendarFeed, [{"user_id": mother, "token": FEED_TOKEN, "reminder": "1d"}])
    db.session.commit()

    # ---- the lending library -----------------------------------------------------------------
    books = []
    first_book = (db.session.scalar(select(func.max(Book.id))) or 0) + 1
    for n in range(scale.books):
        lang = LANGS[n % 6]
        words = WORDS[lang].split()
        books.append({"id": first_book + n, "title": f"{rng.choice(words)} {rng.choice(words)} {n}",
                      "authors": f"Author {n % 700}", "language": lang, "isbn": None, "publisher": "Bench Press",
                      "year": 1990 + n % 35, "subjects": ("breastfeeding", "sleep", "baby-care", "pregnancy")[n % 4],
                      "summary": " ".join(rng.choice(words) for _ in range(12)), "source": "https://example.org/",
                      "created_at": now})
    bulk(Book, books)
    copies = [{"id": n + 1, "book_id": first_book + rng.randrange(scale.books), "group_id": 1 + n % scale.groups,
               "code": f"BN{n + 1:06d}", "condition": "", "status": "on_shelf"} for n in range(scale.copies)]
    loans = []
    for n in range(scale.loans):
        if n < 12:  # hers: two books at home, ten read before
            copy, borrower, open_loan = copies[n % len(copies)], mother, n < 2
        else:
            copy, borrower = copies[n % len(copies)], mothers[rng.randrange(len(mothers))]
            open_loan = copy["status"] == "on_shelf" and n >= len(copies) and rng.random() < 0.1
        out = now - timedelta(days=rng.randrange(1, 30) if open_loan else rng.randrange(40, 700))
        if open_loan:
            copy["status"] = "on_loan"
        loans.append({"id": n + 1, "copy_id": copy["id"], "user_id": borrower, "out_at": out,
                      "due_at": out + timedelta(days=28), "returned_at": None if open_loan else out + timedelta(days=20),
                      "renewals": 0, "lost": False, "override": False, "checked_out_by_id": facilitator})
    bulk(Copy, copies)
    bulk(Loan, loans)
    db.session.commit()

    # ---- home visits, when that feature is there ---------------------------------------------
    visits = visits_models()
    if visits and scale.cases:
        Case, VisitLog, Volunteer = visits
        bulk(Volunteer, [{"id": n + 1, "user_id": uid, "screening": "passed", "screening_notes": "",
                          "commitment_from": today - timedelta(days=200), "hours_per_week": 2, "availability": "0,2,4",
                          "max_cases": 5, "active": True, "pause_reason": "", "created_at": now}
                         for n, uid in enumerate(volunteer_users)])
        cases, logs = [], []
        per_case = max(1, scale.visit_logs // scale.cases)
        for n in range(scale.cases):
            closed = n % 3 == 2
            opened = today - timedelta(days=30 + n % 300)
            cases.append({"id": n + 1, "referral_id": None, "mother_id": mothers[(n * 7) % len(mothers)],
                          "volunteer_id": 1 + n % len(volunteer_users), "supervisor_id": coordinator,
                          "locality_id": localities[n % len(localities)], "languages": LANGS[n % 6], "source": "nurse",
                          "mother_age": 20 + n % 20, "first_baby": n % 2 == 0,
                          "baby_birth_date": opened - timedelta(days=10), "due_date": None,
                          "status": "closed" if closed else "active", "opened_on": opened, "matched_on": opened,
                          "closed_on": today - timedelta(days=1) if closed else None,
                          "close_reason": "first_birthday" if closed else "", "close_note": "", "notes": "",
                          "anonymised_at": None, "created_at": now})
            for v in range(per_case):
                logs.append({"case_id": n + 1, "volunteer_id": 1 + n % len(volunteer_users),
                             "visited_on": opened + timedelta(days=7 * v), "minutes": 60, "topics": "feeding,sleep",
                             "mood": 1 + (n + v) % 5, "notes": "", "form_token": f"bench-{n}-{v}", "created_at": now})
        bulk(Case, cases)
        bulk(VisitLog, logs)
        db.session.commit()
    _move_sequences()
    _analyze()
    return counts


def _stage(rng: random.Random, today: date) -> dict:
    """Pregnant, or a baby at home, or neither said: what the report counts."""
    kind = rng.random()
    if kind < 0.3:
        return {"due_date": today + timedelta(days=rng.randrange(-300, 200))}
    if kind < 0.8:
        return {"baby_birth_date": today - timedelta(days=rng.randrange(0, 900))}
    return {}


def production_or_used() -> bool:
    return bool(current_app.config.get("PRODUCTION")) or db.session.scalar(select(func.count(User.id))) > 0


def _move_sequences() -> None:
    """PostgreSQL's id sequences do not see ids given explicitly: move each past its table's largest."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # nosec B608  # table names from our own metadata, no outside input
                                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
    db.session.commit()


def _analyze() -> None:
    """PostgreSQL plans from statistics that autovacuum gathers some time after a bulk load; a
    program in its fifth year has had them for years. Without them, right after the build, the
    planner guessed 40 mothers of 15,552 and looped over index probes (30 ms instead of 10–18)."""
    if db.engine.dialect.name != "postgresql":
        return
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
