"""Her library books' due dates, as all-day events in her personal calendar feed."""
from __future__ import annotations

import functools

from flask_babel import gettext as _
from icalendar import Event
from sqlalchemy import bindparam, select

from ..core.timeutil import aware, zone
from ..extensions import db
from ..groups.calendar_versions import FeedEvents
from ..groups.models import Group
from .models import Book, Copy, Loan


def due_date_events(user) -> FeedEvents:
    """One event per book she has not returned, from rows read in one statement with each book's
    title and its library's time zone (the day it is due is a day in the group's zone, as
    `Loan.due_day`). The rows are the feed's version of them (everything an event shows is in its
    row); the events are written from them only when the feed's body is (calendar_versions.FeedEvents)."""
    return FeedEvents([tuple(row) for row in db.session.execute(_loans_statement(), {"user_id": user.id}).all()], _events)


@functools.cache  # built once per process (a calendar program fetches her feed every few hours)
def _loans_statement():
    return (select(Loan.id, Loan.out_at, Loan.due_at, Loan.renewals, Book.title, Group.timezone)
            .join(Copy, Copy.id == Loan.copy_id).join(Book, Book.id == Copy.book_id).join(Group, Group.id == Copy.group_id)
            .where(Loan.user_id == bindparam("user_id"), Loan.returned_at.is_(None))
            .order_by(Loan.due_at, Loan.id))


def _events(rows) -> list[Event]:
    events = []
    for loan_id, out_at, due_at, renewals, title, timezone in rows:
        event = Event()
        event.add("uid", f"loan-{loan_id}-due@groups-app")
        event.add("dtstamp", aware(out_at))
        event.add("dtstart", aware(due_at).astimezone(zone(timezone)).date())
        event.add("sequence", renewals)
        event.add("summary", _("Library book due: %(title)s", title=title))
        event.add("transp", "TRANSPARENT")
        events.append(event)
    return events
