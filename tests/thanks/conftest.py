"""Small factories for thanks: mentor mothers through a group and a home visit, and dedications."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from groups_app.accounts.models import User
from groups_app.extensions import db as _db
from groups_app.groups.models import Group
from groups_app.thanks.models import Dedication
from groups_app.visits.models import Case, Volunteer
from tests.conftest import add_members, make_group, make_user, today


def make_volunteer_case(mother: User, volunteer_user: User | None = None, **user_fields) -> Volunteer:
    """A volunteer's record (a new volunteer account unless given) and an active case with `mother`."""
    if volunteer_user is None:
        volunteer_user = make_user("volunteer", **user_fields)
    volunteer = _db.session.query(Volunteer).filter_by(user_id=volunteer_user.id).one_or_none()
    if volunteer is None:
        volunteer = Volunteer(user_id=volunteer_user.id, screening="passed", commitment_from=today() - timedelta(days=60))
        _db.session.add(volunteer)
        _db.session.flush()
    _db.session.add(Case(mother_id=mother.id, volunteer_id=volunteer.id, status="active", languages=mother.language,
                         opened_on=today() - timedelta(days=40), matched_on=today() - timedelta(days=30),
                         baby_birth_date=today() - timedelta(days=60)))
    _db.session.commit()
    return volunteer


def make_dedication(writer: User, mentor: User, *, message: str = "Thank you for every visit.", language: str = "en",
                    consent: str = "waiting", review: str = "waiting", group: Group | None = None,
                    volunteer: Volunteer | None = None, signed_as: str = "Huda", **fields) -> Dedication:
    """A dedication row written directly (the service's checks are tested on their own)."""
    kind = "facilitator" if group is not None else "volunteer" if volunteer is not None else "outside"
    dedication = Dedication(writer_id=writer.id, mentor_id=mentor.id, mentor_kind=kind, message=message,
                            language=language, consent=consent, review=review, signed_as=signed_as,
                            group_id=group.id if group else None, volunteer_id=volunteer.id if volunteer else None,
                            mentor_email=None if mentor else fields.pop("mentor_email"), **fields)
    _db.session.add(dedication)
    _db.session.commit()
    return dedication


@dataclass
class World:
    mother: User
    volunteer_user: User
    volunteer: Volunteer
    facilitator: User
    group: Group
    staff: User
    coordinator: User

    @property
    def volunteer_key(self) -> str:
        return f"v{self.volunteer.id}"

    @property
    def facilitator_key(self) -> str:
        return f"g{self.group.id}-{self.facilitator.id}"


@pytest.fixture
def world(app, db) -> World:
    """A mother (Amharic) in a group led by a facilitator (Arabic), visited by a volunteer (Hebrew)."""
    mother = make_user("mother", name="Meseret Tadesse", language="am", email="meseret@example.org")
    volunteer_user = make_user("volunteer", name="Yael Cohen", language="he", email="yael@example.org")
    volunteer = make_volunteer_case(mother, volunteer_user)
    facilitator = make_user("facilitator", name="Amal Abu-Rabia", language="ar", email="amal@example.org")
    coordinator = make_user("coordinator", name="Dina Levi")
    group = make_group(facilitator, name="Rahat mornings", by=coordinator)
    add_members(group, mother)
    return World(mother, volunteer_user, volunteer, facilitator, group, make_user("staff", name="Sara Staff"),
                 coordinator)


@pytest.fixture(autouse=True)
def _english(english_by_default):
    """Messages are checked in English here (see tests/conftest.py)."""
