"""The coordinator's attendance page and its CSV export."""
from __future__ import annotations

from datetime import date

from flask import Response, render_template, request, stream_with_context
from flask_babel import get_locale
from markupsafe import Markup, escape

from ...core.http import page_number
from ...core.i18n import LANGUAGES
from ...core.input import FIRST_YEAR, LAST_YEAR, record_id
from ...core.permissions import allow, role
from ...core.places import locality_choices
from ...core.security import no_store
from ...core.timeutil import today
from ...core.web import address_for, count_text, kept_select_options
from ...main.versions import kept_localities
from ..services.attendance_report import ReportRow, csv_chunks, report_page

COORDINATORS = role("coordinator", "admin")


def _filters() -> tuple[date, int | None, str | None]:
    try:
        year, month = (int(p) for p in request.args.get("month", "").split("-"))
        chosen = date(year, month, 1)
        if not FIRST_YEAR <= year <= LAST_YEAR:  # a month no meeting can be in; its dates would overflow
            raise ValueError(year)
    except ValueError:
        chosen = today().replace(day=1)  # this month on the program's calendar
    language = request.args.get("language")
    return chosen, request.args.get("locality", type=record_id), language if language in LANGUAGES else None


@allow(COORDINATORS)
def attendance_page():
    month, locality, language = _filters()
    no_store()
    pagination = report_page(month, locality, language, page_number())
    return render_template("groups/report.html", rows=table_rows(pagination.items), pagination=pagination,
                           month=month, locality=locality, language=language,
                           locality_options=kept_select_options(
                               tuple(locality_choices(kept=kept_localities(pagination.localities_version))), locality))


def table_rows(rows: list[ReportRow]) -> Markup:
    """The table's rows, written here as the template's loop wrote them, byte for byte (whitespace
    included): a Jinja loop with seven `numberformat` filters, a `url_for` and a locality's name
    per group was most of the page's own time."""
    locale = str(get_locale() or "he")
    link = address_for("groups.group_page", "group_id")
    cells = []
    for row in rows:
        n = [count_text(value, locale) for value in row[3:]]
        cells.append(f'\n      <tr><th scope="row"><a href="{link(row.id)}">{escape(row.name)}</a>'
                     f'<br><small>{escape(row.locality)}</small></th>\n'
                     f'        <td>{n[0]}</td><td>{n[1]}</td><td>{n[2]}</td>\n'
                     f'        <td>{n[3]}</td><td>{n[4]}</td><td>{n[5]}</td>\n'
                     f'        <td>{n[6]}</td></tr>\n    ')
    return Markup("".join(cells))  # nosec B704  # names escaped above; counts are digits and Babel's separators


@allow(COORDINATORS)
def attendance_csv():
    month, locality, language = _filters()
    no_store()
    body = stream_with_context(csv_chunks(month, locality, language))  # the first lines leave at once
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="attendance-{month:%Y-%m}.csv"'})
