"""Phone numbers in any spelling are one number (E.164), and sign-in throttling says its own window.

Numbers are from the fictional 050-123-xxxx range, or the ranges set aside for drama abroad.
"""
import logging
import logging.config
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from groups_app.accounts import auth, services
from groups_app.accounts.models import LoginFailure, User
from groups_app.core.errors import DomainError
from groups_app.core.phones import InvalidPhoneNumber, display_phone, e164_or_none, normalise_phone
from groups_app.core.places import import_localities
from groups_app.core.timeutil import utcnow
from tests.conftest import PASSWORD, login, make_mother, make_user

GOOD = "three small green apples"


def register(**overrides):
    values = {"name": "Noa", "email": None, "phone": "050-123-4567", "language": "he", "password": GOOD}
    values.update(overrides)
    return services.register(**values)


# ---- the numbers themselves -----------------------------------------------------------------

@pytest.mark.parametrize("spelling", [
    "050-123-4567", "0501234567", "050 123 4567", "+972 50-123-4567", "+972501234567", "00972 50 123 4567",
    "(050) 1234567", "+972 (0)50 123 4567", " 050.123.4567 ", "٠٥٠١٢٣٤٥٦٧",  # Arabic-Indic digits too
])
def test_every_spelling_of_an_israeli_mobile_is_one_number(spelling):
    assert normalise_phone(spelling) == "+972501234567"


@pytest.mark.parametrize(("spelling", "e164"), [
    ("+1 202 555 0143", "+12025550143"),
    ("001 202 555 0143", "+12025550143"),
    ("+44 7700 900123", "+447700900123"),
    ("0044 7700 900123", "+447700900123"),
])
def test_a_number_from_abroad_keeps_its_country(spelling, e164):
    assert normalise_phone(spelling) == e164


def test_a_landline_is_a_phone_number_too():
    assert normalise_phone("08-123-4567") == "+97281234567"


@pytest.mark.parametrize("typed", ["12", "050-123", "abc", "050-123-ABCD", "050123456", "0501234567890", "+",
                                   "050-123-4567 ext. 5", "+999 123 4567"])
def test_what_cannot_be_a_phone_number_is_refused(typed):
    with pytest.raises(InvalidPhoneNumber):
        normalise_phone(typed)
    assert e164_or_none(typed) is None


def test_nothing_written_is_no_number():
    assert normalise_phone(None) is None and normalise_phone("  ") is None


def test_display_is_national_at_home_and_international_abroad():
    assert display_phone("+972501234567") == "050-123-4567"
    assert display_phone("+97281234567") == "08-123-4567"
    assert display_phone("+12025550143") == "+1 202-555-0143"
    assert display_phone(None) == "" and display_phone("") == ""
    assert display_phone("not a number") == "not a number"


# ---- registration, profile, sign-in, look-ups -----------------------------------------------

def test_register_stores_e164_and_refuses_another_spelling_as_a_duplicate(app, db):
    user = register(phone="050-123-4567")
    assert user.phone == "+972501234567"
    with pytest.raises(DomainError) as error:
        register(name="Noa again", phone="00972 50 123 4567")
    assert error.value.field == "phone"
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_register_accepts_a_number_from_abroad(app):
    assert register(phone="+1 202 555 0143").phone == "+12025550143"


def test_register_refuses_what_is_not_a_number(app, db):
    with pytest.raises(DomainError) as error:
        register(phone="050-123")
    assert error.value.field == "phone"


def test_she_signs_in_with_any_spelling_of_her_number(app, db, client):
    mother = register(phone="050-123-4567", password=GOOD)
    for spelling in ("0501234567", "+972 50 123 4567", "00972501234567"):
        assert auth.authenticate(spelling, GOOD, "1.2.3.4") == mother
    db.session.commit()  # as the sign-in page does, before the next request
    response = client.post("/login", data={"identifier": "(050) 123-4567", "password": GOOD})
    assert response.status_code == 302


def test_facilitators_look_up_finds_her_by_any_spelling(app):
    mother = make_mother(phone="+972501234567", email=None)
    assert auth.find_by_identifier("050 123 4567") == mother
    assert auth.find_by_identifier("00972-50-123-4567") == mother
    assert auth.find_by_identifier("050-123") is None


