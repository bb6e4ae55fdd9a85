"""The figures the home-visit program reports to funders, by locality and by language, with every
small count protected ("<5") the same way on the page, in its CSV and in its charts."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_interval, format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...core.csvsafe import safe_row
from ...core.places import all_localities, sorted_localities
from ...core.timeutil import today
from ...core.web import monthformat
from ..models import SOURCES
from ..permissions import require_coordinator
from . import figure_queries as q
from .figure_tables import Cell, Figure, build_figures
from .suppression import Grid, suppress

TREND_LENGTH = 12  # months, and weeks
LEGEND = _l("“<5”: a count from 1 to 4, not shown so that no mother can be recognised. “*”: hidden so that a "
            "count under 5 cannot be worked out from the totals.")


@dataclass
class Trend:
    key: str
    title: str
    heading: str  # over the labels: Month, Week
    unit: str  # over the numbers: Referrals, Active cases, Visits
    labels: list[str]  # in full, for the table
    ticks: list[str]  # short, for the chart's axis
    cells: list[Cell]
    total: Cell | None = None
    total_label: str = ""


@dataclass
class ProgramFigures:
    year: int | None
    locality_id: int | None
    language: str | None
    years: list[int]
    localities: list[tuple[int, str]]
    figures: dict[str, Figure]
    headline: list[tuple[str, Cell]]
    trends: dict[str, Trend]


def program_figures(year: int | None = None, locality_id: int | None = None, language: str | None = None, *,
                    by) -> ProgramFigures:
    """Every figure of the page for a year (None: to date), a locality and a language, in a fixed
    number of queries (eleven) whatever the program's size."""
    require_coordinator(by)
    scope = q.Scope(year, locality_id, language, today())
    locale = str(get_locale() or "he")
    places = {str(place.id): place for place in all_localities()}
    ordered = sorted_localities(places.values(), locale)
    first_year = q.first_year()
    figures = build_figures(year, q.mothers_served(scope), q.cases(scope), q.median_visits(scope), q.referrals(scope),
                            q.volunteers(scope), q.closed(scope), places,
                            {str(place.id): n for n, place in enumerate(ordered)}, locale)
    return ProgramFigures(
        year=year, locality_id=locality_id, language=language,
        years=list(range(scope.today.year, min(first_year or scope.today.year, scope.today.year) - 1, -1)),
        localities=[(place.id, place.name(locale)) for place in ordered],
        figures=figures, headline=_headline(figures, year), trends=_trends(scope, locale),
    )


def _headline(figures: dict[str, Figure], year: int | None) -> list[tuple[str, Cell]]:
    def total(key: str, column: int) -> Cell:
        return figures[key].tables[0].total[column]

    return [
        (_("Mothers served in %(year)s", year=year) if year else _("Mothers served to date"), total("served", 0 if year else -1)),
        (_("Referrals"), total("referrals", len(SOURCES))),
        (_("Young mothers (under 21)"), total("age", -1)),
        (_("First-time mothers"), total("first", -1)),
        (_("Visits per case (average)"), total("visits", 2)),
        (_("Volunteers trained"), total("volunteers", 0)),
        (_("Volunteers active now"), total("volunteers", 1)),
        (_("Returning volunteers"), total("volunteers", -1)),
        (_("Cases closed early"), total("closed", 1)),
    ]


# ---- trends --------------------------------------------------------------------------------------

def _months_back(first_of_month: date, n: int) -> date:
    months = first_of_month.year * 12 + first_of_month.month - 1 - n
    return date(months // 12, months % 12 + 1, 1)


def _trends(scope: q.Scope, locale: str) -> dict[str, Trend]:
    """The last 12 months (this one included) and the last 12 weeks (the program's weeks start on
    Sunday, as in Israel), whatever the year chosen."""
    this_month = scope.today.replace(day=1)
    months = [_months_back(this_month, n) for n in range(TREND_LENGTH - 1, -2, -1)]
    this_week = scope.today - timedelta(days=(scope.today.weekday() + 1) % 7)
    weeks = [this_week - timedelta(weeks=n) for n in range(TREND_LENGTH - 1, -2, -1)]
    month_labels = [monthformat(m) for m in months[:-1]]
    month_ticks = [format_skeleton("MMM", m, locale=locale) for m in months[:-1]]
    week_labels = [format_interval(w, w + timedelta(days=6), "yMMMd", locale=locale) for w in weeks[:-1]]
    week_ticks = [format_skeleton("MMMd", w, locale=locale) for w in weeks[:-1]]
    referred = q.referrals_per_month(scope, months)
    active = q.active_cases_per_month(scope, months)
    visits = q.visits_per_week(scope, weeks)
    referred.append(sum(referred))  # the last 12 months in all: shown, so protected like a row's total
    visits.append(sum(visits))
    marks = suppress([Grid([referred], column_totals=False), Grid([active], row_totals=False, column_totals=False),
                      Grid([visits], column_totals=False)])
    referred, active, visits = (_cells(values, found[0]) for values, found in zip((referred, active, visits), marks,
                                                                                   strict=True))
    return {
        "referrals": Trend("referrals", _("Referrals per month"), _("Month"), _("Referrals"), month_labels, month_ticks,
                           referred[:-1], referred[-1], _("Last 12 months")),
        "active": Trend("active", _("Active cases per month"), _("Month"), _("Active cases"), month_labels,
                        month_ticks, active),
        "visits": Trend("visits", _("Visits per week"), _("Week"), _("Visits"), week_labels, week_ticks,
                        visits[:-1], visits[-1], _("Last 12 weeks")),
    }


def _cells(values: list[int], marks: list[str]) -> list[Cell]:
    return [Cell(None if mark else value, mark) for value, mark in zip(values, marks, strict=True)]


def trend(name: str, year=None, locality_id=None, language=None, *, by) -> Trend:
    """One trend, for its chart: three queries at most."""
    require_coordinator(by)
    return _trends(q.Scope(year, locality_id, language, today()), str(get_locale() or "he"))[name]


# ---- CSV -----------------------------------------------------------------------------------------

def figures_csv(report: ProgramFigures, filters: str) -> bytes:
    """The page's tables, as suppressed as on the page, one section each; UTF-8 with a byte-order
    mark, so that spreadsheet programs read Hebrew, Arabic and Amharic right."""
    out = io.StringIO()
    writer = csv.writer(out)

    def write(*cells):
        writer.writerow(safe_row(cells))

    write(_("Home visits: program figures"))
    write(filters)
    write(str(LEGEND))
    for figure in report.figures.values():
        for table in figure.tables:
            write()
            write(table.caption)
            write(table.row_heading, *table.columns)
            for label, cells in table.rows:
                write(label, *(c.plain() for c in cells))
            write(_("Total"), *(c.plain() for c in table.total))
    for item in report.trends.values():
        write()
        write(item.title)
        write(item.heading, item.unit)
        for label, cell in zip(item.labels, item.cells, strict=True):
            write(label, cell.plain())
        if item.total is not None:
            write(item.total_label, item.total.plain())
    return out.getvalue().encode("utf-8-sig")
