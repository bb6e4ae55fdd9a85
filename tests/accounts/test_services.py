"""Registration, profile, roles, data export and deletion, called without HTTP."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from groups_app.accounts import auth, services
from groups_app.accounts.models import User, UserRole, UserSession
from groups_app.core.audit import AuditEvent
from groups_app.core.errors import DomainError
from groups_app.core.mail import outbox_messages
from groups_app.core.places import Locality
from groups_app.core.timeutil import set_clock, today, utcnow
from tests.conftest import PASSWORD, deliver_mail, make_mother, make_user

GOOD = "three small green apples"


def register(**overrides):
    values = {"name": "Noa", "email": "noa@example.org", "phone": None, "language": "he", "password": GOOD}
    values.update(overrides)
    return services.register(**values)


def _link_token(app, to: str) -> str:
    """The token of the link that finishes joining, from the last message to `to`."""
    deliver_mail()
    body = [m for m in outbox_messages(app.config["OUTBOX_DIR"]) if m.to == to][-1].body
    return body.split("/register/confirm/")[1].split()[0]


def test_register_by_email_waits_for_the_link_then_she_can_sign_in(app):
    user = register(email=" Noa@Example.org ")
    assert user.email == "noa@example.org"
    assert user.role_names == {"mother"}
    assert user.awaiting_confirmation
    with pytest.raises(auth.SignInRefused):  # not before she opened the link
        auth.authenticate("noa@example.org", GOOD, "1.1.1.1")
    token = _link_token(app, "noa@example.org")
    assert services.pending_account(token) == user
    with pytest.raises(DomainError) as error:
        services.confirm_email(token, "not her password")
    assert error.value.field == "password"
    assert services.confirm_email(token, GOOD) == user
    assert services.pending_account(token) is None  # the link works once
    assert auth.authenticate("noa@example.org", GOOD, "1.1.1.1") == user


def test_a_forged_or_expired_joining_link_is_refused(app):
    user = register()
    token = _link_token(app, "noa@example.org")
    payload, signature = token.rsplit(".", 1)
    forged = f"{payload}.{'B' if signature[0] != 'B' else 'C'}{signature[1:]}"  # the first character decodes in full
    assert services.pending_account(forged) is None
    assert services.pending_account("not-a-token") is None
    user.email = "other@example.org"  # the link names the address it was sent to
    assert services.pending_account(token) is None
    user.email = "noa@example.org"
    set_clock(app, utcnow() + timedelta(days=app.config["CONFIRM_EMAIL_DAYS"], minutes=1))
    try:
        assert services.pending_account(token) is None
    finally:
        set_clock(app, None)


def test_a_password_reset_finishes_joining_too(app):
    user = register()
    auth.request_password_reset("noa@example.org")
    deliver_mail()
    body = outbox_messages(app.config["OUTBOX_DIR"])[-1].body
    auth.reset_password(body.split("/password/reset/")[1].split()[0], "a brand new passphrase")
    assert not user.awaiting_confirmation
    assert auth.authenticate("noa@example.org", "a brand new passphrase", "1.1.1.1") == user


def test_register_with_phone_only(app):
    user = register(email=None, phone="052-765 4321")
    assert user.phone == "+972527654321"
    assert user.contact_by_sms and not user.contact_by_email


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": "  "}, "name"),
        ({"email": None, "phone": None}, "email"),
        ({"email": None, "phone": "12"}, "phone"),
        ({"language": "fr"}, "language"),
        ({"password": "short"}, "password"),
        ({"password": "password123"}, "password"),
        ({"password": "qwertyuiop"}, "password"),
        ({"password": "aaaaaaaaaaaa"}, "password"),
        ({"name": "Miriam", "password": "i am miriam cohen"}, "password"),
    ],
)
def test_register_refuses_bad_input_and_writes_nothing(app, db, overrides, field):
    with pytest.raises(DomainError) as error:
        register(**overrides)
    assert error.value.field == field
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_long_and_unusual_passwords_are_welcome(app):
    long_one = "מילים בעברית and English words, pasted from a manager " * 2
    assert len(long_one) > 64
    user = register(password=long_one)
    services.confirm_email(_link_token(app, "noa@example.org"), long_one)
    assert auth.authenticate("noa@example.org", long_one, "1.1.1.1") == user


def test_register_with_a_taken_email_makes_nothing_and_mails_the_owner(app, db):
    owner = make_mother(email="noa@example.org", language="ar")
    assert register(name="Other", phone=None) is None  # no error: the page answers as for a new account
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert auth.authenticate("noa@example.org", PASSWORD, "1.1.1.1") == owner  # her account as it was
    deliver_mail()
    [message] = outbox_messages(app.config["OUTBOX_DIR"])
    assert message.to == "noa@example.org"
    assert "/login" in message.body and "/password/forgot" in message.body
    assert "/register/confirm/" not in message.body and any("\u0600" <= ch <= "\u06ff" for ch in message.body)


def test_joining_again_before_opening_the_link_sends_a_fresh_link_and_changes_nothing(app, db):
    first = register(password=GOOD)
    assert register(name="Someone else", password="another long passphrase") is None
    assert first.name == "Noa" and db.session.scalar(select(func.count(User.id))) == 1
    deliver_mail()
    links = [m for m in outbox_messages(app.config["OUTBOX_DIR"]) if "/register/confirm/" in m.body]
    assert len(links) == 2
    token = links[-1].body.split("/register/confirm/")[1].split()[0]
    with pytest.raises(DomainError):  # the one who used her address first does not get in with theirs
        services.confirm_email(token, "another long passphrase")
    assert services.confirm_email(token, GOOD) == first


def test_register_refuses_a_taken_phone(app):
    register(phone="0501112222")
    with pytest.raises(DomainError) as error:
        register(name="Other", email="other@example.org", phone="050-111-2222")
    assert error.value.field == "phone"


def test_password_is_stored_hashed_slowly(app):
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    try:
        user = register()
    finally:
        app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
    assert user.password_hash.startswith("scrypt:") and GOOD not in user.password_hash


def test_update_profile(app, db):
    mother = make_mother()
    beersheba = db.session.scalar(select(Locality).where(Locality.name_en == "Beersheba"))
    services.update_profile(mother, name="Noa M.", other_languages=["ar", "ru", "xx"],
                            due_date=today() + timedelta(days=60), first_time_mother=True,
                            locality_id=beersheba.id)
    assert mother.name == "Noa M."
    assert mother.locality.name("he") == "באר שבע"
    assert mother.read_languages == ["en", "ar", "ru"]
    assert mother.first_time_mother is True


def test_profile_refuses_a_birth_date_in_the_future_and_keeps_the_old_values(app, db):
    mother = make_mother(name="Noa")
    with pytest.raises(DomainError) as error:
        services.update_profile(mother, name="Changed", baby_birth_date=today() + timedelta(days=1))
    assert error.value.field == "baby_birth_date"
    db.session.rollback()
    assert db.session.get(User, mother.id).name == "Noa"


def test_profile_contact_needs_the_means(app):
    mother = make_mother(email="noa@example.org")
    with pytest.raises(DomainError):
        services.update_profile(mother, contact_by_sms=True)


def test_set_access_grants_and_removes_roles_with_an_audit_trail(app, db):
    admin = make_user("admin")
    person = make_mother()
    services.set_access(person, {"mother", "facilitator"}, True, by=admin)
    assert person.role_names == {"mother", "facilitator"}
    services.set_access(person, {"facilitator"}, True, by=admin)
    assert person.role_names == {"facilitator"}
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["role.granted", "role.removed"]
    assert db.session.scalar(select(AuditEvent.actor_id).limit(1)) == admin.id


def test_admin_cannot_remove_her_own_admin_role_or_disable_herself(app):
    admin = make_user("admin")
    with pytest.raises(DomainError):
        services.set_access(admin, {"mother"}, True, by=admin)
    with pytest.raises(DomainError):
        services.set_access(admin, {"admin"}, False, by=admin)


def test_unknown_role_is_refused(app):
    admin = make_user("admin")
    with pytest.raises(DomainError):
        services.set_access(make_mother(), {"queen"}, True, by=admin)


def test_export_holds_her_data_and_no_password(app):
    mother = make_mother(email="noa@example.org", due_date=date(2027, 1, 5))
    data = services.export_user_data(mother)
    assert data["account"]["email"] == "noa@example.org"
    assert data["account"]["due_date"] == "2027-01-05"
    assert "password" not in repr(data).lower()


def test_delete_account_erases_her_and_her_sessions(app, db):
    mother = make_mother()
    auth.start_session(mother)
    with pytest.raises(DomainError):
        services.delete_account(mother, "wrong password")
    services.delete_account(mother, PASSWORD)
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert db.session.scalar(select(func.count()).select_from(UserRole)) == 0
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)) == "account.deleted"


def test_the_last_admin_cannot_delete_her_account(app):
    admin = make_user("admin")
    with pytest.raises(DomainError):
        services.delete_account(admin, PASSWORD)
