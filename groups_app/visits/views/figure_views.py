"""The coordinators' program figures: the page, the same figures as CSV, and the trends as SVG images."""
from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ...core.i18n import LANGUAGE_LABELS, LANGUAGES
from ...core.permissions import allow, role
from ...core.security import no_store
from ...core.timeutil import today
from ..charts import chart_svg
from ..services import figures as service

COORDINATORS = role("coordinator")  # coordinators run the program; admins manage accounts, not cases
CHARTS = {"referrals": "bar", "active": "line", "visits": "bar"}


def _filters() -> dict:
    """The year (the program's years only), locality and language asked for; anything else is ignored."""
    year, locality, language = (request.args.get(name, "") for name in ("year", "locality", "language"))
    return {"year": int(year) if year.isdecimal() and len(year) == 4 and 2000 <= int(year) <= today().year else None,
            "locality_id": int(locality) if locality.isdecimal() and len(locality) <= 9 else None,  # not "²"
            "language": language if language in LANGUAGES else None}


def _report():
    no_store()
    return service.program_figures(**_filters(), by=current_user)


@allow(COORDINATORS)
def figures():
    report = _report()
    return render_template("visits/figures.html", report=report, charts=CHARTS, legend=service.LEGEND,
                           query={name: value for name, value in (("year", report.year), ("language", report.language),
                                                                  ("locality", report.locality_id)) if value})


@allow(COORDINATORS)
def figures_csv():
    report = _report()
    places = dict(report.localities)
    filters = _("Year: %(year)s. Locality: %(locality)s. Language: %(language)s.",
                year=report.year or _("All years"),
                locality=places.get(report.locality_id, _("All localities")),
                language=LANGUAGE_LABELS[report.language] if report.language else _("All languages"))
    name = f"program-figures-{report.year or 'to-date'}.csv"
    return Response(service.figures_csv(report, filters), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@allow(COORDINATORS)
def figure_chart():
    name = request.args.get("chart", "referrals")
    if name not in CHARTS:
        abort(404)
    no_store()
    svg, policy = chart_svg(service.trend(name, **_filters(), by=current_user), CHARTS[name])
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = policy  # its own: see charts.py
    return response
