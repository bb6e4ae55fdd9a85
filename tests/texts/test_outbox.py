"""Queueing texts: in the current transaction, only to phones that take texts, outside quiet
hours unless urgent (program zone), and never twice for one key, even from two sessions at once."""
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from groups_app.core.audit import AuditEvent
from groups_app.core.timeutil import aware, set_clock, utcnow
from groups_app.texts.models import OutgoingText
from groups_app.texts.outbox import queue_text
from groups_app.texts.sender import deliver_due
from tests.conftest import make_user
from tests.texts.conftest import IL_LANDLINE, make_texting_mother

ISRAEL = ZoneInfo("Asia/Jerusalem")


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=ISRAEL)


def _count(db) -> int:
    return db.session.scalar(select(func.count(OutgoingText.id)))


def test_a_text_is_queued_with_its_encoding_and_segments(app, db):
    set_clock(app, _at(10, 12))
    mother = make_texting_mother(language="ar")
    text = queue_text(mother, "تم إلغاء لقاء الغد", kind="meeting_cancelled", group_id=None)
    db.session.commit()
    assert (text.to, text.encoding, text.segments, text.status) == (mother.phone, "UCS-2", 1, "queued")
    assert aware(text.next_attempt_at) == utcnow()


def test_a_rolled_back_change_queues_nothing(app, db):
    queue_text(make_texting_mother(), "Meeting cancelled", kind="meeting_cancelled")
    db.session.rollback()
    assert _count(db) == 0


def test_a_phone_that_cannot_take_texts_queues_nothing_and_is_logged(app, db):
    landline = make_user("mother", email=None, phone=IL_LANDLINE, contact_by_sms=True)
    no_phone = make_user("mother")
    assert queue_text(landline, "Hello", kind="hold_ready") is None
    assert queue_text(no_phone, "Hello", kind="hold_ready") is None
    db.session.commit()
    assert _count(db) == 0
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "text.unreachable")
                                .order_by(AuditEvent.id)).all()
    assert [(e.target, e.detail["reason"]) for e in events] == [
        (f"user:{landline.id}", "cannot receive texts"), (f"user:{no_phone.id}", "no phone")]


def test_a_text_queued_at_half_past_ten_at_night_waits_for_eight_in_the_morning(app, db):
    mother = make_texting_mother()
    set_clock(app, _at(10, 22, 30))
    text = queue_text(mother, "Your book is waiting for you", kind="hold_ready")
    db.session.commit()
    assert aware(text.next_attempt_at) == _at(11, 8)
    assert deliver_due().sent == 0  # at 22:30 nothing goes
    set_clock(app, _at(11, 7, 59))
    assert deliver_due().sent == 0
    set_clock(app, _at(11, 8))
    assert deliver_due().sent == 1


def test_an_urgent_text_goes_at_once_even_at_night(app, db):
    mother = make_texting_mother()
    set_clock(app, _at(10, 22, 30))
    text = queue_text(mother, "Today's meeting is cancelled", kind="meeting_cancelled", urgent=True)
    db.session.commit()
    assert aware(text.next_attempt_at) == utcnow()
    assert deliver_due().sent == 1


def test_the_edges_of_the_quiet_hours(app, db):
    mother = make_texting_mother()
    for moment, expected in [(_at(10, 20, 59), _at(10, 20, 59)), (_at(10, 21), _at(11, 8)),
                             (_at(11, 2), _at(11, 8)), (_at(11, 8), _at(11, 8))]:
        set_clock(app, moment)
        assert aware(queue_text(mother, "x", kind="due_soon").next_attempt_at) == expected
    db.session.rollback()


def test_no_quiet_hours_when_the_setting_is_empty(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "TEXT_QUIET_HOURS", "")
    set_clock(app, _at(10, 23))
    assert aware(queue_text(make_texting_mother(), "x", kind="due_soon").next_attempt_at) == utcnow()
    db.session.rollback()


def test_one_key_is_queued_once(app, db):
    mother = make_texting_mother()
    first = queue_text(mother, "Meeting tomorrow", kind="meeting_tomorrow", key="tomorrow:1:5")
    assert first is not None
    assert queue_text(mother, "Meeting tomorrow", kind="meeting_tomorrow", key="tomorrow:1:5") is None  # same transaction
    db.session.commit()
    assert queue_text(mother, "Meeting tomorrow", kind="meeting_tomorrow", key="tomorrow:1:5") is None  # after it
    assert queue_text(mother, "Meeting tomorrow", kind="meeting_tomorrow", key="tomorrow:1:6") is not None
    db.session.commit()
    assert _count(db) == 2


def test_two_sessions_racing_for_one_key_queue_one_text(app, db):
    """Two app servers queue the same text at once: the second waits for the first transaction
    and then inserts nothing, on PostgreSQL and SQLite alike."""
    mother_id = make_texting_mother().id
    inserted = threading.Event()
    results, errors = {}, []

    def server(name, first):
        try:
            with app.app_context():
                from groups_app.accounts.models import User
                from groups_app.extensions import db as session_db

                if not first:
                    inserted.wait(10)
                mother = session_db.session.get(User, mother_id)
                results[name] = queue_text(mother, "Meeting tomorrow", kind="meeting_tomorrow", key="race:1") is not None
                if first:
                    inserted.set()
                    time.sleep(0.5)  # the other server's insert is waiting on ours now
                session_db.session.commit()
                session_db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=server, args=("a", True)), threading.Thread(target=server, args=("b", False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert results == {"a": True, "b": False}
    assert _count(db) == 1


def test_a_retry_never_lands_in_quiet_hours(app, db, monkeypatch):
    from groups_app.texts.gateways import GatewayUnavailable

    class Down:
        def send(self, to, body):
            raise GatewayUnavailable("down")

        def find(self, to, body, since):
            return None

    set_clock(app, _at(10, 20, 59))
    text = queue_text(make_texting_mother(), "x", kind="due_soon")
    db.session.commit()
    assert deliver_due(gateway=Down()).retrying == 1
    db.session.refresh(text)
    assert aware(text.next_attempt_at) == _at(11, 8)  # 21:00 would be quiet: the morning instead
    assert aware(text.next_attempt_at) - utcnow() > timedelta(hours=1)


def test_a_wrong_setting_stops_the_app_at_start(app):
    import pytest

    from groups_app.config import ConfigError
    from groups_app.texts import _check_settings

    for bad in ({"TEXT_QUIET_HOURS": "9pm to 8am"}, {"TEXT_QUIET_HOURS": "21:00"}, {"TEXT_GATEWAY": "pigeon"}):
        with pytest.raises(ConfigError):
            _check_settings({"TEXT_QUIET_HOURS": "21:00-08:00", "TEXT_GATEWAY": "folder", **bad})
    _check_settings({"TEXT_QUIET_HOURS": "", "TEXT_GATEWAY": "http"})
