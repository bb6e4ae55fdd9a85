"""The sentences of the home-visit case pages (the list of cases, her mothers on "My mothers" and
her home page, a case's visits and weeks) made in Python, each once per language (and count, date
or label), for the templates to write as they are: in Jinja, each sentence of each row cost 30 to 60
calls (a call through the template's context, the catalog looked up, the values escaped).

Translations are safe (the catalogs are ours), as a template marks them, and are filled in as a
template fills them: every value escaped by Markup's %. The caches are keyed by the language, so a
page in Arabic never reads a line made in Hebrew."""
from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import NamedTuple

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from ...core.i18n import in_her_language
from ...core.timeutil import today
from ...core.web import address_for, address_parts, dateformat, kept_select_options, language_names, listformat
from ..forms.cases import MOOD_LABELS, TOPIC_LABELS
from ..services import cases as case_service
from .volunteer_views import duration


class _CaseLine(NamedTuple):
    """A row's sentences on the list of cases, made in Python: in the template, each sentence of
    each of 25 rows cost 60 calls."""
    languages: Markup
    volunteer: Markup | None
    visits: Markup
    quiet: Markup | None


def case_lines(rows, progress) -> dict[int, _CaseLine]:
    """Each row's sentences on the list of cases, by case id (rows and Progress from `cases_page`)."""
    locale = str(get_locale())
    volunteer = _said(locale)["volunteer"]
    return {row.id: _CaseLine(
        _languages_line(row.languages, locale),
        None if row.volunteer_name is None else volunteer % {"name": row.volunteer_name},
        _visits_so_far(progress[row.id].visits, locale),
        _no_visit_for(progress[row.id].quiet_weeks, locale) if progress[row.id].quiet_weeks >= case_service.QUIET_WEEKS
        else None) for row in rows}


def case_items(rows, progress, locality_names: dict[int, str], labels) -> Markup:
    """The list of cases' rows (each `<li>`, with `case_lines`' sentences), written in Python as the
    template's loop wrote them (tests/visits/test_case_items.py compares the two in every language):
    in Jinja a row cost about 500 calls. Rows and Progress from `cases_page`; `labels` as the
    template had them (in_her_language(LABELS)). Names, places and labels escaped here, the
    catalog's sentences marked safe as a template marks them."""
    locale = str(get_locale())
    words = _list_words(locale)
    lines = case_lines(rows, progress)
    (page, page_end), (match, match_end) = (
        map(escape, address_parts(endpoint, "case_id")) for endpoint in ("visits.case", "visits.match"))
    status_labels, reasons = labels["status"], labels["reasons"]
    parts = []
    for case in rows:
        line = lines[case.id]
        name = escape(case.mother_name) if case.mother_id is not None else _case_number(case.id, locale)
        place = escape(locality_names[case.locality_id]) if case.locality_id is not None else words["no_place"]
        parts.append(f'\n    \n    \n    <li class="card">\n'
                     f'      <h2 class="card-title"><a href="{page}{case.id}{page_end}">{name}</a>\n'
                     f'        <span class="badge case-{escape(case.status)}">{escape(status_labels[case.status])}</span></h2>\n'
                     f'      <p>{place} · {line.languages}</p>\n'
                     f'      {f"<p>{line.volunteer}</p>" if line.volunteer else ""}\n      ')
        if case.status == "waiting":
            parts.append(f'\n        <p><a href="{match}{case.id}{match_end}">{words["find"]}</a></p>\n      ')
        elif case.status == "active":
            quiet = f'<strong class="state state-missing">{line.quiet}</strong>' if line.quiet else ""
            parts.append(f'\n        <p>{line.visits}\n          {quiet}</p>\n      ')
        else:
            closed = words["closed"] % {"date": dateformat(case.closed_on, "long"),
                                        "reason": reasons.get(case.close_reason, case.close_reason)}
            parts.append(f'\n        <p>{closed}</p>\n      ')
        parts.append('\n    </li>\n  ')
    return Markup("".join(parts))  # nosec B704  # every value escaped above; the sentences are our catalog's


@functools.lru_cache(maxsize=16)
def _list_words(locale: str) -> dict[str, Markup]:
    return {"no_place": Markup(_("Locality not recorded")) % {},  # nosec B704  # our catalog's texts, as a template writes them
            "find": Markup(_("Find a volunteer")) % {},  # nosec B704  # likewise
            "closed": Markup(_("Closed on %(date)s: %(reason)s"))}  # nosec B704  # likewise; the values escaped by %


