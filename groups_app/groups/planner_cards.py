"""The facilitator's planner, written: each group she leads with its recent topics and a card per
meeting ahead (its day, who is coming, the topic list with its choice marked, her plan).

A planner shows 24 meetings with 72 topics each. What is the same from one visit to the next is
made once and kept (each group's topic list, each list with a meeting's choice marked, the line of
recent topics, the words of the page in a language); the rest is written here as the template
wrote it (tests/groups/test_planner_cards.py compares the two), not by a Jinja loop that cost a
dozen calls per piece."""
from __future__ import annotations

import functools
from typing import NamedTuple

from flask_babel import format_date, get_locale, get_timezone, get_translations
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from ..accounts.models import User
from ..core.web import address_parts, listformat
from .home import MeetingLine
from .models.meeting import CANCELLED
from .services import follow_up
from .services.meetings import MIN_AHEAD
from .services.topics import topic_choices
from .views.common import _when

RECENT = 6  # recent topics shown per group (as meetings.recent_topics)


class PlannerPage(NamedTuple):
    sections: Markup  # every group's section, or the line saying she leads none
    missing: list[MeetingLine]  # attendance still to enter (groups/_attendance_missing.html)


def planner_page(user: User) -> PlannerPage:
    facts = follow_up.planner_facts(user, per_group=MIN_AHEAD, recent=RECENT)
    locale, zone = str(get_locale()), str(get_timezone())
    words = _words(locale)
    topics = tuple(topic_choices(user.read_languages, facts.topics_version)) if facts.groups else ()
    titles = dict(topics)
    # Addresses as the text either side of the id, escaped once (an id needs no escaping).
    (page, page_end), (action, action_end), (group, group_end) = (
        map(escape, address_parts(endpoint, name)) for endpoint, name in
        (("groups.meeting_page", "meeting_id"), ("groups.plan", "meeting_id"), ("groups.group_page", "group_id")))
    token = escape(generate_csrf())
    parts = []
    for group_id, name in facts.groups:
        had = facts.recent[group_id]
        recent = _recent_line(tuple((titles.get(m.topic_id, ""), m.start) for m in had), locale, zone)
        options = _topic_options(topics, frozenset(m.topic_id for m in had), words.had_recently)
        parts.append(f'\n    <section aria-labelledby="group-{group_id}">\n'
                     f'      <h2 id="group-{group_id}"><a href="{group}{group_id}{group_end}">{escape(name)}</a></h2>\n'
                     f'      <p class="help">{words.recent_topics}\n        {recent}</p>\n'
                     f'      <ol class="plain-list planner-list">\n      ')
        cards = facts.ahead[group_id]
        for m in cards:
            parts.append(f'\n        <li id="meeting-{m.id}" class="card">\n'
                         f'          <h3><a href="{page}{m.id}{page_end}">{_when_html(m.start, locale, zone)}</a>\n'
                         f'            {words.badge if m.status == CANCELLED else ""}</h3>\n'
                         f'          <p class="help">{_coming(m.coming, locale)}</p>\n          ')
            if m.status != CANCELLED:
                parts.append(f'\n          <form method="post" action="{action}{m.id}{action_end}">\n'
                             f'            <input type="hidden" name="csrf_token" value="{token}">\n'
                             f'            <div class="field">\n'
                             f'              <label for="topic-{m.id}">{words.topic}</label>\n'
                             f'              <select id="topic-{m.id}" name="topic_id"><option value="">—</option>'
                             f'{choose(options, m.topic_id)}</select>\n'
                             f'            </div>\n'
                             f'            <div class="field">\n'
                             f'              <label for="plan-{m.id}">{words.plan}</label>\n'
                             f'              <textarea id="plan-{m.id}" name="plan" rows="3">{escape(m.plan) if m.plan else ""}</textarea>\n'
                             f'            </div>\n'
                             f'            <button type="submit">{words.save}</button>\n'
                             f'          </form>\n          ')
            parts.append('\n        </li>\n      ')
        if not cards:
            parts.append(f'\n        <li>{words.no_meetings}</li>\n      ')
        parts.append('\n      </ol>\n    </section>\n  ')
    if not facts.groups:
        parts.append(f'\n    <p>{words.no_groups}</p>\n  ')
    names = dict(facts.groups)
    missing = [MeetingLine(m.id, m.group_id, m.start, m.status, names[m.group_id]) for m in facts.missing]
    return PlannerPage(Markup("".join(parts)), missing)  # nosec B704  # every value escaped above; the words are translations (Markup)