def test_admin_search_finds_her_by_a_whole_number_in_any_spelling(app):
    mother = make_mother(phone="+972501234567", email=None)
    assert list(services.search_users("050-123-4567").items) == [mother]


def test_another_spelling_is_no_fresh_start_for_the_throttle(app):
    register(phone="050-123-4567")
    spellings = ["0501234567", "050-123-4567", "+972501234567", "00972 50 123 4567", "(050) 1234567"]
    for spelling in spellings[: app.config["LOGIN_MAX_FAILURES_ACCOUNT"]]:
        with pytest.raises(auth.SignInRefused):
            auth.authenticate(spelling, "a wrong guess", "10.0.0.1")
    with pytest.raises(auth.SignInThrottled):
        auth.authenticate("050 123 4567", GOOD, "10.0.0.1")


def test_register_page_with_a_bad_number_says_so_by_the_field_and_keeps_the_rest(client, db):
    response = client.post("/register", data={"name": "Huda Alkrenawi", "email": "huda@example.org",
                                               "phone": "050-12x", "language": "ar", "password": GOOD})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="phone-error"' in html
    assert 'value="Huda Alkrenawi"' in html and 'value="huda@example.org"' in html and 'value="050-12x"' in html
    assert db.session.scalar(select(func.count(User.id))) == 0


def _profile_data(**overrides):
    data = {"name": "Noa", "language": "en", "first_time_mother": "", "notices_by": "email"}
    data.update(overrides)
    return data