@functools.lru_cache(maxsize=1024)
def _languages_line(languages: str, locale: str) -> Markup:
    return language_names(languages.split(","))


@functools.lru_cache(maxsize=16)
def _said(locale: str) -> dict[str, Markup]:
    return {"volunteer": Markup(_("Volunteer: %(name)s")),  # nosec B704  # our catalog's texts; values escaped by %
            "case_number": Markup(_("Case no. %(number)s"))}  # nosec B704  # likewise


@functools.lru_cache(maxsize=1024)
def _visits_so_far(visits: int, locale: str) -> Markup:
    return Markup(ngettext("%(num)d visit so far.", "%(num)d visits so far.", visits))  # nosec B704  # a number


@functools.lru_cache(maxsize=1024)
def _no_visit_for(weeks: int, locale: str) -> Markup:
    return Markup(ngettext("No visit for %(num)s week.", "No visit for %(num)s weeks.", weeks))  # nosec B704  # a number


def options(choices, selected: int | None) -> Markup:
    """A filter's options in one pass, kept per list and choice (core.web.kept_select_options): a
    program has hundreds of volunteers, and a template loop over them cost more than the page."""
    return kept_select_options(tuple(choices), selected)


def links(endpoint: str, name: str, ids) -> dict[int, str]:
    """Each id's address on `endpoint`, whose one variable part is `name` (core.web.address_for)."""
    address = address_for(endpoint, name)
    return {record_id: address(record_id) for record_id in ids}


class MotherLine(NamedTuple):
    """One of her mothers as "My mothers" and her home page show her (visits/_home_my_mothers.html)."""
    link: str
    log_link: str
    name: str
    locality: str
    baby: str
    last_visit: Markup
    quiet: Markup | None  # two weeks or more without a visit
    past_week: bool  # one week without a visit


def mother_lines(mothers) -> list[MotherLine]:
    """Her mothers' lines from (case or row, the mother's name or None, her locality's name,
    Progress): the sentences made in Python, each once per language (in the template, a mother
    cost 400 calls)."""
    mothers = list(mothers)
    ids = [case.id for case, *_rest in mothers]
    pages, log_pages = links("visits.case", "case_id", ids), links("visits.log_visit", "case_id", ids)
    locale, on = str(get_locale()), today()
    lines = []
    for case, name, locality, done in mothers:
        weeks = case_service.weeks_without_visit(case, done.last_visit, on)
        lines.append(MotherLine(
            pages[case.id], log_pages[case.id],
            case_service.first_name(name) if name is not None else _case_number(case.id, locale), locality,
            case_service.baby_age(case, on), _last_visit_line(done.last_visit, locale),
            _no_visit_for(weeks, locale) if weeks >= case_service.QUIET_WEEKS else None, weeks == 1))
    return lines


@functools.lru_cache(maxsize=4096)
def _last_visit_line(day, locale: str) -> Markup:
    if day is None:
        return Markup(_("No visit logged yet.")) % {}  # nosec B704  # our catalog's text, "%%" written "%" as a template does
    return Markup(_("Last visit: %(date)s.")) % {"date": dateformat(day, "long")}  # nosec B704  # our catalog's text; the date escaped by %


def _case_number(case_id: int, locale: str) -> Markup:
    return _said(locale)["case_number"] % {"number": case_id}


def visit_lines(visits) -> Markup:
    """A case page's visits as the list items it shows, written in Python (in the template, a visit
    cost 100 calls): each visit's date, length, mood and topics once per language and value, her
    notes (which are not kept) escaped on each request. The same bytes as the template's loop wrote
    (tests/visits/test_case_page_rows.py compares them)."""
    locale = str(get_locale())
    return Markup("".join([  # nosec B704  # each part escaped below or made by _visit_head
        _visit_head(visit.visited_on, visit.minutes, visit.mood, visit.topics, locale)
        + (f'<p class="notice-body help">{escape(visit.notes)}</p></li>\n        ' if visit.notes else "</li>\n        ")
        for visit in visits]))


@functools.lru_cache(maxsize=4096)
def _visit_head(day, minutes: int, mood: int, topics: str, locale: str) -> str:
    """A visit's list item up to her notes, escaped as the template escaped it."""
    topics_line = _topics_line(topics, locale)
    return (f'\n          <li class="card"><p><strong>{escape(dateformat(day, "medium"))}</strong> · {escape(duration(minutes))}'
            f'\n            · {_mood_line(mood, locale)}</p>\n            '
            + (f"\n              <p>{topics_line}</p>" if topics_line else "") + "\n            ")