class _Words(NamedTuple):
    recent_topics: Markup
    topic: Markup
    plan: Markup
    save: Markup
    badge: Markup  # a cancelled meeting's mark
    no_meetings: Markup
    no_groups: Markup
    had_recently: Markup  # after a topic in the list
    topic_on: Markup  # a recent topic and its day


@functools.lru_cache(maxsize=16)
def _words(locale: str) -> _Words:
    """The planner's words in a language, as the template's _() gave them (translations, not
    escaped). Each is written out in `_()` here, so that the catalogs' extraction finds it."""
    words = [Markup(text) for text in (  # nosec B704  # translations
        _("Recent topics:"), _("Topic"), _("Your plan for the meeting"), _("Save the plan"), _("cancelled"),
        _("No meetings planned."), _("You do not facilitate a group yet. A coordinator adds you to a group."),
        _("had recently"), _("%(topic)s (%(date)s)"))]
    recent_topics, topic, plan, save, cancelled, no_meetings, no_groups, had_recently, topic_on = words
    return _Words(recent_topics, topic, plan, save, Markup('<span class="badge">%s</span>') % cancelled,
                  no_meetings, no_groups, Markup(" (%s)") % had_recently, topic_on)


@functools.lru_cache(maxsize=1024)
def choose(options: Markup, chosen: int | None) -> Markup:
    """A group's rendered <option>s with `chosen` selected, made once per list and choice (a planner
    shows a list per meeting, and the same lists on every visit)."""
    if chosen is None:
        return options
    mark = f'<option value="{int(chosen)}">'
    return Markup(str(options).replace(mark, f'<option value="{int(chosen)}" selected>', 1))  # nosec B704  # options is already Markup; only an int is added


@functools.lru_cache(maxsize=256)
def _topic_options(topics: tuple[tuple[int, str], ...], recent_ids: frozenset, had_recently: str) -> Markup:
    """A group's topic list as <option>s, those it had recently marked: the same for each of its
    meetings and, while the bank and its recent topics stay, for each visit. (An option ends where
    the next begins: HTML needs no closing tag, and a planner has hundreds.)"""
    return Markup("".join(  # nosec B704  # every title escaped here; the marker is a translation (Markup)
        f'<option value="{int(topic_id)}">{escape(title)}{had_recently if topic_id in recent_ids else ""}'
        for topic_id, title in topics))


@functools.lru_cache(maxsize=4096)
def _when_html(moment, locale: str, zone: str) -> Markup:
    """A meeting's day and time (views.common._when, the `when` filter's kept text), escaped once."""
    return escape(_when(moment, locale, zone))


@functools.lru_cache(maxsize=512)
def _coming(count: int, locale: str) -> Markup:
    return Markup(get_translations().ungettext("%(num)s mother said she is coming",  # nosec B704  # a translation
                                              "%(num)s mothers said they are coming", count)) % {"num": count}


@functools.lru_cache(maxsize=1024)
def _recent_line(had: tuple[tuple[str, object], ...], locale: str, zone: str) -> Markup:
    """A group's recent topics (title and moment, newest first) as a list in the reader's language
    and zone: the same on every visit until the group meets again."""
    if not had:
        return Markup(_("none yet"))  # nosec B704  # a translation
    topic_on = _words(locale).topic_on
    return listformat([topic_on % {"topic": title, "date": format_date(moment, "medium")} for title, moment in had])
