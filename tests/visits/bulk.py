"""A home-visit program of any size for tests, inserted in bulk: mothers, volunteers and their training,
referrals, cases, visit logs. Deterministic (random.Random(seed)) and fast: one executemany per table.

The small helpers (`add_cases`, `add_visits`, ...) take rows as dicts with sensible defaults, for a
hand-made program with known answers; `generate_program` makes a large one."""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select

from groups_app.accounts.models import User, UserRole
from groups_app.core.places import Locality
from groups_app.extensions import db
from groups_app.visits.models import (
    CLOSE_REASONS,
    SOURCES,
    Case,
    CourseEnrolment,
    Referral,
    TrainingCourse,
    VisitLog,
    Volunteer,
)

LANGUAGE_MIX = ("he", "he", "he", "ar", "ar", "ar,he", "ru", "ru,he", "am", "am,he", "es", "en")
_serial = {"n": 0}


def _next() -> int:
    _serial["n"] += 1
    return _serial["n"]


def _insert(model, rows: list[dict]) -> list[int]:
    """Insert `rows` in one executemany and return their new ids, in order."""
    if not rows:
        return []
    return list(db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows))


def locality_ids(*names_en: str) -> dict[str, int]:
    """Ids of localities by English name (the localities are loaded once per test run)."""
    found = db.session.execute(select(Locality.name_en, Locality.id).where(Locality.name_en.in_(names_en))).all()
    return dict(found)


def add_users(rows: list[dict], role: str) -> list[int]:
    """Accounts that cannot sign in (no password), with one role."""
    made = []
    for row in rows:
        n = _next()
        made.append({"name": f"Bulk person {n}", "email": f"bulk{n}@example.org", "password_hash": "!",
                     "language": "he", **row})
    ids = _insert(User, made)
    _insert(UserRole, [{"user_id": user_id, "role": role} for user_id in ids])
    return ids


def add_volunteers(rows: list[dict], *, trained_on: dict[int, date | None] | None = None) -> list[int]:
    """Volunteers (each row: the volunteer's fields, plus `user` for her account's fields). `trained_on`:
    by position, the day she completed the training course (None: enrolled, not completed); a
    volunteer not in it was never enrolled."""
    user_ids = add_users([row.pop("user", {}) for row in rows], "volunteer")
    ids = _insert(Volunteer, [{"user_id": u, "screening": "passed", **row} for u, row in zip(user_ids, rows, strict=True)])
    if trained_on:
        course = _insert(TrainingCourse, [{"name": f"Course {_next()}", "starts_on": date(2020, 1, 1)}])[0]
        _insert(CourseEnrolment, [{"course_id": course, "volunteer_id": ids[i], "completed_on": day}
                                  for i, day in trained_on.items()])
    return ids


def add_referrals(rows: list[dict]) -> list[int]:
    made = [{"mother_name": "Bulk mother", "phone": f"+97250{_next():07d}", "languages": "he", "source": "nurse",
             "consent": True, "status": "accepted", **row} for row in rows]
    return _insert(Referral, made)


def add_cases(rows: list[dict]) -> list[int]:
    """Cases; `matched_on` makes one active, `closed_on` closed (with `close_reason`). Without a
    `mother_id` a mother account is made for each."""
    need = [i for i, row in enumerate(rows) if "mother_id" not in row]
    mothers = add_users([{"locality_id": rows[i].get("locality_id")} for i in need], "mother")
    made = []
    for row in rows:
        row = dict(row)
        if "mother_id" not in row:
            row["mother_id"] = mothers.pop(0)
        status = "closed" if row.get("closed_on") else ("active" if row.get("matched_on") else "waiting")
        opened = row.get("matched_on") or date(2020, 1, 1)
        made.append({"status": status, "opened_on": opened - timedelta(days=7), "languages": "he", "source": "nurse",
                     **row})
    return _insert(Case, made)


