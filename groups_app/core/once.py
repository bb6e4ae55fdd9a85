"""Things done once, whichever app server asks: a key claimed in the same transaction as the work.

`claim_once("meeting-tomorrow:12:34")` inserts the key inside a SAVEPOINT; the unique key decides
between two servers that ask at the same moment (the second waits for the first to commit or roll
back). True: do the work now, in this transaction, and commit; a rollback releases the claim with
it. False: it was done (or is being done) already. Keys older than KEEP_DAYS are pruned by
`prune_once()`, which the daily reminder commands call.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import DateTime, String, delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .timeutil import utcnow

KEEP_DAYS = 90  # far longer than any "once" needs to be remembered (a reminder is for tomorrow)


class SentOnce(db.Model):
    """A key for something done once: "meeting-tomorrow:<meeting>:<user>", "visit-next:<case>:<date>"."""

    __tablename__ = "sent_once"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


def _begin_on_sqlite(session) -> None:
    """pysqlite starts no transaction before a SAVEPOINT, so SQLite takes the SAVEPOINT itself as the
    start of one and its RELEASE as the commit: the claim would stay whatever happens next. Starting
    the transaction first keeps the claim in it, to be committed or rolled back with the work."""
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")


def claim_once(key: str) -> bool:
    """Claim `key` in the current transaction: True if no one had, False if someone did (here,
    on another server, or in a transaction that has not finished yet and then commits)."""
    if not key or len(key) > 200:
        raise ValueError("a once-key is 1 to 200 characters")
    session = db.session
    _begin_on_sqlite(session)
    try:
        with session.begin_nested():
            session.execute(insert(SentOnce).values(key=key, done_at=utcnow()))
    except IntegrityError:
        return False
    return True


def prune_once(days: int = KEEP_DAYS) -> int:
    """Forget the keys claimed more than `days` ago (run daily); how many. The caller commits."""
    result = db.session.execute(delete(SentOnce).where(SentOnce.done_at < utcnow() - timedelta(days=days)))
    return result.rowcount or 0

