"""The planner's cards, written in groups/planner_cards.py from one statement of plain values, say byte
for byte what the template's loop wrote from Meeting and Group objects (the code and template of
before are kept here), in English, Hebrew and Arabic; and the page runs three statements."""
from datetime import UTC, datetime

from flask import render_template_string, url_for
from flask_babel import format_date, format_time, get_translations, refresh
from flask_babel import gettext as _
from flask_login import login_user
from markupsafe import Markup, escape

from groups_app.core.timeutil import set_clock, utcnow
from groups_app.core.web import listformat
from groups_app.groups.models import Meeting, Rsvp, Topic, TopicText
from groups_app.groups.planner_cards import planner_page
from groups_app.groups.services import follow_up, replies
from groups_app.groups.services import meetings as meeting_service
from groups_app.groups.services.topics import topic_choices
from tests.conftest import add_members, count_queries, login, make_group, make_mother, make_user, past_meeting
from tests.groups.reference_meetings import ahead_and_missing

# The template's loop before the cards were written in Python (groups/planner.html), as it was.
# (Only the whitespace before the loop's `{% set html %}` is left out: the page keeps it around the cards.)
OLD_LOOP = """\
{% set token, topic_label, plan_label, save, cancelled = csrf_token(), _("Topic"), _("Your plan for the meeting"), _("Save the plan"), _("cancelled") %}\
{% set html %}{% for group, recent, cards in sections %}
    <section aria-labelledby="group-{{ group.id }}">
      <h2 id="group-{{ group.id }}"><a href="{{ url_for('groups.group_page', group_id=group.id) }}">{{ group.name }}</a></h2>
      <p class="help">{{ _("Recent topics:") }}
        {{ recent }}</p>
      <ol class="plain-list planner-list">
      {% for id, when, page, action, coming, is_cancelled, options, plan in cards %}
        <li id="meeting-{{ id }}" class="card">
          <h3><a href="{{ page }}">{{ when }}</a>
            {% if is_cancelled %}<span class="badge">{{ cancelled }}</span>{% endif %}</h3>
          <p class="help">{{ coming }}</p>
          {% if not is_cancelled %}
          <form method="post" action="{{ action }}">
            <input type="hidden" name="csrf_token" value="{{ token }}">
            <div class="field">
              <label for="topic-{{ id }}">{{ topic_label }}</label>
              <select id="topic-{{ id }}" name="topic_id"><option value="">—</option>{{ options }}</select>
            </div>
            <div class="field">
              <label for="plan-{{ id }}">{{ plan_label }}</label>
              <textarea id="plan-{{ id }}" name="plan" rows="3">{{ plan }}</textarea>
            </div>
            <button type="submit">{{ save }}</button>
          </form>
          {% endif %}
        </li>
      {% else %}
        <li>{{ _("No meetings planned.") }}</li>
      {% endfor %}
      </ol>
    </section>
  {% else %}
    <p>{{ _("You do not facilitate a group yet. A coordinator adds you to a group.") }}</p>
  {% endfor %}{% endset %}{{ html }}"""


def _old_sections(user):
    """The planner view's cards as they were made: ORM objects from four services, nothing kept."""
    groups = follow_up.led_groups(user)
    ids = [g.id for g in groups]
    upcoming, missing = ahead_and_missing(ids, ids, per_group=meeting_service.MIN_AHEAD)
    expected = replies.expected([m.id for ms in upcoming.values() for m in ms])
    recent = meeting_service.recent_topics(ids)
    topics = topic_choices(user.read_languages)
    titles = dict(topics)
    had_recently = Markup(" (%s)") % Markup(_("had recently"))
    topic_on = Markup(_("%(topic)s (%(date)s)"))
    sections = []
    for group in groups:
        had = recent[group.id]
        marked = {m.topic_id for m in had}
        options = Markup("".join(f'<option value="{tid}">{escape(title)}{had_recently if tid in marked else ""}'
                                 for tid, title in topics))
        items = [topic_on % {"topic": titles.get(m.topic_id, ""), "date": format_date(m.start, "medium")} for m in had]
        cards = []
        for m in upcoming[group.id]:
            coming = Markup(get_translations().ungettext("%(num)s mother said she is coming",
                                                         "%(num)s mothers said they are coming", expected[m.id]))
            chosen = options if m.topic_id is None else Markup(str(options).replace(
                f'<option value="{m.topic_id}">', f'<option value="{m.topic_id}" selected>', 1))
            cards.append((m.id, _("%(date)s at %(time)s", date=format_date(m.start, "full"), time=format_time(m.start, "short")),
                          url_for("groups.meeting_page", meeting_id=m.id), url_for("groups.plan", meeting_id=m.id),
                          coming % {"num": expected[m.id]}, m.cancelled, None if m.cancelled else chosen, m.plan))
        sections.append((group, listformat(items) if items else Markup(_("none yet")), cards))
    return sections, missing


