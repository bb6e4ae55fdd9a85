"""The coordinator's attendance page and its CSV export."""
from __future__ import annotations

from datetime import date

from flask import Response, render_template, request, stream_with_context

from ...core.http import page_number
from ...core.i18n import LANGUAGES
from ...core.input import FIRST_YEAR, LAST_YEAR, record_id
from ...core.permissions import allow, role
from ...core.places import locality_choices
from ...core.security import no_store
from ...core.timeutil import today
from ..services.attendance_report import csv_chunks, report_page

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
    return render_template("groups/report.html", report=pagination.items, pagination=pagination, month=month,
                           locality=locality, language=language, localities=locality_choices())


@allow(COORDINATORS)
def attendance_csv():
    month, locality, language = _filters()
    no_store()
    body = stream_with_context(csv_chunks(month, locality, language))  # the first lines leave at once
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="attendance-{month:%Y-%m}.csv"'})