def test_profile_shows_her_number_as_she_knows_it_and_stores_any_spelling_as_e164(client, db):
    mother = make_mother(email="noa@example.org", phone="+972501234567")
    login(client, mother)
    assert 'value="050-123-4567"' in client.get("/account/profile").get_data(as_text=True)
    response = client.post("/account/profile", data=_profile_data(phone="+44 7700 900123"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, mother.id).phone == "+447700900123"


def test_profile_refuses_a_bad_or_taken_number_and_keeps_what_she_typed(client, db):
    make_mother(phone="+972501230001", email=None)
    mother = make_mother(email="noa@example.org", phone="+972501234567", name="Noa")
    login(client, mother)
    for typed in ("050-1234", "050-123-0001"):
        response = client.post("/account/profile", data=_profile_data(name="Noa Mizrahi", phone=typed))
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert 'id="phone-error"' in html and f'value="{typed}"' in html and 'value="Noa Mizrahi"' in html
    db.session.expire_all()
    saved = db.session.get(User, mother.id)
    assert (saved.name, saved.phone) == ("Noa", "+972501234567")


def test_profile_cannot_remove_her_only_means_of_signing_in(app):
    mother = make_mother(phone="+972501234567", email=None)
    with pytest.raises(DomainError) as error:
        services.update_profile(mother, phone="")
    assert error.value.field == "phone"


def test_a_password_may_not_hold_her_number_in_any_spelling(app):
    with pytest.raises(DomainError) as error:
        register(phone="+972 50-123-4567", password="tea 0501234567")
    assert error.value.field == "password"


def test_admin_pages_show_the_number_as_people_write_it(client):
    admin = make_user("admin")
    mother = make_mother(phone="+972501234567", email=None, name="Noa")
    login(client, admin)
    assert "050-123-4567" in client.get("/admin/users").get_data(as_text=True)
    assert "050-123-4567" in client.get(f"/admin/users/{mother.id}").get_data(as_text=True)


# ---- throttling -----------------------------------------------------------------------------

def _throttle(app, identifier="noa@example.org"):
    for _ in range(app.config["LOGIN_MAX_FAILURES_ACCOUNT"]):
        with pytest.raises(auth.SignInRefused):
            auth.authenticate(identifier, "a wrong guess", "10.0.0.1")
    with pytest.raises(auth.SignInThrottled) as error:
        auth.authenticate(identifier, PASSWORD, "10.0.0.1")
    return str(error.value.message)


def test_throttle_message_says_the_configured_window(app, monkeypatch):
    make_mother(email="noa@example.org")
    monkeypatch.setitem(app.config, "LOGIN_WINDOW_MINUTES", 7)
    with force_locale("en"):
        message = _throttle(app)
    assert "wait 7 minutes" in message and "15" not in message


def test_throttle_message_of_one_minute_is_singular(app, monkeypatch):
    make_mother(email="noa@example.org")
    monkeypatch.setitem(app.config, "LOGIN_WINDOW_MINUTES", 1)
    with force_locale("en"):
        assert "wait 1 minute and" in _throttle(app)


def test_a_new_failure_clears_failures_older_than_the_window(app, db):
    window = timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"])
    old = utcnow() - window - timedelta(minutes=1)
    recent = utcnow() - window / 2
    db.session.add_all([LoginFailure(account_key="k", address="9.9.9.9", at=old) for _ in range(3)])
    db.session.add(LoginFailure(account_key="k", address="9.9.9.9", at=recent))
    db.session.commit()
    with pytest.raises(auth.SignInRefused):
        auth.authenticate("someone@example.org", "a wrong guess", "1.2.3.4")
    assert db.session.scalar(select(func.count(LoginFailure.id))) == 2  # the recent one and the new one
    assert db.session.scalar(select(func.count(LoginFailure.id)).where(LoginFailure.at < utcnow() - window)) == 0


# ---- the migration that brought the stored numbers to E.164 ---------------------------------

class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def test_migration_0005_turns_stored_numbers_to_e164_and_reports_clashes(app, db, monkeypatch):
    users = sa.table("users", *(sa.column(c) for c in (
        "id", "name", "email", "phone", "password_hash", "language", "other_languages", "timezone",
        "contact_by_email", "contact_by_sms", "contact_by_phone", "active", "created_at")))
    stored = {
        "legacy": "0501230001",  # as the old code kept '050-123-0001'
        "double": "00972501230002",  # as it kept '00972 50 123 0002'
        "abroad": "+12025550143",  # already E.164
        "clash_a": "0501234567",
        "clash_b": "+972501234567",  # the same mother twice, or two mothers who typed one number
        "unreadable": "12345",
        "email_only": None,
    }
    # env.py would reset logging (and drop the handler below) each time it runs
    monkeypatch.setattr(logging.config, "fileConfig", lambda *args, **kwargs: None)
    db.session.remove()
    downgrade(revision="0004")
    lines = _Lines()
    migration_log = logging.getLogger("alembic.runtime.migration")
    migration_log.addHandler(lines)
    try:
        with db.engine.begin() as connection:
            for key, phone in stored.items():
                connection.execute(users.insert().values(
                    name=key, email=f"{key}@example.org" if phone is None else None, phone=phone, password_hash="x",
                    language="he", other_languages="", timezone="Asia/Jerusalem", contact_by_email=False,
                    contact_by_sms=False, contact_by_phone=False, active=True, created_at=utcnow()))
        upgrade(revision="0005")
    finally:
        migration_log.removeHandler(lines)
        upgrade()  # back to head for every other test
        # 0004 had no Arabic or Russian names for the places (0006 added the columns): the session's
        # import again, so that tests run after this one (tests/core/test_places.py) find them
        import_localities(Path(current_app.config["LIBRARY_DIR"]) / "localities.csv")
    with db.engine.connect() as connection:
        rows = dict(connection.execute(sa.select(users.c.name, users.c.phone)).all())
        ids = dict(connection.execute(sa.select(users.c.name, users.c.id)).all())
    assert rows == {
        "legacy": "+972501230001",
        "double": "+972501230002",
        "abroad": "+12025550143",
        "clash_a": "0501234567",
        "clash_b": "+972501234567",
        "unreadable": "12345",
        "email_only": None,
    }
    clash = [line for line in lines.lines if line.startswith("phones e164") and "+972501234567" in line]
    assert len(clash) == 1 and str(ids["clash_a"]) in clash[0] and str(ids["clash_b"]) in clash[0]
    assert any(str(ids["unreadable"]) in line and "12345" in line for line in lines.lines)