def _program(app, db):
    """Her two groups (one whose meetings were all removed), an archived one and another's; topics
    with marks to escape and titles in some languages only; a cancelled meeting, a plan, answers,
    recent topics, and attendance still to enter."""
    set_clock(app, datetime(2026, 3, 10, 21, 30, tzinfo=UTC))  # 23:30 in Israel: already the next day there
    facilitator = make_user("facilitator", name="Facilitator")
    mine = make_group(facilitator, name='Alef & <Bet> "mornings"')
    empty = make_group(facilitator, name="Gimel evenings")
    archived = make_group(facilitator, name="Archived group")
    make_group(make_user("facilitator"), name="Not hers")
    db.session.query(Meeting).filter(Meeting.group_id == empty.id).delete()
    archived.archived = True
    topics = [Topic(slug="sleep", texts=[TopicText(language="en", title="Sleep & <naps>"),
                                         TopicText(language="he", title="שינה"), TopicText(language="ar", title="النوم")]),
              Topic(slug="work", texts=[TopicText(language="en", title="Back to 'work'")]),
              Topic(slug="food", texts=[TopicText(language="ru", title="Еда"), TopicText(language="he", title="אוכל")]),
              Topic(slug="bare")]
    db.session.add_all(topics)
    db.session.commit()
    sleep, work, food, _bare = topics
    for days, topic in ((7, sleep), (14, food), (21, None), (28, work)):
        past_meeting(mine, days_ago=days, topic_id=topic and topic.id, attendance_taken_at=utcnow() if days > 7 else None)
    past_meeting(archived, days_ago=3)  # an archived group's attendance is not chased
    ahead = meeting_service.upcoming([mine.id])[mine.id]
    meeting_service.set_plan(ahead[0], work.id, 'Names first & "why" <b>\nשלום', by=facilitator)
    meeting_service.set_plan(ahead[2], sleep.id, "", by=facilitator)
    meeting_service.cancel_meeting(ahead[1], by=facilitator)
    mothers = [make_mother() for _ in range(3)]
    add_members(mine, *mothers)
    db.session.add_all([Rsvp(meeting_id=ahead[0].id, user_id=m.id, coming=True) for m in mothers]
                       + [Rsvp(meeting_id=ahead[3].id, user_id=mothers[0].id, coming=True),
                          Rsvp(meeting_id=ahead[3].id, user_id=mothers[1].id, coming=False)])
    db.session.commit()
    return facilitator


def _compare(app, db, user, language, others=""):
    user.language, user.other_languages = language, others
    db.session.commit()
    with app.test_request_context("/planner"):
        login_user(user)
        refresh()  # her language and zone, not those the test's app context met first
        new = planner_page(user)
        old_sections, old_missing = _old_sections(user)
        old = render_template_string(OLD_LOOP, sections=old_sections)
        assert str(new.sections) == old
        assert [(m.id, m.group.name, m.start, m.cancelled) for m in new.missing] == [
            (m.id, m.group.name, m.start, m.cancelled) for m in old_missing]
        return new


def test_the_cards_are_what_the_template_wrote_in_three_languages(app, db):
    facilitator = _program(app, db)
    for language, others in (("en", "he"), ("he", "ar,en"), ("ar", ""), ("he", "ru")):
        page = _compare(app, db, facilitator, language, others)
        html = str(page.sections)
        assert html.count("<li id=\"meeting-") == meeting_service.MIN_AHEAD and "Not hers" not in html
        assert ("Save the plan" in html) == (language == "en")  # written in her language
        assert "Archived group" not in html and html.count('<span class="badge">') == 1
        assert "Alef &amp; &lt;Bet&gt; &#34;mornings&#34;" in html and "Names first &amp; &#34;why&#34; &lt;b&gt;" in html
        # the one a week ago, and this morning's (10:00 in Israel): the old code's list, compared above
        assert len(page.missing) == 2 and page.missing[0].group.name == 'Alef & <Bet> "mornings"'
    set_clock(app, datetime(2026, 3, 10, 9, 0, tzinfo=UTC))  # this morning's began an hour ago: ahead, and to enter
    page = _compare(app, db, facilitator, "ar", "he")
    assert page.missing[-1].id == int(str(page.sections).split('<li id="meeting-', 2)[1].split('"', 1)[0])


def test_a_facilitator_without_groups_is_told_so_in_her_language(app, db):
    facilitator = make_user("facilitator")
    for language in ("en", "he", "ar"):
        page = _compare(app, db, facilitator, language)
        assert page.missing == [] and str(page.sections).count("<p>") == 1


def test_the_planner_page_shows_the_cards_in_three_statements(app, db, client):
    facilitator = _program(app, db)
    login(client, facilitator)
    client.get("/planner")  # her session's once-a-minute touch is not the page's
    with count_queries(db.engine) as counted:
        html = client.get("/planner").get_data(as_text=True)
    assert counted() <= 3, counted.statements  # her session, the planner's meetings, the topic titles
    with app.test_request_context("/planner"):
        login_user(facilitator)
        refresh()
        sections = str(planner_page(facilitator).sections)
    token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert sections.replace(sections.split('name="csrf_token" value="', 1)[1].split('"', 1)[0], token) in html
    assert "Enter the attendance of Alef &amp; &lt;Bet&gt; &#34;mornings&#34; on " in html


def test_only_facilitators_open_the_planner(app, db, client):
    assert client.get("/planner").status_code == 302  # a visitor is asked to sign in
    for role in ("mother", "volunteer", "staff"):
        login(client, make_user(role))
        assert client.get("/planner").status_code == 403
        client.post("/logout")
