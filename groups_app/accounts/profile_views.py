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
from . import phone_check, services
from .forms import DeleteAccountForm, PhoneCodeForm, ProfileForm, SendCodeForm

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
        if user.contact_by_sms and phone_check.needs_confirming(user):
            return _ask_for_code(user)
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, user=user,
                           confirm_phone=user.contact_by_sms and phone_check.needs_confirming(user)), status


def _ask_for_code(user):
    """Texts chosen for a number not yet confirmed: text her a code (unless one went a moment ago)
    and take her to the page where she types it."""
    try:
        phone_check.send_code(user)
    except DomainError:
        pass  # the page says what she can do (wait, ask again, change the number)
    return redirect(url_for("accounts.confirm_phone"))


@allow(SIGNED_IN)
def confirm_phone():
    """Her number, whether it is confirmed, and where she types the code texted to it."""
    no_store()
    user = current_user
    form = PhoneCodeForm()
    done, status, _result = submit(form, lambda: phone_check.confirm(user, form.code.data))
    if done:
        flash(_("Thank you: your phone number is confirmed. Text messages can now reach you."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/confirm_phone.html", form=form, resend=SendCodeForm(formdata=None), user=user,
                           pending=phone_check.pending(user), can_text=phone_check.needs_confirming(user)), status


@allow(SIGNED_IN)
def send_phone_code():
    user = current_user
    form = SendCodeForm()
    done, status, _result = submit(form, lambda: phone_check.send_code(user))
    if done:
        flash(_("We sent you a new code by text message."), "success")
        return redirect(url_for("accounts.confirm_phone"))
    return render_template("accounts/confirm_phone.html", form=PhoneCodeForm(formdata=None), resend=form, user=user,
                           pending=phone_check.pending(user), can_text=phone_check.needs_confirming(user)), status


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
