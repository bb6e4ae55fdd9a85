"""Thanks as people use it, on a phone, through links and forms only, with axe on every page."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from groups_app.core.mail import OutgoingMail
from groups_app.thanks.models import Dedication
from groups_app.visits.models import Case, Volunteer
from tests.conftest import PASSWORD, make_user, today

FIRST = "ስለ ሁሉም ነገር አመሰግናለሁ። ልጄን ለማጥባት ረዳሽኝ።"  # Thank you for everything. You helped me breastfeed my baby.
SECOND = "ሁሌም አስታውስሻለሁ።"  # I will always remember you.


def sign_in(visitor, user):
    """From any page: the menu's Sign in link, then the form."""
    page = visitor.page
    page.locator('.site-header a[href="/login"]').click()
    visitor.check()
    page.locator("#identifier").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.language-switcher) button[type=submit]").click()
    visitor.check()


def sign_out(visitor):
    visitor.page.locator(".site-header form button").click()
    visitor.check()


def volunteer_of(mother, volunteer_user, db) -> Volunteer:
    volunteer = Volunteer(user_id=volunteer_user.id, screening="passed", commitment_from=today() - timedelta(days=90))
    db.session.add(volunteer)
    db.session.flush()
    db.session.add(Case(mother_id=mother.id, volunteer_id=volunteer.id, status="active", languages="am",
                        opened_on=today() - timedelta(days=40), matched_on=today() - timedelta(days=30),
                        baby_birth_date=today() - timedelta(days=60)))
    db.session.commit()
    return volunteer


def test_a_mother_thanks_her_volunteer_and_only_what_both_allowed_grows_on_the_tree(visitor, db):
    page = visitor.page
    mother = make_user("mother", name="Meseret Tadesse", email="meseret@example.org", language="am")
    yael = make_user("volunteer", name="Yael Cohen", email="yael@example.org", language="he")
    staff = make_user("staff", name="Sara Staff", email="sara@example.org", language="en")
    volunteer = volunteer_of(mother, yael, db)

    # The mother, in Amharic, thanks her volunteer from her home page. A link in it is refused, her words kept.
    visitor.go("/")
    sign_in(visitor, mother)
    assert visitor.page.locator("html").get_attribute("lang") == "am"
    page.locator('.thanks-home a[href="/thanks/write"]').click()
    visitor.check()
    page.locator(f'input[name="mentor"][value="v{volunteer.id}"]').check()
    assert page.locator("#language").input_value() == "am"
    page.locator("#message").fill(FIRST + " www.example.org")
    page.locator("form.thanks-form button[type=submit]").click()
    visitor.check()
    assert page.locator("#message-error").is_visible()
    assert page.locator("#message").input_value() == FIRST + " www.example.org"
    page.locator("#message").fill(FIRST)
    page.locator("form.thanks-form button[type=submit]").click()
    visitor.check()
    assert page.url.endswith("/thanks/mine")
    assert page.locator(f'#written-{db.session.scalar(select(Dedication.id))} blockquote[lang="am"]').inner_text() == FIRST

    # A second one, which her volunteer will not agree to show.
    page.locator('main a[href="/thanks/write"]').click()
    visitor.check()
    page.locator(f'input[name="mentor"][value="v{volunteer.id}"]').check()
    page.locator("#message").fill(SECOND)
    page.locator("form.thanks-form button[type=submit]").click()
    visitor.check()
    first, second = db.session.scalars(select(Dedication).order_by(Dedication.id)).all()
    assert (first.message, second.message) == (FIRST, SECOND)
    sign_out(visitor)

    # Her volunteer reads it in Hebrew, her language: on her home page and in her mail; she agrees to the first.
    sign_in(visitor, yael)
    assert visitor.html_dir == "rtl"
    with force_locale("he"):
        subject = _("A mother thanks you")
    notices = page.locator(".notices")
    assert subject in notices.inner_text() and FIRST in notices.inner_text()
    db.session.expire_all()
    assert db.session.scalar(select(OutgoingMail.subject).where(OutgoingMail.to == "yael@example.org")) == subject
    page.locator('.thanks-home a[href="/thanks/mine"]').click()
    visitor.check()
    page.locator(f'#dedication-{first.id} button[value="agree"]').click()
    visitor.check()
    assert page.locator(f'#dedication-{first.id} button[value="agree"]').count() == 0
    visitor.screenshot("thanks-mine-he")
    sign_out(visitor)

    # Staff approve both: only the one she agreed to may grow on the tree.
    sign_in(visitor, staff)
    page.locator('a[href="/thanks/review"]').first.click()
    visitor.check()
    visitor.screenshot("thanks-review-en")
    page.locator(f'#review-{first.id} button[value="approve"]').click()
    visitor.check()
    page.locator(f'#review-{second.id} button[value="approve"]').click()
    visitor.check()

    page.locator('.site-header a[href="/thanks/"]').click()
    visitor.check()
    assert page.locator(".tree-drawing use").count() == 1
    assert page.locator(".tree-counter").inner_text() == "1 leaf so far, of the 500 we hope for."
    leaf = page.locator('.thanks-list blockquote[lang="am"]')
    assert leaf.count() == 1 and leaf.inner_text() == FIRST
    assert SECOND not in page.content()
    visitor.screenshot("thanks-tree-en")
    visitor.choose_language("ar")
    assert visitor.html_dir == "rtl" and page.locator('.thanks-list blockquote[lang="am"][dir="ltr"]').count() == 1
    assert SECOND not in page.content()
    visitor.screenshot("thanks-tree-ar")
    sign_out(visitor)

    # Anyone sees the same tree; the second never shows.
    page.locator('.site-header a[href="/thanks/"]').click()
    visitor.check()
    assert page.locator(".thanks-list li").count() == 1 and SECOND not in page.content()

    # Her volunteer prints a certificate with her thanks, in Hebrew on A5.
    sign_in(visitor, yael)
    page.locator('.thanks-home a[href="/thanks/mine"]').click()
    visitor.check()
    page.locator(f"#certificate-{first.id}").check()
    page.locator("#size-a5").check()
    page.locator(".thanks-certificate-form button[type=submit]").click()
    visitor.check()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator('.certificate-messages blockquote[lang="am"]').inner_text() == FIRST
    assert SECOND not in page.content()
    visitor.screenshot("thanks-certificate-he")


