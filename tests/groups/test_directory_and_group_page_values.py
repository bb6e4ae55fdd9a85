"""The directory and a group's page written from plain values and statements built once: the same
words as before, in the reader's language, with as many statements or fewer."""
from datetime import time

from groups_app.core.places import locality_choices
from groups_app.groups.models import GroupFacilitator, Membership
from groups_app.groups.services import directory as directory_service
from groups_app.groups.services import groups as service
from tests.conftest import add_members, count_queries, locality, login, make_group, make_mother, make_user

ENGLISH = {"Accept-Language": "en"}


def test_a_directory_card_shows_her_language_time_seats_and_languages(app, db, client):
    make_group(name="Rahat mornings", place="Rahat", languages=["ar", "he"], weekday=6, start_time=time(9, 30),
               capacity=3)
    full = make_group(name="Rahat full", place="Rahat", capacity=2)
    add_members(full, make_mother(), make_mother())
    make_group(name="Rahat closed", place="Rahat", open=False)
    english = client.get("/groups/", headers=ENGLISH).get_data(as_text=True)
    assert "<p>Rahat · Sunday at 9:30" in english  # then a narrow space and AM, as Babel writes it
    assert '<span class="badge" lang="ar">العربية</span> <span class="badge" lang="he">עברית</span> ' in english
    assert "3 seats left" in english and "Full: you can join the waiting list" in english
    assert "Closed to new members" in english
    assert f'<a href="/groups/{full.id}">Rahat full</a>' in english
    login(client, make_mother(language="he"))
    hebrew = client.get("/groups/").get_data(as_text=True)
    assert f"{locality('Rahat').name_he} · " in hebrew and "Rahat · " not in hebrew
    assert english.count('class="card"') == hebrew.count('class="card"') == 3


def test_the_directory_filters_by_language_as_an_item_of_the_list(app, db):
    for languages in (["ar"], ["he", "ar"], ["ar", "ru"], ["he", "ar", "ru"], ["he"], ["ru", "am"]):
        make_group(name="+".join(languages), languages=languages, weekday=1)
    assert sorted(c.group.name for c in directory_service.directory_page(language="ar").items) == ["ar", "ar+ru", "he+ar",
                                                                                          "he+ar+ru"]
    assert [c.group.name for c in directory_service.directory_page(language="am").items] == ["ru+am"]
    assert [c.group.name for c in directory_service.directory_page(language="es").items] == []
    assert directory_service.directory_page(language="ar", weekday=1, locality_id=locality("Beersheba").id).total == 4
    assert directory_service.directory_page(language="ar", weekday=2).total == 0


def test_the_directory_statements_are_built_once_with_the_filters_as_parameters(app, db):
    make_group(name="Monday", weekday=0)
    make_group(name="Tuesday", weekday=1)
    assert [c.group.name for c in directory_service.directory_page(weekday=0).items] == ["Monday"]
    assert [c.group.name for c in directory_service.directory_page(weekday=1).items] == ["Tuesday"]
    assert directory_service._directory_statements(False, False, True) is directory_service._directory_statements(False, False, True)
    with count_queries(db.engine) as counted:
        page = directory_service.directory_page(weekday=1, page=3, per_page=1)
    assert page.items == [] and page.total == 1 and counted() == 2


def test_the_locality_filter_lists_what_locality_choices_lists_in_every_language(app, db):
    with app.test_request_context():
        for language in ("he", "ar", "ru", "am", "es", "en"):
            assert directory_service.locality_options(language) == locality_choices(language), language


def test_a_group_page_names_its_facilitators_in_the_order_they_were_added_in_its_own_statement(app, db, client):
    first = make_user("facilitator", name="Zahra <b>&amp; \"Amal\", Jr.")
    group = make_group(first, name="Named")
    for name in ("Bina", "Adi"):
        db.session.add(GroupFacilitator(group_id=group.id, user_id=make_user("facilitator", name=name).id))
    db.session.commit()
    facts = service.group_page_facts(group.id, make_mother())
    assert facts.facilitators == ['Zahra <b>&amp; "Amal", Jr.', "Bina", "Adi"]
    html = client.get(f"/groups/{group.id}", headers=ENGLISH).get_data(as_text=True)
    assert "<dd>Zahra &lt;b&gt;&amp;amp; &#34;Amal&#34;, Jr., Bina, and Adi</dd>" in html
    alone = make_group(name="Nobody leads it")
    assert service.group_page_facts(alone.id, make_mother()).facilitators == []
    assert "<dt>Facilitators</dt><dd>—</dd>" in client.get(f"/groups/{alone.id}", headers=ENGLISH).get_data(as_text=True)


def test_a_mothers_group_page_runs_three_statements(app, db, client):
    group = make_group(make_user("facilitator"), make_user("facilitator"))
    mother = make_mother()
    add_members(group, mother)
    db.session.add(Membership(group_id=group.id, user_id=make_mother().id, status="waiting", position=1))
    db.session.commit()
    login(client, mother)
    client.get(f"/groups/{group.id}")
    with count_queries(db.engine) as counted:
        assert client.get(f"/groups/{group.id}").status_code == 200
    assert counted() == 3  # her session; the group with its facts and facilitators; its next meetings
