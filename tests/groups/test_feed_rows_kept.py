"""A member's calendar feed keeps the digest of its meetings' rows per version of what they show
(migration 0021) and for as long as the clock leaves them as they are: a fetch with nothing changed
reads no rows; a change written any way (a Core statement, a delete, a rename) gives another ETag
at once; a change of something the feed does not show, or the clock moving within the window,
reads nothing again."""
from __future__ import annotations

import os
from datetime import timedelta

from sqlalchemy import delete, select, update

from groups_app.core.places import Locality
from groups_app.core.timeutil import set_clock, utcnow
from groups_app.groups import calendar as feeds
from groups_app.groups.models import Meeting, Membership, Topic, TopicText
from groups_app.groups.services import meetings as meeting_service
from groups_app.main.models import CALENDAR, DataVersion
from tests.conftest import (
        add_members,
    count_queries,
    make_group,
    make_mother,
    make_test_app,
    make_user,
    past_meeting,
)

POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")


def _rows_read(statements: list[str]) -> bool:
    """Whether the feed's rows (its meetings with their topics' texts) were read for its version."""
    return any("topic_texts" in s and "UNION" in s.upper() for s in statements)


def _etag(client, url, db=None) -> tuple[str, bool | None]:
    """The feed's ETag, and whether its rows were read for it (when `db` is given)."""
    if db is None:
        return client.get(url).headers["ETag"], None
    with count_queries(db.engine) as counted:
        response = client.get(url)
    assert response.status_code == 200
    return response.headers["ETag"], _rows_read(counted.statements)


def _feed(app, db):
    group = make_group(make_user("facilitator"), name="Rahat mornings", place="Rahat", languages=["ar", "he"])
    topic = Topic(slug="first-weeks", texts=[TopicText(language="ar", title="الأسابيع الأولى"),
                                             TopicText(language="en", title="The first weeks")])
    db.session.add(topic)
    db.session.commit()
    mother = make_mother(language="ar")
    add_members(group, mother)
    first = meeting_service.upcoming([group.id])[group.id][0]
    first.topic_id = topic.id
    db.session.commit()
    set_clock(app, utcnow())  # stopped: only what changed can tell
    return group, mother, first, f"/calendar/{feeds.feed_for(mother).token}.ics"


def test_a_fetch_with_nothing_changed_reads_no_rows_and_each_core_change_gives_another_etag(app, client, db):
    group, mother, first, url = _feed(app, db)
    seen = [_etag(client, url, db)[0]]
    etag, read = _etag(client, url, db)
    assert (etag, read) == (seen[-1], False)

    def changed(what: str, statement) -> None:
        db.session.execute(statement)
        db.session.commit()
        etag, read = _etag(client, url, db)
        assert read and etag not in seen, f"the ETag stayed the same after: {what}"
        seen.append(etag)
        assert _etag(client, url, db) == (etag, False), what

    changed("a meeting moved", update(Meeting).where(Meeting.id == first.id)
            .values(starts_at=first.starts_at + timedelta(hours=2)))
    changed("its length", update(Meeting).where(Meeting.id == first.id).values(duration_minutes=60))
    changed("a topic's text", update(TopicText).where(TopicText.language == "ar").values(description="نوم الطفل"))
    changed("the group renamed", update(type(group)).where(type(group).id == group.id).values(name="Rahat evenings"))
    rahat = db.session.scalar(select(Locality).where(Locality.id == group.locality_id))
    name_ar = rahat.name_ar  # read now: the commit below expires the object, and it would read the new name
    try:
        changed("its place renamed", update(Locality).where(Locality.id == rahat.id).values(name_ar="رهط الجديدة"))
    finally:  # places are kept from test to test
        db.session.execute(update(Locality).where(Locality.id == rahat.id).values(name_ar=name_ar))
        db.session.commit()
    seen.append(_etag(client, url)[0])
    changed("a meeting deleted", delete(Meeting).where(Meeting.id == first.id))
    changed("her membership removed", delete(Membership).where(Membership.user_id == mother.id))


def test_what_the_feed_does_not_show_changes_nothing_and_reads_nothing(app, client, db):
    group, mother, first, url = _feed(app, db)
    etag, _ = _etag(client, url, db)
    before = db.session.scalar(select(DataVersion.n).where(DataVersion.name == CALENDAR))
    db.session.execute(update(Meeting).where(Meeting.id == first.id)
                       .values(plan="Sleep", attendance_taken_at=utcnow()))
    db.session.execute(update(type(mother)).where(type(mother).id == mother.id).values(name="Amal Abu"))
    db.session.commit()
    assert db.session.scalar(select(DataVersion.n).where(DataVersion.name == CALENDAR)) == before
    assert _etag(client, url, db) == (etag, False)


def test_the_clock_within_the_window_reads_nothing_and_a_meeting_leaving_it_changes_the_etag(app, client, db):
    group, mother, first, url = _feed(app, db)
    old = past_meeting(group, days_ago=feeds.FEED_HISTORY_DAYS - 2)
    now = utcnow()
    set_clock(app, now)
    etag, _ = _etag(client, url, db)
    set_clock(app, now + timedelta(days=1))
    assert _etag(client, url, db) == (etag, False)
    set_clock(app, now - timedelta(days=1))  # a clock set back reads again (the window reaches further back)
    assert _etag(client, url, db) == (etag, True)
    set_clock(app, now + timedelta(days=3))
    later, read = _etag(client, url, db)
    assert read and later != etag
    assert old.uid not in client.get(url).get_data(as_text=True)


def test_another_process_sees_a_change_made_by_this_one_at_once(app, client, db, tmp_path):
    other_app = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path))
    group, mother, first, url = _feed(app, db)
    set_clock(other_app, utcnow())
    there = other_app.test_client()
    for _ in range(2):  # each keeps its own
        assert _etag(client, url)[0] == _etag(there, url)[0]
    before = _etag(client, url)[0]
    db.session.execute(update(Meeting).where(Meeting.id == first.id).values(status="cancelled"))
    db.session.commit()
    assert _etag(client, url)[0] == _etag(there, url)[0] != before


def test_a_transaction_that_changed_a_shown_fact_keeps_no_digest_on_postgresql(app, db):
    group, mother, first, url = _feed(app, db)
    token = url.split("/")[-1].removesuffix(".ics")
    assert feeds.feed_owner(token).version is not None
    first.duration_minutes = 45
    db.session.flush()
    version = feeds.feed_owner(token).version
    assert (version is None) if POSTGRESQL else (version is not None)  # SQLite: a fresh version of its own
    db.session.rollback()


def test_without_its_version_row_the_rows_are_read_every_time(app, client, db):
    group, mother, first, url = _feed(app, db)
    db.session.execute(delete(DataVersion))
    db.session.commit()
    etag, _ = _etag(client, url, db)
    assert _etag(client, url, db) == (etag, True)
