"""An admin's pages: people and their roles, the audit log, and mail that could not be sent."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import audit, mail
from ..core.errors import DomainError
from ..core.forms import refused, submit
from ..core.http import page_number
from ..core.permissions import ROLES, allow, role
from ..extensions import db
from . import services
from .audit_filters import identifier, read_filters
from .audit_log import by_day
from .forms import ROLE_LABELS, RolesForm
from .models import User

AUDIT_PAGE = 50  # events on a page of the audit log


@allow(role("admin"))
def users():
    query = request.args.get("q", "").strip()
    role_filter = request.args.get("role") if request.args.get("role") in ROLES else None
    pagination = services.search_users(query, role_filter, page=page_number())
    return render_template("accounts/admin_users.html", pagination=pagination, q=query,
                           role_filter=role_filter, role_labels=ROLE_LABELS)


@allow(role("admin"))
def user_roles(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    form = RolesForm(roles=sorted(person.role_names), active=person.active) if request.method == "GET" else RolesForm()
    done, status, _result = submit(
        form, lambda: services.set_access(person, set(form.roles.data or ()), form.active.data, by=current_user)
    )
    if done:
        flash(_("Saved the roles of %(name)s.", name=person.name), "success")
        return redirect(url_for("accounts.users"))
    return render_template("accounts/admin_user.html", form=form, person=person), status


@allow(role("admin"))
def audit_log():
    chosen = read_filters(request.args)
    pagination = audit.recent_events(page=page_number(), per_page=AUDIT_PAGE, **chosen.query) if chosen.ready else None
    days = by_day(pagination.items) if pagination else []
    return render_template("accounts/admin_audit.html", chosen=chosen, form=chosen.form, pagination=pagination,
                           days=days, identifier=identifier), 400 if chosen.bad else 200


@allow(role("admin"))
def failed_mail():
    pagination = mail.failed_mail(page=page_number())
    return render_template("accounts/admin_mail.html", pagination=pagination,
                           max_attempts=current_app.config["MAIL_MAX_ATTEMPTS"])


@allow(role("admin"))
def retry_mail(mail_id: int):
    message = db.session.get(mail.OutgoingMail, mail_id) or abort(404)
    try:
        mail.retry(message, by=current_user)
    except DomainError as error:
        return refused(error, back=url_for("accounts.failed_mail"))
    flash(_("The message to %(address)s will be sent again in a moment.", address=message.to), "success")
    return redirect(url_for("accounts.failed_mail"))
