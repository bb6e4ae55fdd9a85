"""Her groups on her home page: the ones she leads, then those she belongs to or waits for; found
from her side, so the statement costs the same with 10 groups or 300."""
from __future__ import annotations

from groups_app.groups.home import my_groups
from groups_app.groups.models import Membership
from tests.conftest import add_members, count_queries, make_group, make_user


def test_she_sees_the_groups_she_leads_belongs_to_and_waits_for_and_no_other(app, db):
    her = make_user("mother", "facilitator")
    make_group(her, name="Alef led")
    both = make_group(her, name="Bet led and joined")
    member = make_group(name="Gimel joined")
    waiting = make_group(name="Dalet waiting")
    make_group(name="He not hers")
    archived = make_group(name="Vav archived")
    archived.archived = True
    add_members(both, her)
    add_members(member, her)
    add_members(archived, her)
    db.session.add(Membership(group_id=waiting.id, user_id=her.id, status="waiting", position=1))
    db.session.commit()
    db.session.refresh(her)  # as a request has her: loaded, not expired by the commits above
    with count_queries(db.engine) as counted:
        mine, _missing = my_groups(her)
    assert [(entry.group.name, entry.status) for entry in mine] == [
        ("Alef led", "leads"), ("Bet led and joined", "leads"), ("Dalet waiting", "waiting"), ("Gimel joined", "member")]
    assert counted() <= 2  # her groups; their next meetings and the attendance still to enter


def test_a_mother_in_no_group_has_none(app, db):
    make_group(name="Someone else's")
    assert my_groups(make_user("mother"))[0] == []
