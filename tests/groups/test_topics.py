"""The topic bank: staff keep it; the starter set imports and re-imports cleanly."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from groups_app.core.errors import DomainError
from groups_app.groups.models import Topic, TopicText
from groups_app.groups.services.topics import import_topics, save_topic
from tests.conftest import login, make_user

LIBRARY = Path(__file__).resolve().parents[2] / "library"


def test_staff_write_a_topic_in_several_languages(app, db):
    staff = make_user("staff")
    topic = save_topic(None, "night-feeds", {"en": {"title": "Night feeds", "prompts": "What helps?\n\nWho helps?"},
                                             "ar": {"title": "الرضاعة الليلية"}, "ru": {"title": ""}}, by=staff)
    assert sorted(t.language for t in topic.texts) == ["ar", "en"]
    assert topic.text_for(["ar"]).title == "الرضاعة الليلية"
    assert topic.text_for(["am"]).language == "en"  # falls back to English
    assert topic.text_for(["en"]).prompt_list == ["What helps?", "Who helps?"]


@pytest.mark.parametrize("slug, texts", [("Night Feeds!", {"en": {"title": "x"}}), ("ok-slug", {"en": {"title": " "}})])
def test_bad_topics_are_refused(app, db, slug, texts):
    with pytest.raises(DomainError):
        save_topic(None, slug, texts, by=make_user("staff"))
    db.session.rollback()
    assert db.session.scalar(select(func.count(Topic.id))) == 0


def test_topic_pages_are_for_staff_to_edit(client, db):
    login(client, make_user("facilitator"))
    assert client.get("/topics/").status_code == 200
    assert client.get("/topics/new").status_code == 403
    client.post("/logout")
    login(client, make_user("staff"))
    response = client.post("/topics/new", data={"slug": "returning-to-work", "title_en": "Returning to work",
                                                 "title_he": "חזרה לעבודה", "prompts_en": "What worries you?"})
    assert response.status_code == 302
    bad = client.post("/topics/new", data={"slug": "returning-to-work", "title_en": "Again"})
    assert bad.status_code == 400 and 'value="Again"' in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(TopicText.id))) == 2


def test_starter_topics_import_twice_without_duplicates(app, db):
    path = LIBRARY / "topics.csv"
    if not path.exists():
        pytest.fail("library/topics.csv is missing")
    added, _ = import_topics(path)
    assert added >= 12 * 6
    assert import_topics(path) == (0, 0)
    assert db.session.scalar(select(func.count(Topic.id))) >= 12
    for topic in db.session.scalars(select(Topic)):
        assert {t.language for t in topic.texts} == {"he", "ar", "ru", "am", "es", "en"}
        assert all(len(t.prompt_list) >= 3 for t in topic.texts)
