"""Done once: a key claimed in the work's transaction, refused the second time, given back by a
rollback, decided by the database when two sessions (two app servers) claim it at the same moment."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from groups_app.core.notify import Notice
from groups_app.core.once import KEEP_DAYS, SentOnce, claim_once, prune_once
from groups_app.core.timeutil import set_clock
from groups_app.extensions import db as _db
from tests.conftest import at_once, make_mother


def keys() -> list[str]:
    return list(_db.session.scalars(select(SentOnce.key).order_by(SentOnce.key)))


def test_a_key_is_claimed_once(db):
    assert claim_once("meeting-tomorrow:1:2") is True
    assert claim_once("meeting-tomorrow:1:2") is False  # in the same transaction
    db.session.commit()
    assert claim_once("meeting-tomorrow:1:2") is False  # and after it committed
    assert claim_once("meeting-tomorrow:1:3") is True
    db.session.commit()
    assert keys() == ["meeting-tomorrow:1:2", "meeting-tomorrow:1:3"]


def test_a_refused_claim_leaves_the_rest_of_the_transaction_alone(db):
    mother = make_mother()
    assert claim_once("visit-next:5:2026-09-15")
    db.session.commit()
    db.session.add(Notice(user_id=mother.id, subject="s", body="b"))
    assert claim_once("visit-next:5:2026-09-15") is False  # only its savepoint is rolled back
    db.session.commit()
    assert db.session.scalar(select(func.count(Notice.id))) == 1


def test_a_rollback_gives_the_claim_back(db):
    """Also on SQLite, where a SAVEPOINT outside a transaction would commit on its release."""
    db.session.commit()  # nothing open: the claim is the transaction's first statement
    assert claim_once("meeting-tomorrow:7:8")
    db.session.rollback()  # the work failed
    assert keys() == []
    assert claim_once("meeting-tomorrow:7:8") is True


def test_a_key_must_fit(db):
    for bad in ("", "x" * 201):
        with pytest.raises(ValueError):
            claim_once(bad)
    assert claim_once("x" * 200)


def test_keys_older_than_ninety_days_are_pruned(app, db):
    set_clock(app, datetime(2026, 1, 1, 12, tzinfo=UTC))
    assert claim_once("old")
    set_clock(app, datetime(2026, 1, 1, 12, tzinfo=UTC) + timedelta(days=KEEP_DAYS - 1))
    assert claim_once("recent")
    db.session.commit()
    set_clock(app, datetime(2026, 1, 1, 12, tzinfo=UTC) + timedelta(days=KEEP_DAYS, minutes=1))
    assert prune_once() == 1
    db.session.commit()
    assert keys() == ["recent"]
    assert claim_once("old") is True  # forgotten: long past anything it guarded


def _race(app, key: str, finish) -> list[bool]:
    """Two sessions (as two app servers) claim `key` at the same moment; each holds its
    transaction open a moment, then `finish(session_index)` says "commit" or "rollback"."""
    def server(index: int) -> bool:
        won = claim_once(key)
        time.sleep(0.3)  # the other one is waiting on the key now
        if finish(index, won) == "commit":
            _db.session.commit()
        else:
            _db.session.rollback()
        return won

    return at_once(app, lambda: server(0), lambda: server(1), timeout=30)


def test_two_servers_claiming_at_once_one_wins(app, db, capsys):
    db.session.commit()
    results = _race(app, "meeting-tomorrow:40:41", lambda index, won: "commit")
    assert sorted(results) == [False, True]
    db.session.expire_all()
    assert keys() == ["meeting-tomorrow:40:41"]
    with capsys.disabled():
        print(f"\nFIGURE once-key race on {db.engine.dialect.name}: {results.count(True)} of 2 claims won")


def test_a_winner_that_rolls_back_lets_the_other_one_do_it(app, db):
    db.session.commit()
    # The first to claim fails its work and rolls back; the one that waited then gets the key.
    finished: list[int] = []

    def first_fails(index, won):
        finished.append(index)
        return "rollback" if len(finished) == 1 else "commit"

    results = _race(app, "visit-next:9:2026-09-15", first_fails)
    assert results == [True, True]
    db.session.expire_all()
    assert keys() == ["visit-next:9:2026-09-15"]

