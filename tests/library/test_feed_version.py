"""Her due dates in her calendar feed's version: the library's part of the ETag is the rows its
events are made from (groups.calendar_versions.FeedEvents), so a fetch that finds nothing changed
writes no event; and every change to what her feed shows of her books gives another ETag."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from groups_app.groups import calendar as feeds
from groups_app.groups import calendar_versions as versions
from groups_app.library.calendar import due_date_events
from groups_app.library.services import circulation
from groups_app.library.services.catalogue import BookFields, save_book
from tests.conftest import add_members, count_queries, make_book, make_copy, make_group, make_mother, make_user


@pytest.fixture
def lending(app, db):
    from groups_app.core.timeutil import set_clock

    set_clock(app, datetime(2026, 11, 16, 9, 0, tzinfo=UTC))  # stopped: only what changes can tell
    facilitator, mother = make_user("facilitator"), make_mother(language="he")
    group = make_group(facilitator)
    add_members(group, mother)
    first, second = make_book(title="Breast is best"), make_book(title="The Nursing Mother's Companion")
    make_copy(first, group, "BS-1"), make_copy(second, group, "BS-2")
    loans = [circulation.checkout(code, group, mother, by=facilitator) for code in ("BS-1", "BS-2")]
    return {"facilitator": facilitator, "mother": mother, "group": group, "books": (first, second), "loans": loans,
            "url": f"/calendar/{feeds.feed_for(mother).token}.ics"}


def _etag(client, url) -> tuple[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    return response.headers["ETag"], _text(response)


def _text(response) -> str:
    """The feed's text with its long lines unfolded and commas unescaped, to look for words in."""
    return response.get_data(as_text=True).replace("\r\n ", "").replace("\\,", ",")


def _304(client, url, etag) -> None:
    answer = client.get(url, headers={"If-None-Match": etag})
    assert answer.status_code == 304 and answer.data == b""


def test_the_library_gives_her_feed_the_rows_of_its_events_and_makes_them_only_when_asked(app, lending):
    made = []
    events = due_date_events(lending["mother"])
    original = events._make
    events._make = lambda rows: made.append(1) or original(rows)
    assert len(events) == 2 and [row[4] for row in events.rows] == ["Breast is best", "The Nursing Mother's Companion"]
    assert not made  # the version needs the rows only
    assert str(events[0]["uid"]) == f"loan-{lending['loans'][0].id}-due@groups-app"
    assert [str(event["summary"]) for event in events][1].endswith("The Nursing Mother's Companion")
    assert made == [1]  # made once, then kept


def test_every_change_to_her_books_gives_her_feed_another_etag(app, client, db, lending, monkeypatch):
    url, mother, group, facilitator = lending["url"], lending["mother"], lending["group"], lending["facilitator"]
    seen = []

    def changed(what: str) -> str:
        etag, body = _etag(client, url)
        assert etag not in seen, f"the ETag stayed the same after: {what}"
        seen.append(etag)
        _304(client, url, etag)
        return body

    def unchanged(what: str) -> None:
        _304(client, url, seen[-1])
        assert _etag(client, url)[0] == seen[-1], what

    body = changed("first")
    assert "Breast is best" in body and "The Nursing Mother" in body
    unchanged("nothing changed")

    first, second = lending["loans"]
    first.due_at = first.due_at + timedelta(days=7)  # a due date extended by staff
    db.session.commit()
    changed("a due date extended")
    circulation.renew(second, mother)
    changed("a book renewed (its due date and sequence)")
    book = lending["books"][0]
    save_book(book, BookFields(title="Breast Is Best, new edition", authors=book.authors, language=book.language),
              by=make_user("staff"))
    assert "Breast Is Best, new edition" in changed("a book's title edited")
    before = _etag(client, url)[1]
    group.timezone = "Pacific/Pago_Pago"  # the day it is due is a day in her library's zone: here the day before
    db.session.commit()
    assert changed("her library's time zone") != before
    circulation.checkin("BS-1", group, by=facilitator)
    assert "Breast Is Best" not in changed("a book returned")
    mother.language = "ar"
    db.session.commit()
    changed("her language")
    # the catalogs' fingerprint, made once per app (given back after the test: the app serves the whole session)
    monkeypatch.setitem(app.extensions, "groups.feed_catalogs", "a new catalog")
    changed("the catalogs")
    circulation.checkin("BS-2", group, by=facilitator)
    assert "loan-" not in changed("her last book returned")
    unchanged("nothing changed since")


def test_a_kept_feed_answers_304_and_is_sent_again_without_being_written(app, client, db, lending, monkeypatch):
    url = lending["url"]
    etag, body = _etag(client, url)
    written = []
    build, make = feeds.build_calendar, versions.FeedEvents._made
    monkeypatch.setattr(feeds, "build_calendar", lambda *args, **kwargs: written.append("body") or build(*args, **kwargs))
    monkeypatch.setattr(versions.FeedEvents, "_made", lambda self: written.append("events") or make(self))
    with count_queries(db.engine) as counted:
        _304(client, url, etag)
    assert counted() <= 3, counted.statements  # her feed and account, her loans, the version
    with count_queries(db.engine) as counted:
        again = client.get(url)
    assert again.status_code == 200 and again.headers["ETag"] == etag and _text(again) == body
    assert counted() <= 3, counted.statements
    assert written == []  # neither the body nor her books' events were written again


def test_her_due_dates_are_in_her_language_as_before(app, client, lending):
    body = _etag(client, lending["url"])[1]
    from flask_babel import force_locale
    from flask_babel import gettext as _

    with app.test_request_context(), force_locale("he"):
        expected = _("Library book due: %(title)s", title="Breast is best")
    assert f"SUMMARY:{expected}" in body
