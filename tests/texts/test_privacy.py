"""What texts keep about her: her number and the words only until sent, nothing once her account is
gone (a queued text is then never sent), and all of it in her data download."""
from sqlalchemy import select

from groups_app.accounts.services import data_export, delete_account
from groups_app.texts.models import InboundText, OutgoingText
from groups_app.texts.outbox import queue_text
from groups_app.texts.sender import deliver_due
from tests.conftest import PASSWORD
from tests.texts.conftest import make_texting_mother
from tests.texts.fake_provider import FakeProvider


def test_a_sent_text_keeps_neither_her_number_nor_the_words(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "TEXT_QUIET_HOURS", "")
    text = queue_text(make_texting_mother(), "Your book is waiting", kind="hold_ready", group_id=None)
    db.session.commit()
    deliver_due()
    db.session.refresh(text)
    assert (text.status, text.to, text.body, text.segments) == ("sent", "", "", 1)


def test_when_her_account_is_deleted_her_texts_are_not_sent_and_her_replies_go(app, db, client, webhook, monkeypatch):
    monkeypatch.setitem(app.config, "TEXT_QUIET_HOURS", "")
    mother = make_texting_mother()
    assert FakeProvider().post_inbound(app, client, mother.phone, "Thanks") == 200
    queue_text(mother, "Your book is waiting", kind="hold_ready")
    db.session.commit()
    delete_account(mother, PASSWORD)
    done = deliver_due()
    assert (done.sent, done.failed) == (0, 0)
    [text] = db.session.scalars(select(OutgoingText)).all()
    assert (text.status, text.user_id, text.to, text.body) == ("failed", None, "", "")
    assert db.session.scalars(select(InboundText)).all() == []


def test_her_texts_and_replies_are_in_her_data_download(app, db, client, webhook):
    mother = make_texting_mother()
    queue_text(mother, "Your book is waiting", kind="hold_ready")
    db.session.commit()
    FakeProvider().post_inbound(app, client, mother.phone, "stop")
    data = {}
    for part in data_export.collect(mother):
        data.update(part)
    assert [(t["kind"], t["status"]) for t in data["text_messages"]] == [("hold_ready", "failed"),
                                                                          ("stop_confirmed", "queued")]
    assert data["text_replies"][0]["words"] == "stop" and data["text_replies"][0]["what_the_app_did"] == "stop"
