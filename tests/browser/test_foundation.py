"""A newcomer's first visit, as she would do it on her phone."""
from tests.browser.conftest import emailed_path
from tests.conftest import PASSWORD, make_user


def test_new_mother_registers_switches_to_arabic_and_is_refused_a_coordinator_page(visitor, live_app, live_outbox):
    page = visitor.page
    visitor.go("/")
    assert visitor.html_dir == "rtl"  # Hebrew by default
    visitor.choose_language("en")
    assert visitor.html_dir == "ltr"
    page.get_by_role("link", name="Join").first.click()
    visitor.check()
    page.get_by_label("Your name").fill("Huda Alkrenawi")
    page.get_by_label("Email address").fill("huda@example.org")
    page.get_by_label("Password").fill("123")  # too short: refused, her input kept
    page.get_by_role("button", name="Create my account").click()
    visitor.check()
    assert page.get_by_label("Your name").input_value() == "Huda Alkrenawi"
    assert page.locator("#password-error").is_visible()
    page.get_by_label("Password").fill("olive trees in rahat")
    page.get_by_role("button", name="Create my account").click()
    visitor.check()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    visitor.screenshot("register-check-email-en")

    # She opens the link in the message we sent her, and her password finishes joining.
    visitor.go(emailed_path(live_app, "huda@example.org", "/register/confirm/"))
    visitor.screenshot("register-finish-en")
    page.get_by_label("Password").fill("olive trees in rahat")
    page.get_by_role("button", name="Finish joining").click()
    visitor.check()
    assert "/account/profile" in page.url

    page.get_by_role("button", name="Sign out").click()
    visitor.check()
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email address or phone number").fill("huda@example.org")
    page.get_by_label("Password").fill("olive trees in rahat")
    page.get_by_role("button", name="Sign in").click()
    visitor.check()

    visitor.choose_language("ar")
    assert visitor.html_dir == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    visitor.screenshot("home-ar")

    response = visitor.go("/coordinator/")
    assert response.status == 403
    assert visitor.html_dir == "rtl"


def test_pages_pass_axe_in_hebrew_arabic_and_english(visitor, app):
    admin = make_user("admin", "coordinator", email="admin@example.org")
    page = visitor.page
    visitor.go("/login")
    page.locator("#identifier").fill(admin.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.language-switcher) button[type=submit]").click()
    for lang in ("he", "ar", "en"):
        visitor.choose_language(lang)
        for path in ("/", "/account/profile", "/account/password", "/account/delete", "/admin/users",
                     f"/admin/users/{admin.id}", "/admin/audit", "/coordinator/", "/no-such-page"):
            visitor.go(path)
            assert page.locator("html").get_attribute("lang") == lang
        visitor.go("/account/profile")
        visitor.screenshot(f"profile-{lang}")
    page.locator(".site-header form button").click()
    for lang in ("he", "ar", "en"):
        visitor.choose_language(lang)
        for path in ("/", "/login", "/register", "/password/forgot", "/password/reset/not-a-token"):
            visitor.go(path)
    assert len(visitor.checked) > 40
