"""The program overview's statements are built once per process: today is a parameter, never baked
in, and the page writes the same names and numbers in the reader's language."""
from datetime import timedelta

from sqlalchemy import select

from groups_app.core.places import Locality
from groups_app.core.web import count_text
from groups_app.main import services
from tests.conftest import count_queries, login, make_mother, make_user, today


def test_a_statement_built_on_one_day_counts_right_on_the_next(app, db):
    make_mother(due_date=today() + timedelta(days=1))
    built = services._statements()
    assert services.program_overview(today=today()).pregnant == 1
    assert services.program_overview(today=today() + timedelta(days=2)).pregnant == 0  # her baby is due before
    assert services._statements() is built


def test_the_overview_names_localities_and_writes_counts_in_her_language(app, db, client):
    rahat = db.session.scalar(select(Locality).where(Locality.name_en == "Rahat"))
    for _ in range(3):
        make_mother(locality_id=rahat.id)
    make_mother()  # no locality given
    login(client, make_user("coordinator", language="ar"))
    html = client.get("/coordinator/").get_data(as_text=True)
    assert f'<tr><th scope="row">{rahat.name_ar}</th><td>{count_text(3, "ar")}</td></tr>' in html
    assert "Rahat" not in html
    assert (count_text(1234, "en"), count_text(1234, "ru")) == ("1,234", "1\xa0234")


def test_the_overview_counts_mothers_flushed_but_not_yet_committed(app, db):
    rahat = db.session.scalar(select(Locality).where(Locality.name_en == "Rahat"))
    make_mother(language="ar", locality_id=rahat.id)
    mother = make_mother(language="ar")
    mother.language = "ru"  # changed in the session only: the overview reads it as the session's own query would
    overview = services.program_overview()
    assert overview.mothers_by_language == {"ar": 1, "ru": 1}
    assert [(row.name_en if row else None, n) for row, n in overview.mothers_by_locality] == [("Rahat", 1), (None, 1)]
    db.session.rollback()


def test_the_overview_page_runs_two_statements_when_nothing_changed_and_three_after_a_change(app, db, client):
    rahat = db.session.scalar(select(Locality).where(Locality.name_en == "Rahat"))
    make_mother(locality_id=rahat.id)
    login(client, make_user("coordinator"))
    client.get("/coordinator/")
    with count_queries(db.engine) as counted:
        assert client.get("/coordinator/").status_code == 200
    assert counted() == 2  # her session; the overview's version (its counts kept for it)
    make_mother(locality_id=rahat.id)
    with count_queries(db.engine) as counted:
        assert client.get("/coordinator/").status_code == 200
    assert counted() == 3  # her session; the version; roles and mothers with their localities' names and version
