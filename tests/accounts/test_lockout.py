"""Sign-in is slowed down per account and address, never locked: OWASP's advice (issue 14)."""
from datetime import timedelta

import pytest
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from groups_app.accounts import auth
from groups_app.core.audit import AuditEvent
from groups_app.core.mail import outbox_messages
from groups_app.core.notify import Notice
from groups_app.core.timeutil import set_clock, utcnow
from groups_app.extensions import db
from tests.conftest import PASSWORD, deliver_mail, make_mother

# One number, fourteen ways people write it.
SPELLINGS = [
    "0501234567", "050-123-4567", "+972501234567", "00972 50 123 4567", "(050) 1234567",
    "050 123 4567", "+972-50-123-4567", "050.123.4567", "+972 (0)50 123 4567", "050-1234567",
    "05-01234567", "00972501234567", "972501234567", "٠٥٠١٢٣٤٥٦٧",
]
ATTACKERS = [f"203.0.113.{n}" for n in range(1, 6)]


def _try(identifier, password, address):
    """'ok', 'refused' (wrong password, 401) or 'throttled' (429)."""
    try:
        auth.authenticate(identifier, password, address)
    except auth.SignInThrottled:
        return "throttled"
    except auth.SignInRefused:
        return "refused"
    return "ok"


def _notices(user):
    return db.session.scalar(select(func.count(Notice.id)).where(Notice.user_id == user.id))


def _attack(identifier, addresses=ATTACKERS, tries=None):
    """Every address guesses `tries` times (the limit by default); what each try got."""
    tries = tries or current_app.config["LOGIN_MAX_FAILURES_ACCOUNT"]
    return [_try(identifier, f"guess {n}", address) for address in addresses for n in range(tries)]


def test_five_addresses_guessing_do_not_lock_her_out(app):
    mother = make_mother(email="noa@example.org", phone="+972501234567")
    results = _attack("noa@example.org")
    assert "throttled" in results  # the attack is slowed down...
    assert auth.authenticate("050-123-4567", PASSWORD, "198.51.100.7") == mother  # ...she is not


def test_under_attack_an_address_that_failed_gets_one_try_a_minute(app):
    make_mother(email="noa@example.org")
    start = utcnow()
    set_clock(app, start)
    _attack("noa@example.org")  # well over the under-attack mark
    address = ATTACKERS[-1]
    assert _try("noa@example.org", "again", address) == "throttled"
    set_clock(app, start + timedelta(minutes=1, seconds=1))
    assert _try("noa@example.org", "again", address) == "refused"  # one more try after a minute
    assert _try("noa@example.org", PASSWORD, address) == "throttled"  # and no second one in it
    set_clock(app, start + timedelta(minutes=2, seconds=2))
    assert _try("noa@example.org", PASSWORD, address) == "ok"  # rate-limited, not locked


def test_under_attack_the_wait_she_is_told_is_a_minute(app):
    make_mother(email="noa@example.org")
    _attack("noa@example.org")
    with pytest.raises(auth.SignInThrottled) as error, force_locale("en"):
        auth.authenticate("noa@example.org", PASSWORD, ATTACKERS[-1])
    with force_locale("en"):
        assert "wait 1 minute and" in str(error.value.message)


def test_a_pair_over_the_limit_waits_even_with_the_right_password(app, client):
    make_mother(email="noa@example.org")
    for _ in range(app.config["LOGIN_MAX_FAILURES_ACCOUNT"]):
        assert _try("noa@example.org", "a wrong guess", "10.0.0.1") == "refused"
    with pytest.raises(auth.SignInThrottled) as error, force_locale("en"):
        auth.authenticate("noa@example.org", PASSWORD, "10.0.0.1")
    with force_locale("en"):
        assert f"wait {app.config['LOGIN_WINDOW_MINUTES']} minutes" in str(error.value.message)
    # Through the page too (the test client signs in from 127.0.0.1).
    for _ in range(app.config["LOGIN_MAX_FAILURES_ACCOUNT"]):
        client.post("/login", data={"identifier": "noa@example.org", "password": "a wrong guess"})
    response = client.post("/login", data={"identifier": "noa@example.org", "password": PASSWORD})
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert str(app.config["LOGIN_WINDOW_MINUTES"]) in html and 'value="noa@example.org"' in html


