"""Referring a mother on a phone, in Arabic, through the home page's link; and the coordinator
reading, checking and accepting the referral."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from groups_app.visits.models import Case, Referral
from groups_app.visits.services.area import set_area
from tests.browser.test_groups import sign_in
from tests.conftest import locality, make_group, make_user, today


def _fill(page, phone: str):
    page.locator("#mother_name").fill("سلمى أبو كف")
    page.locator("#phone").fill(phone)
    page.locator("#locality_id").select_option(str(locality("Rahat").id))
    page.locator("#baby_birth_date").fill((today() - timedelta(days=40)).isoformat())
    page.locator("#mother_age").fill("19")
    page.locator("#first_baby-0").check()
    page.locator("#source-1").check()  # a nurse
    page.locator("#referrer_name").fill("الممرضة رنا")
    page.locator("#consent").check()


def test_a_nurse_refers_a_mother_in_arabic_from_the_home_page(visitor, db):
    page = visitor.page
    visitor.go("/")
    visitor.choose_language("ar")
    page.locator("nav a[href='/refer']").first.click()
    visitor.check()
    assert visitor.html_dir == "rtl" and page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("#languages-0").get_attribute("value") == "ar" and page.locator("#languages-0").is_checked()
    trap = page.locator(".referral-trap").bounding_box()  # out of sight; a program still fills it in
    assert trap["width"] <= 1 and trap["height"] <= 1
    _fill(page, "050-12")  # a digit short: refused, every word kept
    page.locator("form:not(.language-switcher) button[type=submit]").click()
    visitor.check()
    assert page.locator("#phone-error").is_visible()
    assert page.locator("#mother_name").input_value() == "سلمى أبو كف"
    assert page.locator("#referrer_name").input_value() == "الممرضة رنا"
    assert page.locator("#consent").is_checked()
    visitor.screenshot("referral-form-refused-ar")
    page.locator("#phone").fill("050-123-4567")
    page.locator("form:not(.language-switcher) button[type=submit]").click()
    visitor.check()
    assert visitor.html_dir == "rtl" and page.locator("main ol li").count() == 3
    visitor.screenshot("referral-thanks-ar")
    referral = db.session.scalar(select(Referral))
    assert (referral.phone, referral.languages, referral.source) == ("+972501234567", "ar", "nurse")


def test_the_form_in_english(visitor, db):
    visitor.go("/")
    visitor.choose_language("en")
    visitor.page.get_by_role("link", name="Refer a mother").first.click()
    visitor.check()
    visitor.screenshot("referral-form-en")


def _referral(db, **fields):
    values = dict(mother_name="Salma Abu-Kaf", phone="+972501234567", locality_id=locality("Tel Sheva").id,
                  languages="ar,he", baby_birth_date=today() - timedelta(days=40), source="nurse", consent=True,
                  referrer_name="Nurse Rina", mother_age=19, first_baby=True)
    values.update(fields)
    referral = Referral(**values)
    db.session.add(referral)
    db.session.commit()
    return referral


def _to_inbox(visitor):
    """From her home page's home-visits card."""
    visitor.page.locator("a.brand").click()
    visitor.check()
    visitor.page.locator("main a[href='/visits/referrals']").first.click()
    visitor.check()


def test_the_coordinator_checks_eligibility_and_accepts(visitor, db):
    page = visitor.page
    coordinator = make_user("coordinator", name="Dina", email="dina@example.org", language="en")
    set_area([locality("Beersheba").id, locality("Rahat").id], by=coordinator)
    make_group(name="Rahat mornings", place="Rahat", languages=["ar"], by=coordinator)
    outside = _referral(db)
    sign_in(visitor, coordinator)
    _to_inbox(visitor)
    visitor.screenshot("referral-inbox-en")
    page.get_by_role("link", name="Salma Abu-Kaf").click()
    visitor.check()
    assert "outside the program" in page.content()
    page.get_by_role("button", name="Accept and open a case").click()  # not eligible: refused
    visitor.check()
    assert page.locator("#override-error").is_visible()
    page.get_by_label("Accept it although it is not eligible").check()
    page.get_by_label("Why").fill("She moves to Rahat next week.")
    page.get_by_role("button", name="Accept and open a case").click()
    visitor.check()
    assert "her case is open" in page.content()
    assert db.session.scalar(select(Case.referral_id)) == outside.id
    visitor.screenshot("referral-accepted-en")
    page.get_by_role("link", name="All referrals").click()
    visitor.check()
    page.get_by_role("link", name="The localities the program serves").click()
    visitor.check()
    visitor.screenshot("service-area-en")


def test_the_coordinators_pages_in_arabic(visitor, db):
    page = visitor.page
    coordinator = make_user("coordinator", name="Dina", email="dina@example.org", language="ar")
    set_area([locality("Beersheba").id], by=coordinator)
    make_group(name="Rahat mornings", place="Rahat", languages=["ar"], by=coordinator)
    _referral(db)
    _referral(db, mother_name="Rana", phone="+972527654321", locality_id=locality("Beersheba").id)
    sign_in(visitor, coordinator)
    _to_inbox(visitor)
    assert visitor.html_dir == "rtl"
    visitor.screenshot("referral-inbox-ar")
    page.locator("main .card-title a").last.click()
    visitor.check()
    page.locator("#note").fill("اتصلت بها، ستفكر في الأمر.")
    page.locator("#status").select_option("contacted")
    page.locator("main form button[type=submit]").first.click()
    visitor.check()
    visitor.screenshot("referral-page-ar")
    page.locator("main a[href='/visits/referrals']").first.click()
    visitor.check()
    page.locator("main a[href='/visits/area']").click()
    visitor.check()
    visitor.screenshot("service-area-ar")
