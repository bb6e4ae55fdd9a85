"""An admin finds the mail that could not be sent and sends it again, from her home page."""
from groups_app.core.mail import FAILED, QUEUED, OutgoingMail, send_mail
from tests.browser.test_groups import sign_in
from tests.conftest import make_user


def test_admin_sends_a_failed_message_again_from_her_home_card(visitor, db):
    page = visitor.page
    admin = make_user("admin", name="Dana", email="dana@example.org", language="en")
    mail = send_mail("svetlana@example.org", "A meeting is cancelled", "The meeting of Arad mornings is cancelled.")
    mail.status, mail.attempts, mail.last_error = FAILED, 8, "ConnectionRefusedError: [Errno 111] Connection refused"
    db.session.commit()

    sign_in(visitor, admin)
    visitor.choose_language("en")
    page.get_by_role("link", name="Home").first.click()
    visitor.check()
    page.get_by_role("link", name="Mail that could not be sent").click()
    visitor.check()
    assert page.get_by_text("svetlana@example.org").is_visible()
    visitor.screenshot("admin-mail-en")
    visitor.choose_language("ar")
    assert visitor.html_dir == "rtl"
    visitor.screenshot("admin-mail-ar")
    visitor.choose_language("en")
    page.get_by_role("button", name="Try again").click()
    visitor.check()
    assert page.get_by_text("will be sent again in a moment").is_visible()
    assert page.get_by_text("No message is waiting").is_visible()
    db.session.expire_all()
    assert db.session.get(OutgoingMail, mail.id).status == QUEUED