def add_visits(rows: list[dict]) -> list[int]:
    """Visit logs: each row needs case_id and visited_on."""
    made = [{"minutes": 90, "mood": 4, "form_token": f"bulk-{_next()}", **row} for row in rows]
    db.session.execute(insert(VisitLog), made)  # no ids needed: faster without RETURNING
    return []


def generate_program(cases: int, visits: int, *, today: date, seed: int = 11) -> dict[str, int]:
    """A program of `cases` cases (each with its referral, plus a fifth more referrals that went
    nowhere), about a volunteer per three cases, and `visits` visit logs spread over the cases that
    were matched, over the three years up to `today`."""
    rng = random.Random(seed)
    places = list(db.session.scalars(select(Locality.id).order_by(Locality.id).limit(12)))
    volunteer_count = max(cases // 3, 1)
    volunteer_rows = [{"active": rng.random() < 0.85, "max_cases": rng.randint(1, 3),
                       "screening": rng.choice(("passed",) * 8 + ("pending", "not_passed")),
                       "user": {"locality_id": rng.choice(places), "language": rng.choice(("he", "ar", "ru", "am")),
                                "other_languages": rng.choice(("", "he", "ar,he"))}}
                      for _ in range(volunteer_count)]
    trained = {i: (today - timedelta(days=rng.randint(30, 1200)) if rng.random() < 0.8 else None)
               for i in range(volunteer_count) if rng.random() < 0.9}
    volunteer_ids = add_volunteers(volunteer_rows, trained_on=trained)

    referral_rows, case_rows = [], []
    for _ in range(cases + cases // 5):
        place, languages = rng.choice(places), rng.choice(LANGUAGE_MIX)
        received = today - timedelta(days=rng.randint(0, 3 * 365))
        referral_rows.append({"locality_id": place, "languages": languages, "source": rng.choice(SOURCES),
                              "mother_age": rng.choice((None, *range(16, 42))), "first_baby": rng.choice((None, True, False)),
                              "baby_birth_date": received - timedelta(days=rng.randint(0, 200)),
                              "created_at": datetime.combine(received, time(9), tzinfo=UTC)})
    referral_ids = add_referrals(referral_rows)
    for referral_id, row in zip(referral_ids[:cases], referral_rows, strict=False):
        case = {"referral_id": referral_id, "locality_id": row["locality_id"], "languages": row["languages"],
                "source": row["source"], "mother_age": row["mother_age"], "first_baby": row["first_baby"],
                "baby_birth_date": row["baby_birth_date"]}
        received = row["created_at"].date()
        if rng.random() < 0.9:  # matched with a volunteer
            case["matched_on"] = min(received + timedelta(days=rng.randint(3, 40)), today)
            case["volunteer_id"] = rng.choice(volunteer_ids)
            ends = row["baby_birth_date"] + timedelta(days=365)
            if ends <= today or rng.random() < 0.15:
                early = rng.random() < 0.3 or ends > today
                reason = rng.choice(CLOSE_REASONS[1:]) if early else "first_birthday"
                last = min(ends, today)
                span = max((last - case["matched_on"]).days, 0)
                case["closed_on"] = case["matched_on"] + timedelta(days=rng.randint(0, span)) if early else last
                case["close_reason"] = reason
        else:
            case["opened_on"] = received
        case_rows.append(case)
    case_ids = add_cases(case_rows)
    matched = [(case_id, row) for case_id, row in zip(case_ids, case_rows, strict=True) if row.get("matched_on")]
    visit_rows = []
    for n in range(visits):
        case_id, row = matched[n % len(matched)]
        last = row.get("closed_on") or today
        span = max((last - row["matched_on"]).days, 0)
        visit_rows.append({"case_id": case_id, "volunteer_id": row["volunteer_id"], "mood": rng.randint(1, 5),
                           "visited_on": row["matched_on"] + timedelta(days=rng.randint(0, span)),
                           "minutes": rng.choice((60, 75, 90, 120))})
    add_visits(visit_rows)
    db.session.commit()
    return {"cases": cases, "visits": visits, "volunteers": volunteer_count, "referrals": len(referral_ids)}
