"""Her thanks on her home page, counted by a statement built once per process (thanks.home) and
rendered once per count, roles and language: the same numbers as reading.home_counts, and texts
that follow the count and the language."""
from __future__ import annotations

import re

from groups_app.extensions import db as _db
from groups_app.thanks import home
from groups_app.thanks.models import Dedication
from groups_app.thanks.services import reading
from tests.conftest import login, make_user
from tests.thanks.conftest import make_dedication


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_her_counts_are_those_of_reading_home_counts_for_each_kind_of_person(app, world):
    outside = make_user("mother", email="later@example.org")
    make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    make_dedication(world.mother, world.facilitator, group=world.group, consent="agreed")
    _db.session.add(Dedication(writer_id=world.mother.id, mentor_email="later@example.org", mentor_kind="outside",
                               message="Thank you.", language="en", signed_as="Huda"))  # to her address, before her account
    _db.session.commit()
    _db.session.add(Dedication(writer_id=outside.id, mentor_email="later@example.org", mentor_kind="outside",
                               message="Thank you.", language="en", signed_as="Me"))  # to her own address: not hers to answer
    _db.session.commit()
    for user in (world.mother, world.volunteer_user, world.facilitator, world.staff, world.coordinator, outside,
                 make_user("mother", phone="+972501234567", email=None)):  # no email at all
        with app.test_request_context():
            assert home._counts(user) == reading.home_counts(user), user.name
    with app.test_request_context():
        assert home._counts(outside) == (1, None)
        assert home._counts(world.staff)[1] == 4


def test_the_section_follows_her_count_and_her_language(client, world):
    login(client, world.volunteer_user)
    world.volunteer_user.language = "en"
    _db.session.commit()
    assert "Thanks" not in _text(client.get("/"))  # nothing waits and she is no mother: no section
    make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    assert "1 thank-you message to you waits for your answer." in _text(client.get("/"))
    make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    english = _text(client.get("/"))
    assert "2 thank-you messages to you wait for your answer." in english
    world.volunteer_user.language = "he"
    _db.session.commit()
    hebrew = _text(client.get("/"))
    assert "2 thank-you messages" not in hebrew and 'href="/thanks/mine"' in hebrew


def test_staffs_card_counts_what_waits_for_review_as_it_changes(client, world):
    world.staff.language = "en"
    _db.session.commit()
    login(client, world.staff)
    assert "0 messages wait for review." in _text(client.get("/"))
    make_dedication(world.mother, world.volunteer_user, volunteer=world.volunteer)
    assert "1 message waits for review." in _text(client.get("/"))


def test_counts_are_asked_once_per_user_and_request(app, world):
    with app.test_request_context():
        assert home._counts(world.mother) == (0, None)
        make_dedication(world.facilitator, world.mother)
        assert home._counts(world.mother) == (0, None)  # the same page asks once
        assert home._counts(world.staff) == (0, 1)
    with app.test_request_context():  # the next page asks again
        assert home._counts(world.mother) == reading.home_counts(world.mother)
        assert home._counts(world.staff) == (0, 1)
