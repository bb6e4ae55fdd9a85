"""The profile a mother controls: her details, her data download, deleting her account."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..core.errors import DomainError
from ..core.forms import submit
from ..core.http import safe_next
from ..core.permissions import ANYONE, SIGNED_IN, allow
from ..core.places import locality_choices
from ..core.security import no_store
from . import services
from .forms import DeleteAccountForm, ProfileForm

_YES_NO = {"yes": True, "no": False, "": None}


@allow(SIGNED_IN)
def profile():
    user = current_user
    form = ProfileForm(obj=user) if request.method == "GET" else ProfileForm()
    form.locality_id.choices = [("", _("Choose a locality"))] + locality_choices()
    if request.method == "GET":
        form.other_languages.data = user.read_languages[1:]
        form.first_time_mother.data = {True: "yes", False: "no", None: ""}[user.first_time_mother]

    def _save():
        values = {name: getattr(form, name).data for name in services.PROFILE_FIELDS if name != "first_time_mother"}
        values["first_time_mother"] = _YES_NO.get(form.first_time_mother.data)
        services.update_profile(user, **values)

    done, status, _result = submit(form, _save)
    if done:
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, user=user), status


@allow(SIGNED_IN)
def download_data():
    data = services.export_user_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-data.json"'},
    )


@allow(SIGNED_IN)
def delete_account():
    form = DeleteAccountForm()
    done, status, _result = submit(form, lambda: services.delete_account(current_user, form.password.data))
    if done:
        logout_user()
        session.clear()
        flash(_("Your account and your data are deleted."), "success")
        return redirect(url_for("main.home"))
    return render_template("accounts/delete_account.html", form=form), status


@allow(ANYONE)
def set_language():
    # No CSRF token (see accounts/__init__.py); a form posted from another site is still refused.
    origin = request.headers.get("Origin")
    if origin and urlsplit(origin).netloc != request.host:
        abort(400)
    lang = request.form.get("lang", "")
    try:
        services.set_language(current_user, lang)
    except DomainError:
        abort(400)
    session["lang"] = lang
    no_store()
    return redirect(safe_next(url_for("main.home")))
