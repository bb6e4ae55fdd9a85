"""The home page and the coordinator's overview."""
from datetime import timedelta

from sqlalchemy import select

from groups_app.core.places import Locality
from groups_app.main.services import program_overview
from tests.conftest import assert_max_queries, count_queries, login, make_mother, make_user, today


def test_home_routes_each_role_to_its_work(client):
    assert "/register" in client.get("/").get_data(as_text=True)
    login(client, make_user("coordinator"))
    html = client.get("/").get_data(as_text=True)
    assert "/coordinator/" in html and "/admin/users" not in html


def test_overview_counts_mothers_by_language_locality_and_stage(app, db):
    rahat = db.session.scalar(select(Locality).where(Locality.name_en == "Rahat"))
    make_mother(language="ar", locality_id=rahat.id, due_date=today() + timedelta(days=30), first_time_mother=True)
    make_mother(language="ar", locality_id=rahat.id, baby_birth_date=today() - timedelta(days=30))
    make_mother(language="ru")
    make_user("facilitator")
    overview = program_overview()
    assert overview.mothers_by_language == {"ar": 2, "ru": 1}
    assert (overview.pregnant, overview.with_baby, overview.first_time) == (1, 1, 1)
    assert [(loc.name_en if loc else None, n) for loc, n in overview.mothers_by_locality] == [("Rahat", 2), (None, 1)]
    assert overview.people_by_role == {"mother": 3, "facilitator": 1}


def test_overview_counts_each_active_mother_once_and_every_role_held(app, db):
    make_mother(language="ar", due_date=today() + timedelta(days=10))
    make_user("mother", "facilitator", language="ar", first_time_mother=True)  # a mother who also leads a group
    make_mother(language="ar", active=False, baby_birth_date=today())  # left the program: a role, not a mother
    overview = program_overview()
    assert overview.mothers_by_language == {"ar": 2}
    assert (overview.pregnant, overview.with_baby, overview.first_time) == (1, 0, 1)
    assert sum(n for _, n in overview.mothers_by_locality) == 2
    assert overview.people_by_role == {"mother": 3, "facilitator": 1}


def test_overview_takes_the_same_statements_however_many_mothers(app, client, db):
    login(client, make_user("coordinator"))

    def statements() -> int:
        client.get("/coordinator/")
        with count_queries(db.engine) as counted:
            assert client.get("/coordinator/").status_code == 200
        return counted()

    few = statements()
    localities = db.session.scalars(select(Locality).limit(10)).all()
    for n in range(40):
        make_mother(language=("ar", "he", "ru")[n % 3], locality_id=localities[n % 10].id)
    assert few == statements() <= 4  # her session, roles, the mothers in one pass, their localities


def test_overview_page_runs_a_fixed_number_of_queries(app, client, db):
    coordinator = make_user("coordinator")
    login(client, coordinator)
    localities = db.session.scalars(select(Locality).limit(10)).all()
    client.get("/coordinator/")
    with assert_max_queries(db.engine, 8):
        assert client.get("/coordinator/").status_code == 200
    for n in range(30):
        make_mother(language="ar", locality_id=localities[n % 10].id)
    with assert_max_queries(db.engine, 8):
        assert client.get("/coordinator/").status_code == 200


def test_favicon_is_served_to_every_first_visit(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert "max-age" in response.headers["Cache-Control"]


def test_home_page_shows_led_and_member_groups_under_their_headings_and_no_work_for_a_mother(client, db):
    from tests.conftest import add_members, login, make_group, make_mother, make_user

    leader = make_user("facilitator", "mother", name="Amal")
    led = make_group(leader, name="Group she leads")
    other = make_group(make_user("facilitator"), name="Group she belongs to")
    add_members(other, leader)
    login(client, leader)
    html = client.get("/").get_data(as_text=True)
    assert html.index("Groups I lead") < html.index("Group she leads") < html.index("My groups") < html.index(
        "Group she belongs to")
    assert html.count("Group she leads") == 1 and "Your work" in html
    client.post("/logout")
    mother = make_mother(name="Noa")
    add_members(led, mother)
    login(client, mother)
    html = client.get("/").get_data(as_text=True)
    assert "Group she leads" in html and "Your work" not in html and "Groups I lead" not in html
