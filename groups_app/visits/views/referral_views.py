"""The public referral form and its thank-you page, the coordinator's inbox and referral page, the
service area."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_number, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from ...core.forms import submit
from ...core.http import page_number
from ...core.i18n import language_choices
from ...core.permissions import ANYONE, allow, role
from ...core.places import all_localities, locality_choices, sorted_localities
from ...core.security import no_store
from ...extensions import db
from ..forms.referrals import AcceptForm, AreaForm, ReferralForm, StatusForm
from ..models import STATUSES, Referral
from ..services import area as area_service
from ..services import referrals as service


def _fields(form: ReferralForm) -> service.ReferralFields:
    return service.ReferralFields(
        mother_name=form.mother_name.data or "", phone=form.phone.data or "", locality_id=form.locality_id.data,
        languages=form.languages.data or [], source=form.source.data or "", consent=bool(form.consent.data),
        baby_birth_date=form.baby_birth_date.data, due_date=form.due_date.data, mother_age=form.mother_age.data,
        first_baby=form.first_baby.data, referrer_name=form.referrer_name.data or "",
        referrer_contact=form.referrer_contact.data or "")


@allow(ANYONE)
def refer():
    no_store()  # her typed details come back on a refusal: no cache keeps them
    form = ReferralForm()
    form.locality_id.choices = [("", _("Choose a locality"))] + locality_choices()
    page_language = str(get_locale() or "he")
    # The page's language first, ticked: the first language ticked becomes her account's language.
    form.languages.choices = sorted(language_choices(), key=lambda choice: choice[0] != page_language)
    if not form.is_submitted():
        form.languages.data = [page_language]
    done, status, _result = submit(form, lambda: service.receive(_fields(form), address=request.remote_addr,
                                                                 honeypot=form.website.data or ""))
    if done:  # saved, or quietly dropped as spam: the sender cannot tell which
        return redirect(url_for("visits.refer_thanks"))
    return render_template("visits/refer.html", form=form), status


@allow(ANYONE)
def refer_thanks():
    return render_template("visits/refer_thanks.html")


def _count_label(status: str, n: int) -> str:
    count = format_number(n)
    if status == "new":
        return ngettext("%(count)s new referral", "%(count)s new referrals", n, count=count)
    if status == "contacted":
        return ngettext("%(count)s contacted", "%(count)s contacted", n, count=count)
    if status == "accepted":
        return ngettext("%(count)s accepted", "%(count)s accepted", n, count=count)
    if status == "declined":
        return ngettext("%(count)s declined", "%(count)s declined", n, count=count)
    return ngettext("%(count)s not eligible", "%(count)s not eligible", n, count=count)


@allow(role("coordinator"))
def referrals():
    no_store()
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    counts = service.status_counts()
    pagination = service.inbox(status, page_number())
    area = area_service.area_ids()
    rows = [(referral, area_service.check(referral, area)) for referral in pagination.items]
    total = sum(counts.values())
    return render_template("visits/referrals.html", pagination=pagination, rows=rows, status=status,
                           chips=[(code, _count_label(code, counts[code])) for code in STATUSES],
                           all_label=ngettext("All: %(count)s referral", "All: %(count)s referrals", total,
                                              count=format_number(total)),
                           labels=service.STATUS_LABELS, sources=service.SOURCE_LABELS)


def _get_referral(referral_id: int) -> Referral:
    return db.session.get(Referral, referral_id) or abort(404)


def _case_url(case) -> str | None:
    """The case's page, once the cases area has it (the referral page works without it)."""
    try:
        return url_for("visits.case", case_id=case.id) if case else None
    except BuildError:
        return None


def _referral_page(referral: Referral, status_form: StatusForm, accept_form: AcceptForm, status: int = 200):
    result = area_service.check(referral)
    case = service.case_of(referral)
    nearby = [] if result.eligible or case else area_service.nearest_groups(referral.locality, referral.language_list)
    return render_template("visits/referral.html", referral=referral, result=result, nearby=nearby, case=case,
                           case_url=_case_url(case), entries=service.note_entries(referral),
                           status_form=status_form, accept_form=accept_form, labels=service.STATUS_LABELS,
                           sources=service.SOURCE_LABELS), status


@allow(role("coordinator"))
def referral(referral_id: int):
    """The referral's details, eligibility and notes; POST changes its status or adds a note."""
    no_store()
    item = _get_referral(referral_id)
    form = StatusForm().set_choices(item.status)
    done, status, _result = submit(form, lambda: service.change_status(item, form.status.data, form.note.data or "",
                                                                       by=current_user))
    if done:
        flash(_("Saved."), "success")
        return redirect(url_for("visits.referral", referral_id=item.id))
    return _referral_page(item, form, AcceptForm(formdata=None), status)


@allow(role("coordinator"))
def accept_referral(referral_id: int):
    no_store()
    item = _get_referral(referral_id)
    form = AcceptForm()
    done, status, case = submit(form, lambda: service.accept(item, by=current_user, override=bool(form.override.data),
                                                             override_reason=form.override_reason.data or ""))
    if done:
        flash(_("Accepted: a case is open for %(name)s, waiting for a volunteer.", name=item.mother_name), "success")
        return redirect(url_for("visits.referral", referral_id=item.id))
    db.session.refresh(item)
    return _referral_page(item, StatusForm(formdata=None).set_choices(item.status), form, status)


@allow(role("coordinator", "staff"))
def service_area():
    no_store()
    form = AreaForm()
    localities = sorted_localities(all_localities())
    form.localities.choices = [(loc.id, loc.name()) for loc in localities]
    if not form.is_submitted():
        form.localities.data = sorted(area_service.area_ids())
    done, status, _result = submit(form, lambda: area_service.set_area(form.localities.data or [], by=current_user))
    if done:
        flash(_("Saved."), "success")
        return redirect(url_for("visits.service_area"))
    return render_template("visits/area.html", form=form), status
