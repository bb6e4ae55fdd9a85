"""The coordinator's attendance page and its CSV export."""
from __future__ import annotations

from datetime import date

from flask import Response, render_template, request

from ...core.i18n import LANGUAGES
from ...core.permissions import allow, role
from ...core.places import locality_choices
from ...core.security import no_store
from ...core.timeutil import today
from ..services.attendance_report import attendance_report, report_csv

COORDINATORS = role("coordinator", "admin")


def _filters() -> tuple[date, int | None, str | None]:
    try:
        year, month = (int(p) for p in request.args.get("month", "").split("-"))
        chosen = date(year, month, 1)
    except ValueError:
        chosen = today().replace(day=1)  # this month on the program's calendar
    locality = request.args.get("locality", "")
    language = request.args.get("language")
    return chosen, int(locality) if locality.isdigit() else None, language if language in LANGUAGES else None


@allow(COORDINATORS)
def attendance_page():
    month, locality, language = _filters()
    no_store()
    report = attendance_report(month, locality, language)
    return render_template("groups/report.html", report=report, month=month, locality=locality, language=language,
                           localities=locality_choices())


@allow(COORDINATORS)
def attendance_csv():
    month, locality, language = _filters()
    no_store()
    body = report_csv(attendance_report(month, locality, language))
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="attendance-{month:%Y-%m}.csv"'})
