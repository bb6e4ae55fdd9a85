"""The planner keeps the topic bank's lists per version of the bank (migration 0023): a second visit
does not read the bank, and every change to what a list shows, whichever way it was written (the
staff's form, the ORM, a Core update, a bulk insert, a cascade), shows at the facilitator's next visit."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, insert, select, update

from groups_app.groups.models import Topic, TopicText
from groups_app.main.models import TOPICS, DataVersion
from tests.conftest import count_queries, login, make_group, make_user


@pytest.fixture
def bank(app, db):
    facilitator = make_user("facilitator", language="en")
    make_group(facilitator)
    sleep = Topic(slug="sleep", texts=[TopicText(language="he", title="שינה"), TopicText(language="en", title="Sleep")])
    bare = Topic(slug="bare-topic")
    db.session.add_all([sleep, bare])
    db.session.commit()
    client = app.test_client()
    login(client, facilitator)
    client.get("/planner")  # her session's once-a-minute touch is not the page's
    return {"client": client, "sleep": sleep, "bare": bare}


def _visit(client, db) -> tuple[list[str], bool, int]:
    """The first meeting's topic list as she reads it, whether the visit read the bank, and its statements."""
    with count_queries(db.engine) as counted:
        html = client.get("/planner").get_data(as_text=True)
    listed = html.split('name="topic_id">', 1)[1].split("</select>", 1)[0]
    titles = re.findall(r'<option value="\d+"[^>]*>([^<\n]*)', listed)
    return titles, any("topic_texts" in statement for statement in counted.statements), counted()


def test_a_second_visit_reads_no_topic_and_shows_the_same_list(app, db, bank):
    app.extensions.pop("groups.topic_choices", None)  # as a process that just started
    first, read, statements = _visit(bank["client"], db)
    assert first == sorted(["bare-topic", "Sleep"]) and read and statements == 3
    again, read, statements = _visit(bank["client"], db)
    assert again == first and not read
    assert statements == 2  # her session; the planner's meetings with the bank's version


def test_every_change_to_what_a_list_shows_shows_at_once(app, db, bank):
    client, sleep, bare = bank["client"], bank["sleep"], bank["bare"]
    seen = [_visit(client, db)[0]]

    def changed(what: str) -> list[str]:
        titles, read, _ = _visit(client, db)
        assert read and titles != seen[-1], f"the list stayed the same after: {what}"
        seen.append(titles)
        assert _visit(client, db)[1] is False, f"read again with nothing changed after: {what}"
        return titles

    staff = app.test_client()
    login(staff, make_user("staff"))
    answer = staff.post("/topics/new", data={"slug": "crying", "title_en": "Crying"})  # the staff's form
    assert answer.status_code == 302
    assert changed("a topic added on the form") == sorted(["bare-topic", "Crying", "Sleep"])
    answer = staff.post(f"/topics/{sleep.id}/edit", data={"slug": "sleep", "title_en": "Sleep and naps", "title_he": "שינה"})
    assert answer.status_code == 302
    assert "Sleep and naps" in changed("a title edited on the form")
    db.session.execute(update(Topic).where(Topic.id == bare.id).values(slug="unnamed"))  # listed by its short name
    db.session.commit()
    assert "unnamed" in changed("a short name changed by a Core update")
    english = db.session.scalar(select(TopicText).where(TopicText.topic_id == sleep.id, TopicText.language == "en"))
    english.language = "ru"  # she reads English: the Hebrew text was written first of the others
    db.session.commit()
    assert "שינה" in changed("a text's language changed")
    crying = db.session.scalar(select(Topic).where(Topic.slug == "crying"))
    db.session.execute(update(TopicText).where(TopicText.topic_id == crying.id).values(topic_id=bare.id))
    db.session.commit()
    assert changed("a text moved to another topic") == sorted(["crying", "Crying", "שינה"])
    db.session.delete(db.session.scalar(select(TopicText).where(TopicText.topic_id == bare.id)))
    db.session.commit()
    assert changed("a text removed") == sorted(["crying", "unnamed", "שינה"])
    db.session.execute(delete(Topic).where(Topic.id == sleep.id))  # its texts go with it
    db.session.commit()
    assert changed("a topic removed") == sorted(["crying", "unnamed"])
    db.session.execute(insert(Topic), [{"slug": "bulk-one"}, {"slug": "bulk-two"}])
    db.session.commit()
    assert changed("topics added in bulk") == sorted(["bulk-one", "bulk-two", "crying", "unnamed"])


def test_what_no_list_shows_and_a_change_rolled_back_do_not_read_the_bank_again(app, db, bank):
    client, sleep = bank["client"], bank["sleep"]
    before, _, _ = _visit(client, db)
    version = db.session.scalar(select(DataVersion.n).where(DataVersion.name == TOPICS))
    assert version is not None
    db.session.execute(update(TopicText).where(TopicText.topic_id == sleep.id)
                       .values(description="What helps a baby sleep", prompts="Who wakes at night?"))
    db.session.commit()
    db.session.execute(update(TopicText).where(TopicText.topic_id == sleep.id).values(title="Rolled back"))
    db.session.rollback()
    assert db.session.scalar(select(DataVersion.n).where(DataVersion.name == TOPICS)) == version
    after, read, _ = _visit(client, db)
    assert after == before and not read
