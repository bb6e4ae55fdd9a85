"""The planner, a meeting's page and taking attendance write some of their parts once (the planner's
topic list once per group, its texts per language; a new question form and a new attendance form once
per language): what they write must be what the templates and WTForms wrote, in her language."""
import re

from flask import get_template_attribute
from flask_babel import force_locale, get_translations
from flask_babel import gettext as _

from groups_app.groups.forms import AttendanceForm, QuestionForm
from groups_app.groups.models import Meeting, Topic, TopicText
from groups_app.groups.services import meetings as meeting_service
from groups_app.groups.services import replies
from groups_app.groups.services.topics import topic_choices
from tests.conftest import add_members, login, make_group, make_mother, make_user, past_meeting


def _topics(db):
    sleep = Topic(slug="sleep", texts=[TopicText(language="en", title="Sleep & <naps>"),
                                       TopicText(language="he", title="שינה")])
    work = Topic(slug="work", texts=[TopicText(language="en", title="Back to work")])
    db.session.add_all([sleep, work])
    db.session.commit()
    return sleep, work


def test_the_planner_marks_each_choice_and_the_recent_topics_in_her_language(app, db, client):
    facilitator = make_user("facilitator")
    group = make_group(facilitator, name="Mine")
    mother = make_mother()
    add_members(group, mother)
    sleep, work = _topics(db)
    past_meeting(group, days_ago=7, topic_id=sleep.id)
    first, second = meeting_service.upcoming([group.id])[group.id][:2]
    meeting_service.set_plan(first, work.id, "A round of <names>", by=facilitator)
    replies.rsvp(second, mother, True)
    login(client, facilitator)
    for language, sleep_title in (("en", "Sleep &amp; &lt;naps&gt;"), ("he", "שינה"), ("en", "Sleep &amp; &lt;naps&gt;")):
        facilitator.language = language
        db.session.commit()
        html = client.get("/planner").get_data(as_text=True)
        with app.test_request_context(), force_locale(language):
            had = _("had recently")
            nobody, one = (get_translations().ungettext("%(num)s mother said she is coming",
                                                        "%(num)s mothers said they are coming", n) % {"num": n} for n in (0, 1))
            labels = [_("Topic"), _("Your plan for the meeting"), _("Save the plan")]
        assert html.count('name="topic_id"') == 8
        assert html.count(f'<option value="{sleep.id}">{sleep_title} ({had})') == 8  # had recently, in every list
        assert html.count(f'<option value="{work.id}" selected>Back to work') == 1  # only the first meeting's choice
        assert html.count(f'<option value="{work.id}">Back to work<') == 7
        assert f'<select id="topic-{first.id}" name="topic_id"><option value="">—</option>' in html
        assert "A round of &lt;names&gt;</textarea>" in html
        assert html.count(one) == 1 and html.count(nobody) == 7
        assert all(html.count(label) >= 8 for label in labels)
        assert f'<a href="/meetings/{second.id}">' in html and f'action="/meetings/{second.id}/plan"' in html
        recent = re.search(r'<p class="help">[^<]*\n\s*([^<]*)</p>', html).group(1)
        assert recent.startswith(f"{sleep_title} (") and recent.endswith(")")


def test_a_plan_is_saved_with_the_planners_token_and_a_bad_one_keeps_what_she_typed(app, db, client):
    facilitator = make_user("facilitator")
    group = make_group(facilitator)
    _sleep, work = _topics(db)
    meeting = meeting_service.upcoming([group.id])[group.id][0]
    login(client, facilitator)
    app.config["WTF_CSRF_ENABLED"] = True
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/planner").get_data(as_text=True)).group(1)
    url = f"/meetings/{meeting.id}/plan"
    assert client.post(url, data={"topic_id": str(work.id), "plan": "Names first"}).status_code == 400  # no token
    refused = client.post(url, data={"topic_id": "999999", "plan": "Names <first>", "csrf_token": token})
    assert refused.status_code == 400 and "Names &lt;first&gt;" in refused.get_data(as_text=True)
    saved = client.post(url, data={"topic_id": str(work.id), "plan": "Names first", "csrf_token": token})
    assert saved.status_code == 302 and saved.location.endswith(f"/planner#meeting-{meeting.id}")
    db.session.expire_all()
    assert (db.session.get(Meeting, meeting.id).topic_id, db.session.get(Meeting, meeting.id).plan) == (work.id, "Names first")


def test_topic_titles_come_in_her_first_language_that_has_one(app, db):
    both = Topic(slug="a-both", texts=[TopicText(language="en", title="Crying"), TopicText(language="ar", title="البكاء")])
    others = Topic(slug="b-others", texts=[TopicText(language="ru", title="Сон"), TopicText(language="es", title="Sueño")])
    db.session.add_all([both, others, Topic(slug="c-bare")])
    db.session.commit()
    bare = db.session.query(Topic.id).filter_by(slug="c-bare").scalar()
    assert topic_choices(["he"]) == sorted([(both.id, "Crying"), (others.id, "Сон"), (bare, "c-bare")], key=lambda c: c[1])
    assert topic_choices(["he", "ar"]) == sorted([(both.id, "البكاء"), (others.id, "Сон"), (bare, "c-bare")], key=lambda c: c[1])
    assert dict(topic_choices(["es", "en"]))[others.id] == "Sueño"  # her language before the first written


def _fields_of_a_new_question_form(app, language):
    with app.test_request_context(), force_locale(language):
        form, field = QuestionForm(formdata=None, meta={"csrf": False}), get_template_attribute("_macros.html", "field")
        return [str(field(form.text)), str(field(form.anonymous))]


def test_the_question_form_on_a_meeting_page_is_what_field_writes_in_her_language(app, db, client):
    facilitator, mother = make_user("facilitator"), make_mother()
    group = make_group(facilitator)
    add_members(group, mother)
    meeting = meeting_service.upcoming([group.id])[group.id][0]
    login(client, mother)
    for language in ("en", "ar", "en"):
        mother.language = language
        db.session.commit()
        html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
        assert all(field in html for field in _fields_of_a_new_question_form(app, language)), language
    client.post("/logout")
    login(client, facilitator)  # she leads the group but is no member: no question form
    assert 'name="anonymous"' not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_a_new_attendance_form_is_what_wtforms_writes_in_her_language(app, db, client):
    facilitator, mother = make_user("facilitator"), make_mother(name="Aviva")
    group = make_group(facilitator)
    add_members(group, mother)
    meeting = past_meeting(group)
    login(client, facilitator)
    app.config["WTF_CSRF_ENABLED"] = True
    for language in ("en", "he", "en"):
        facilitator.language = language
        db.session.commit()
        html = client.get(f"/meetings/{meeting.id}/attendance").get_data(as_text=True)
        with app.test_request_context(), force_locale(language):
            form = AttendanceForm()
            hidden = re.sub(r'value="[^"]+"', 'value="TOKEN"', str(form.hidden_tag()))
            assert f"<legend>{form.present.label.text}</legend>" in html
            for guest in form.guests:
                for widget in (guest.first_name(autocomplete="off"), guest.stage(), guest.baby_age_months(inputmode="numeric"),
                               guest.first_name.label(), guest.stage.label(), guest.baby_age_months.label()):
                    assert str(widget) in html, widget
        assert hidden in re.sub(r'(name="csrf_token" type="hidden") value="[^"]+"', r'\1 value="TOKEN"', html)
        taken = html[html.index('<form method="post" novalidate>'):]
        taken = taken[:taken.index("</form>")]
        assert taken.count('type="hidden"') == 1 and 'class="error"' not in taken and '>Aviva</label>' in taken