def test_the_form_in_english_and_arabic_keeps_her_words_when_refused(visitor, db):
    page = visitor.page
    mother = make_user("mother", name="Huda Alkrenawi", email="huda@example.org", language="en")
    volunteer_of(mother, make_user("volunteer", name="Yael Cohen", email="yael2@example.org", language="he"), db)
    visitor.go("/")
    sign_in(visitor, mother)
    page.locator('.thanks-home a[href="/thanks/write"]').click()
    visitor.check()
    visitor.screenshot("thanks-write-en")
    visitor.choose_language("ar")
    assert visitor.html_dir == "rtl"
    page.locator('input[name="mentor"][value="other"]').check()
    page.locator("#outside_name").fill("Huda")
    page.locator("#outside_email").fill("huda@example.org")
    page.locator("#message").fill("شكراً لك على كل شيء")
    page.locator("#language").select_option("ar")
    page.locator("form.thanks-form button[type=submit]").click()
    visitor.check()
    assert page.locator("#outside_email-error").is_visible()
    assert page.locator("#message").input_value() == "شكراً لك على كل شيء"
    visitor.screenshot("thanks-write-refused-ar")


def test_staff_set_the_goal_and_coordinators_count_the_thanks(visitor, db):
    page = visitor.page
    mother = make_user("mother", name="Meseret Tadesse", email="meseret3@example.org", language="am")
    yael = make_user("volunteer", name="Yael Cohen", email="yael3@example.org", language="he")
    volunteer = volunteer_of(mother, yael, db)
    db.session.add(Dedication(writer_id=mother.id, mentor_id=yael.id, mentor_kind="volunteer", volunteer_id=volunteer.id,
                              message=FIRST, language="am", signed_as="Meseret", consent="agreed", review="approved"))
    db.session.commit()
    staff = make_user("staff", name="Sara Staff", email="sara3@example.org", language="en")
    coordinator = make_user("coordinator", name="Dina Levi", email="dina3@example.org", language="he")

    visitor.go("/")
    sign_in(visitor, staff)
    page.locator('a[href="/thanks/settings"]').first.click()
    visitor.check()
    page.locator("#goal").fill("0")
    page.locator("main form button[type=submit]").click()
    visitor.check()
    assert page.locator("#goal-error").is_visible() and page.locator("#goal").input_value() == "0"
    page.locator("#goal").fill("40")
    page.locator("main form button[type=submit]").click()
    visitor.check()
    visitor.screenshot("thanks-settings-en")
    page.locator('.site-header a[href="/thanks/"]').click()
    visitor.check()
    assert page.locator(".tree-counter").inner_text() == "1 leaf so far, of the 40 we hope for."
    sign_out(visitor)

    sign_in(visitor, coordinator)
    page.locator('a[href="/thanks/counts"]').first.click()
    visitor.check()
    row = page.locator("tr", has_text="Yael Cohen")
    assert row.locator("td").all_inner_texts() == ["1", "1"]
    visitor.screenshot("thanks-counts-he")
    visitor.choose_language("en")
    visitor.screenshot("thanks-counts-en")
