"""The audit log as an admin reads it, on a phone, with axe on every page."""
import pytest

from groups_app.accounts.auth import SignInRefused, authenticate
from groups_app.core import audit
from tests.conftest import PASSWORD, make_book, make_copy, make_group, make_user


def fail_to_sign_in(identifier: str, address: str):
    with pytest.raises(SignInRefused):
        authenticate(identifier, "not the password", address)


def test_an_admin_finds_every_sign_in_failure_of_one_person(visitor, db):
    page = visitor.page
    admin = make_user("admin", name="Dana Admin", email="dana@example.org", language="en")
    mira = make_user("mother", name="Mira Cohen", email="mira@example.org", language="en")
    make_user("mother", name="Miriam Levi", email="miriam@example.org", language="en")
    make_user("mother", name="Salma Nasser", email="salma@example.org", language="en")
    fail_to_sign_in("mira@example.org", "10.0.0.1")
    fail_to_sign_in("050-000-0000", "10.0.0.2")  # no such account
    fail_to_sign_in("salma@example.org", "10.0.0.3")
    fail_to_sign_in("MIRA@example.org", "10.0.0.4")
    fail_to_sign_in("salma@example.org", "10.0.0.5")
    authenticate("mira@example.org", PASSWORD, "10.0.0.6")
    facilitator = make_user("facilitator", name="Amal Abu-Rabia", language="en")
    group = make_group(facilitator, name="Rahat mornings")
    copy = make_copy(make_book(title="Baby's first year"), group, "RA-7")
    audit.record("loan.out", actor=facilitator, target=f"copy:{copy.code}", detail={"user": mira.id, "override": False})
    db.session.commit()

    # From the home page, signed in, to the audit log: every event is a sentence.
    visitor.go("/")
    visitor.choose_language("en")
    page.locator(".site-header").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address or phone number").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form:not(.language-switcher) button[type=submit]").click()
    visitor.check()
    page.get_by_role("link", name="Audit log").click()
    visitor.check()
    assert page.locator("h1").inner_text() == "Audit log"
    assert page.get_by_text("Amal Abu-Rabia lent Baby's first year (copy RA-7) to Mira Cohen.").is_visible()
    assert page.get_by_text("A sign-in failed: no account has that email address or phone number.").is_visible()
    assert "loan.out" not in page.locator("main").inner_text()
    visitor.screenshot("audit-log-en")

    # Part of a name matches two people: she chooses Mira.
    page.get_by_label("Person").fill("mir")
    page.get_by_label("Kind of event").select_option(label="Failed sign-in")
    page.get_by_role("button", name="Show").click()
    visitor.check()
    assert page.get_by_role("heading", name="Several people match. Whose events do you want to see?").is_visible()
    page.get_by_role("link", name="Mira Cohen").click()
    visitor.check()

    assert page.locator(".audit-events .audit-sentence").all_inner_texts() == [
        "A sign-in to the account of Mira Cohen failed."] * 2
    assert "Salma" not in page.locator("main").inner_text()
    assert page.get_by_label("Kind of event").input_value() == "login.failed"
    assert page.get_by_text("2 events").is_visible()
    visitor.screenshot("audit-log-filtered-en")

    # By her full name, straight to her; and in Arabic, right to left.
    page.get_by_label("Person").fill("Mira Cohen")
    page.get_by_role("button", name="Show").click()
    visitor.check()
    assert page.locator(".audit-events > li").count() == 2
    visitor.choose_language("ar")
    assert visitor.html_dir == "rtl"
    assert page.locator(".audit-events > li").count() == 2
    visitor.screenshot("audit-log-filtered-ar")

    # Her name leads to her page, where her roles are.
    page.locator(".audit-person a").click()
    visitor.check()
    assert "Mira Cohen" in page.locator("h1").inner_text()

