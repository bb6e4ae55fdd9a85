"""Small factories for home-visit tests: a volunteer (trained by default), a case (active by default)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from groups_app.extensions import db as _db
from groups_app.visits.models import Case, CourseEnrolment, TrainingCourse, Volunteer
from tests.conftest import locality, make_user, today


def make_volunteer(user=None, *, trained: bool = True, screening: str = "passed", languages=("he",),
                   locality_name: str | None = "Beersheba", availability: str = "0,2", max_cases: int = 1,
                   active: bool = True, name: str | None = None, language: str | None = None,
                   phone: str | None = None, **fields) -> Volunteer:
    """A volunteer and her account. `languages`: the languages she speaks (the first is her own);
    `locality_name`: her account's locality (English name, as in library/localities.csv);
    `trained`: she completed a training course; `screening`: pending, passed or not_passed."""
    languages = list(languages) or ["he"]
    if user is None:
        own = language or languages[0]
        user = make_user("volunteer", name=name, language=own, phone=phone,
                         other_languages=",".join(c for c in languages if c != own),
                         locality_id=locality(locality_name).id if locality_name else None)
    volunteer = Volunteer(user_id=user.id, screening=screening, availability=availability, max_cases=max_cases,
                          active=active, commitment_from=fields.pop("commitment_from", today() - timedelta(days=60)),
                          **fields)
    _db.session.add(volunteer)
    _db.session.flush()
    if trained:
        course = TrainingCourse(name="Spring course", starts_on=today() - timedelta(days=120), sessions_planned=8)
        _db.session.add(course)
        _db.session.flush()
        _db.session.add(CourseEnrolment(course_id=course.id, volunteer_id=volunteer.id,
                                        completed_on=today() - timedelta(days=70)))
    _db.session.commit()
    _db.session.refresh(volunteer)
    return volunteer


def make_case(mother=None, *, volunteer: Volunteer | None = None, supervisor=None, status: str | None = None,
              languages=("he",), locality_name: str | None = "Beersheba", baby_birth_date: date | None = None,
              due_date: date | None = None, matched_on: date | None = None, opened_on: date | None = None,
              notes: str = "", source: str = "nurse", referral=None, **fields) -> Case:
    """A case for `mother` (a new mother account when None). With a volunteer it is active (matched
    `matched_on`, by default 30 days ago) and supervised by `supervisor` (a new staff user when None);
    without one it is waiting. The baby was born 60 days ago unless a birth or due date is given."""
    if mother is None:
        mother = make_user("mother", language=languages[0] if languages else "he",
                           locality_id=locality(locality_name).id if locality_name else None)
    if baby_birth_date is None and due_date is None:
        baby_birth_date = today() - timedelta(days=60)
    if status is None:
        status = "active" if volunteer is not None else "waiting"
    if status != "waiting" and supervisor is None:
        supervisor = make_user("staff")
    if status != "waiting" and matched_on is None:
        matched_on = today() - timedelta(days=30)
    opened_on = opened_on or (matched_on - timedelta(days=7) if matched_on else today() - timedelta(days=7))
    case = Case(mother_id=mother.id if mother else None, volunteer_id=volunteer.id if volunteer else None,
                supervisor_id=supervisor.id if supervisor else None,
                locality_id=locality(locality_name).id if locality_name else None,
                languages=",".join(languages), source=source, baby_birth_date=baby_birth_date, due_date=due_date,
                status=status, opened_on=opened_on, matched_on=matched_on, notes=notes,
                referral_id=referral.id if referral else None, **fields)
    if status == "closed" and case.closed_on is None:
        case.closed_on = today()
    _db.session.add(case)
    _db.session.commit()
    return case


@pytest.fixture
def coordinator(app):
    return make_user("coordinator", name="Coordinator Dina")


@pytest.fixture(autouse=True)
def _english(english_by_default):
    """Messages are checked in English here (see tests/conftest.py)."""
