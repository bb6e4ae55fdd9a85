"""The program overview is kept per version of the facts it counts and the program's day: the page
changes right after any counted fact changes, whichever way it was written (a form, a Core update, a
bulk insert, a rollback), and does not count again when nothing changed."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, insert, select, update

from groups_app.accounts.models import User, UserRole
from groups_app.core.places import Locality
from groups_app.core.timeutil import set_clock
from groups_app.main import services
from groups_app.main.models import OVERVIEW, DataVersion
from tests.conftest import PASSWORD, _empty_tables, count_queries, login, make_mother, make_test_app, make_user, today

MONDAY_NIGHT = datetime(2026, 12, 14, 21, 30, tzinfo=UTC)  # 23:30 on Monday 14 December in Israel


def _place(name_en: str) -> Locality:
    from groups_app.extensions import db

    return db.session.scalar(select(Locality).where(Locality.name_en == name_en))


def _shown(client) -> dict[str, str]:
    """Each figure of the page as she reads it (English): {"Pregnant": "1", "Arabic": "2", "Rahat": "2", ...}."""
    html = client.get("/coordinator/").get_data(as_text=True)
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html))
    figures.update(re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td></tr>', html))
    return figures


def _counted(statements: list[str]) -> bool:
    """Whether the counting statement (the one pass over the mothers) ran."""
    return any("user_roles" in s and "localities" in s for s in statements)


def _version(db) -> int | None:
    return db.session.scalar(select(DataVersion.n).where(DataVersion.name == OVERVIEW))


def _coordinator(app):
    client = app.test_client()
    login(client, make_user("coordinator", language="en"))
    return client


def test_a_second_look_reads_only_the_version_and_a_new_day_counts_again(app, db):
    set_clock(app, MONDAY_NIGHT)
    make_mother(language="ar", due_date=date(2026, 12, 14))  # due on the Israeli today
    coordinator = _coordinator(app)
    assert _shown(coordinator)["Pregnant"] == "1"
    with count_queries(db.engine) as counted:
        assert _shown(coordinator)["Pregnant"] == "1"
    assert counted() == 2 and not _counted(counted.statements)  # her session; the version
    assert any("data_versions" in s for s in counted.statements)
    set_clock(app, MONDAY_NIGHT + timedelta(hours=1))  # Tuesday in Israel (22:30 UTC): nothing was written
    with count_queries(db.engine) as counted:
        assert _shown(coordinator)["Pregnant"] == "0"
    assert _counted(counted.statements)
    with count_queries(db.engine) as counted:
        assert _shown(coordinator)["Pregnant"] == "0"
    assert not _counted(counted.statements)


def test_a_mother_who_registers_on_the_form_is_counted_at_once(app, db):
    coordinator = _coordinator(app)
    assert _shown(coordinator)["Arabic"] == "0"
    joining = app.test_client()
    answer = joining.post("/register", data={"name": "Huda", "email": "", "phone": "08-623-4567", "language": "ar",
                                             "password": "three small green apples"})
    assert answer.status_code == 302
    shown = _shown(coordinator)
    assert (shown["Arabic"], shown["Mother"], shown["Not given"]) == ("1", "1", "1")


def test_her_language_place_and_due_date_changed_on_her_profile_change_the_counts_at_once(app, db):
    mother = make_mother(language="he", name="Noa")
    coordinator = _coordinator(app)
    before = _shown(coordinator)
    assert (before["Hebrew"], before["Russian"], before["Pregnant"], before["Not given"]) == ("1", "0", "0", "1")
    rahat = _place("Rahat")
    her = app.test_client()
    login(her, mother)
    answer = her.post("/account/profile", data={"name": "Noa", "language": "ru", "locality_id": str(rahat.id),
                                               "due_date": (today() + timedelta(days=40)).isoformat(),
                                               "notices_by": "home"})
    assert answer.status_code == 302
    after = _shown(coordinator)
    assert (after["Hebrew"], after["Russian"], after["Pregnant"], after["Rahat"]) == ("0", "1", "1", "1")
    assert "Not given" not in after


def test_a_role_taken_away_or_given_on_the_admin_page_changes_the_counts_at_once(app, db):
    mother = make_mother(language="ar")
    coordinator = _coordinator(app)
    assert (_shown(coordinator)["Arabic"], _shown(coordinator)["Facilitator"]) == ("1", "0")
    admin = app.test_client()
    login(admin, make_user("admin"))
    assert admin.post(f"/admin/users/{mother.id}", data={"roles": ["facilitator"], "active": "y"}).status_code == 302
    shown = _shown(coordinator)
    assert (shown["Arabic"], shown["Mother"], shown["Facilitator"]) == ("0", "0", "1")
    assert admin.post(f"/admin/users/{mother.id}", data={"roles": ["mother", "facilitator"], "active": "y"}
                      ).status_code == 302
    shown = _shown(coordinator)
    assert (shown["Arabic"], shown["Mother"], shown["Facilitator"]) == ("1", "1", "1")


def test_a_core_update_a_bulk_insert_and_a_core_delete_change_the_counts_at_once(app, db):
    mother = make_mother(language="ar")
    coordinator = _coordinator(app)
    assert _shown(coordinator)["Arabic"] == "1"
    db.session.execute(update(User).where(User.id == mother.id).values(language="am", first_time_mother=True))
    db.session.commit()
    shown = _shown(coordinator)
    assert (shown["Arabic"], shown["Amharic"], shown["First-time mothers"]) == ("0", "1", "1")
    db.session.execute(insert(User), [{"id": 9000 + n, "name": f"Loaded {n}", "email": f"loaded{n}@example.org",
                                       "password_hash": "x", "language": "es"} for n in range(3)])
    db.session.execute(insert(UserRole), [{"user_id": 9000 + n, "role": "mother"} for n in range(3)])
    db.session.commit()
    assert (_shown(coordinator)["Spanish"], _shown(coordinator)["Mother"]) == ("3", "4")
    db.session.execute(delete(UserRole).where(UserRole.user_id >= 9000))
    db.session.commit()
    assert (_shown(coordinator)["Spanish"], _shown(coordinator)["Mother"]) == ("0", "1")
    db.session.execute(update(User).where(User.id == mother.id).values(active=False))
    db.session.commit()
    assert _shown(coordinator)["Amharic"] == "0"


def test_a_sign_in_or_a_change_of_her_name_keeps_the_version(app, db):
    mother = make_mother(name="Noa", language="he")
    before = _version(db)
    assert before is not None
    client = app.test_client()
    login(client, mother)
    assert client.post("/account/profile", data={"name": "Noa Mizrahi", "language": "he", "notices_by": "home"}
                       ).status_code == 302
    db.session.expire_all()
    assert _version(db) == before
    db.session.execute(update(User).where(User.id == mother.id).values(language="ar"))
    assert _version(db) != before  # in the same transaction as the change


def test_a_change_rolled_back_is_counted_in_its_transaction_and_never_after(app, db):
    mother = make_mother(language="ar")
    assert services.program_overview().mothers_by_language == {"ar": 1}
    mother.language = "ru"  # flushed by the overview, not committed
    assert services.program_overview().mothers_by_language == {"ru": 1}
    db.session.rollback()
    assert services.program_overview().mothers_by_language == {"ar": 1}
    assert services.program_overview().mothers_by_language == {"ar": 1}


def test_a_locality_renamed_shows_its_new_name_at_once(app, db, client):
    rahat = _place("Rahat")
    make_mother(locality_id=rahat.id)
    login(client, make_user("coordinator", language="en"))
    assert _shown(client)["Rahat"] == "1"
    try:
        db.session.execute(update(Locality).where(Locality.id == rahat.id).values(name_en="Rahat (renamed)"))
        db.session.commit()
        assert _shown(client)["Rahat (renamed)"] == "1"
    finally:  # localities are kept from test to test
        db.session.execute(update(Locality).where(Locality.id == rahat.id).values(name_en="Rahat"))
        db.session.commit()
    assert _shown(client)["Rahat"] == "1"


def test_another_process_sees_a_change_made_by_this_one_at_once(app, db, tmp_path):
    other_app = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path))
    make_mother(language="ar")
    coordinator = make_user("coordinator", language="en")
    here, there = app.test_client(), other_app.test_client()
    login(here, coordinator)
    there.post("/login", data={"identifier": coordinator.email, "password": PASSWORD})
    assert _shown(here)["Arabic"] == _shown(there)["Arabic"] == "1"
    assert _shown(here)["Arabic"] == _shown(there)["Arabic"] == "1"  # each kept its own
    make_mother(language="ar")
    assert _shown(here)["Arabic"] == _shown(there)["Arabic"] == "2"


def test_emptied_tables_change_the_version_so_no_counts_are_kept_from_before(app, db):
    make_mother(language="ar")
    assert services.program_overview().mothers_by_language == {"ar": 1}
    db.session.remove()  # no transaction left open while the tables are emptied (PostgreSQL waits for it)
    _empty_tables(app)  # TRUNCATE on PostgreSQL, DELETE on SQLite: what every test leaves behind
    assert services.program_overview().mothers_by_language == {}


def test_without_its_version_row_the_overview_counts_every_time_until_a_change_makes_it_again(app, db):
    make_mother(language="ar")
    db.session.execute(delete(DataVersion))
    db.session.commit()
    for _ in range(2):
        with count_queries(db.engine) as counted:
            assert services.program_overview().mothers_by_language == {"ar": 1}
        assert _counted(counted.statements)
    make_mother(language="he")
    assert _version(db) is not None
    assert services.program_overview().mothers_by_language == {"ar": 1, "he": 1}
    with count_queries(db.engine) as counted:
        assert services.program_overview().mothers_by_language == {"ar": 1, "he": 1}
    assert not _counted(counted.statements)


def test_two_changes_in_one_transaction_with_a_look_between_are_both_counted_after_it(app, db):
    first, second = make_mother(language="ar"), make_mother(language="ar")
    assert services.program_overview().mothers_by_language == {"ar": 2}
    first.language = "ru"
    assert services.program_overview().mothers_by_language == {"ar": 1, "ru": 1}  # her own change, not committed
    db.session.execute(update(User).where(User.id == second.id).values(language="he"))
    db.session.commit()
    assert services.program_overview().mothers_by_language == {"ru": 1, "he": 1}