def test_the_pair_waits_out_the_window(app):
    make_mother(email="noa@example.org")
    start = utcnow()
    set_clock(app, start)
    for _ in range(app.config["LOGIN_MAX_FAILURES_ACCOUNT"]):
        _try("noa@example.org", "a wrong guess", "10.0.0.1")
    assert _try("noa@example.org", PASSWORD, "10.0.0.1") == "throttled"
    set_clock(app, start + timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"], seconds=1))
    assert _try("noa@example.org", PASSWORD, "10.0.0.1") == "ok"


def test_spelling_variants_share_the_limit(app, capsys):
    make_mother(phone="+972501234567", email="noa@example.org")
    limit = app.config["LOGIN_MAX_FAILURES_ACCOUNT"]
    assert len(SPELLINGS) == 14
    results = [_try(spelling, "a wrong guess", "10.0.0.1") for spelling in SPELLINGS]
    guesses = results.count("refused")  # a guess that reached the password check
    with capsys.disabled():
        print(f"\nFIGURE guesses allowed per account per window through spelling variants: {guesses} (limit {limit})")
    assert guesses == limit and results.count("throttled") == len(SPELLINGS) - limit
    assert _try("noa@example.org", PASSWORD, "10.0.0.1") == "throttled"  # her email is the same account


def test_unknown_numbers_in_any_spelling_share_a_key_too(app):
    limit = app.config["LOGIN_MAX_FAILURES_ACCOUNT"]
    results = [_try(spelling.replace("4567", "4568"), "a wrong guess", "10.0.0.1") for spelling in SPELLINGS[:8]]
    assert results.count("refused") == limit  # the same answers as for an account that exists


def test_she_is_told_once_a_window_when_her_account_is_under_attack(app):
    mother = make_mother(email="noa@example.org", contact_by_email=True)
    start = utcnow()
    set_clock(app, start)
    mark = app.config["LOGIN_UNDER_ATTACK_FAILURES"]
    per_address = app.config["LOGIN_MAX_FAILURES_ACCOUNT"]
    failed = 0
    for address in ATTACKERS:
        for _ in range(per_address):
            if _try("noa@example.org", "guess", address) == "refused":
                failed += 1
            if failed < mark:
                assert _notices(mother) == 0  # not before the mark
    assert failed >= mark
    assert _notices(mother) == 1
    notice = db.session.scalar(select(Notice).where(Notice.user_id == mother.id))
    assert notice.subject == "Someone tried to sign in to your account"
    assert "wrong password" in notice.body and notice.link.endswith("/account/password")
    told = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login.under_attack")).all()
    assert len(told) == 1 and told[0].target == f"user:{mother.id}" and told[0].detail["failures"] == mark
    deliver_mail()
    mails = [m for m in outbox_messages() if m.to == "noa@example.org"]
    assert len(mails) == 1 and "wrong password" in mails[0].body
    # Still under attack a minute later: no second notice in the window...
    set_clock(app, start + timedelta(minutes=1, seconds=1))
    _attack("noa@example.org", addresses=["192.0.2.9"])
    assert _notices(mother) == 1
    # ...and one more in the next window if it goes on.
    later = start + timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"] + 1)
    set_clock(app, later)
    _attack("noa@example.org", addresses=[f"192.0.2.{n}" for n in range(20, 24)])
    assert _notices(mother) == 2


def test_no_mail_when_she_does_not_want_mail(app):
    mother = make_mother(email="noa@example.org", contact_by_email=False)
    _attack("noa@example.org")
    assert _notices(mother) == 1
    deliver_mail()
    assert [m for m in outbox_messages() if m.to == "noa@example.org"] == []


def test_an_address_guessing_across_accounts_is_refused_by_its_own_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_ADDRESS", 6)
    mothers = [make_mother(email=f"mother{n}@example.org") for n in range(4)]
    results = [_try(m.email, "guess", "10.9.9.9") for m in mothers for _ in range(2)]
    assert results.count("refused") == 6 and results[-2:] == ["throttled", "throttled"]
    assert _try(mothers[0].email, PASSWORD, "10.9.9.9") == "throttled"  # this address waits, for every account
    assert _try("nobody@example.org", PASSWORD, "10.9.9.9") == "throttled"
    assert _try(mothers[3].email, PASSWORD, "10.9.9.8") == "ok"  # another address does not


def test_refused_and_throttled_answers_do_not_depend_on_the_account_existing(app):
    make_mother(email="noa@example.org")
    known = _attack("noa@example.org", addresses=ATTACKERS[:3])
    unknown = _attack("ghost@example.org", addresses=[a.replace("203.0.113", "198.18.0") for a in ATTACKERS[:3]])
    assert known == unknown


def test_her_success_clears_only_her_own_addresss_failures(app):
    make_mother(email="noa@example.org")
    limit = app.config["LOGIN_MAX_FAILURES_ACCOUNT"]
    for _ in range(limit - 1):
        _try("noa@example.org", "typo", "10.0.0.1")
        _try("noa@example.org", "guess", "10.0.0.2")
    assert _try("noa@example.org", PASSWORD, "10.0.0.1") == "ok"
    assert _try("noa@example.org", "typo", "10.0.0.1") == "refused"  # she starts afresh
    assert _try("noa@example.org", "guess", "10.0.0.2") == "refused"
    assert _try("noa@example.org", "guess", "10.0.0.2") == "throttled"  # the other does not