@functools.lru_cache(maxsize=64)
def _mood_line(mood: int, locale: str) -> Markup:
    return Markup(_("She seemed: %(mood)s")) % {"mood": in_her_language(MOOD_LABELS).get(mood)}  # nosec B704  # our catalog's text; the label escaped by %


@functools.lru_cache(maxsize=1024)
def _topics_line(topics: str, locale: str) -> Markup | None:
    labels = in_her_language(TOPIC_LABELS)
    names = [labels.get(topic, topic) for topic in topics.split(",") if topic]
    if not names:
        return None
    return Markup(_("Talked about: %(topics)s")) % {"topics": listformat(names)}  # nosec B704  # our catalog's text; listformat escapes each name


# The case page's fixed words, by the name its template writes them with (`said.<name>`): made once
# per language. In the template, each `_()` cost 30 calls (a call through the template's context,
# the catalog, the Markup and its formatting), a name 6. Written as the template's `_()` wrote them.
_PAGE_WORDS = {
    "coordinators_told": _l("The program's coordinators are told of your concern; one of them will call you."),
    "log_visit": _l("Log a visit"), "worried": _l("I am worried about her or the baby"),
    "next_visit": _l("Next visit"), "no_next_visit": _l("No next visit is set."),
    "to_clear_it": _l("To clear it, empty both and save."), "save_next_visit": _l("Save the next visit"),
    "the_mother": _l("The mother"), "phone": _l("Phone"), "not_recorded": _l("Not recorded"),
    "locality": _l("Locality"), "languages": _l("Languages"), "the_baby": _l("The baby"), "her_age": _l("Her age"),
    "first_baby": _l("First baby"), "yes": _l("Yes"), "no": _l("No"), "referred_by": _l("Referred by"),
    "the_referral": _l("The referral"), "the_visits": _l("The visits"), "volunteer": _l("Volunteer"),
    "none_yet": _l("None yet"), "supervisor": _l("Supervisor"), "opened": _l("Opened"),
    "visits_since": _l("Visits since"), "ends_on": _l("Ends on"), "closed": _l("Closed"),
    "closing_note": _l("Closing note"), "notes": _l("Notes"), "no_notes": _l("No notes."),
    "find_volunteer": _l("Find a volunteer"), "change_case": _l("Change the notes or dates"),
    "close_case": _l("Close the case"), "week_by_week": _l("Week by week"), "concerns": _l("Concerns"),
    "support_groups": _l("Support groups"), "no_group_yet": _l("She has not come to a group meeting yet."),
    "invite_label": _l("Invite her to a group near her, in her language"),
    "send_invitation": _l("Send her an invitation"), "no_group_meets": _l("No group meets in her languages yet."),
}


def page_words() -> SimpleNamespace:
    """The case page's fixed words in the reader's language (_PAGE_WORDS)."""
    return _page_words(str(get_locale()))


@functools.lru_cache(maxsize=16)
def _page_words(locale: str) -> SimpleNamespace:
    return SimpleNamespace(**{name: Markup(str(text)) % {} for name, text in _PAGE_WORDS.items()})  # nosec B704  # our catalog's texts, as a template's _() marks them


def week_lines(weeks) -> Markup:
    """The case page's weeks (a year of them for a case near its end) as the list items it shows,
    each written once per week, count of visits and language."""
    locale = str(get_locale())
    return Markup("".join([_week_line(week.starts, week.ends, week.visits, locale) for week in weeks]))  # nosec B704  # made by _week_line


@functools.lru_cache(maxsize=4096)
def _week_line(starts, ends, visits: int, locale: str) -> str:
    said = _visits_in_week(visits, locale) if visits else Markup("<strong>%s</strong>") % (Markup(_("no visit")) % {})  # nosec B704  # our catalog's text, written as the template wrote it
    return f"\n          <li>{_week_span(starts, ends, locale)}:\n            {said}</li>\n        "


@functools.lru_cache(maxsize=4096)
def _week_span(starts, ends, locale: str) -> Markup:
    return Markup(_("%(start)s to %(end)s")) % {"start": dateformat(starts, "medium"), "end": dateformat(ends, "medium")}  # nosec B704  # our catalog's text; dates escaped by %


@functools.lru_cache(maxsize=256)
def _visits_in_week(visits: int, locale: str) -> Markup:
    return Markup(ngettext("%(num)d visit", "%(num)d visits", visits))  # nosec B704  # a number
