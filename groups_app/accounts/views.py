"""Signing up, in and out, and passwords."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..core.errors import DomainError
from ..core.forms import submit
from ..core.http import safe_next
from ..core.permissions import ANYONE, SIGNED_IN, allow
from ..core.security import no_store
from ..extensions import db, login_manager
from . import auth, phone_check, services
from .forms import (
    ChangePasswordForm,
    ConfirmEmailForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)


@login_manager.user_loader
def load_user(token: str):
    return auth.load_session(token)


def _sign_in(user, remember: bool) -> None:
    """A new session at every sign-in: nothing from before survives but the language choice."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    auth.start_session(user, remember=remember)
    login_user(user, remember=remember)


@allow(ANYONE)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    # Preset to the language the page is shown in, whichever way it was chosen (her browser, the switcher).
    form = RegisterForm(language=str(get_locale() or "he"))

    def _register():
        return services.register(name=form.name.data, email=form.email.data, phone=form.phone.data,
                                 language=form.language.data, password=form.password.data)

    done, status, user = submit(form, _register)
    if done and (user is None or user.awaiting_confirmation):
        # By email: the same answer whether the address is new or has an account already.
        return redirect(url_for("accounts.check_email"))
    if done:  # by phone alone: ready at once; texts once she types the code texted to her
        _sign_in(user, remember=False)
        flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
        if user.contact_by_sms and phone_check.needs_confirming(user):
            try:
                phone_check.send_code(user)
                return redirect(url_for("accounts.confirm_phone"))
            except DomainError:
                pass  # this site sends no texts: her profile says how she is told
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/register.html", form=form), status


@allow(ANYONE)
def check_email():
    return render_template("accounts/check_email.html", days=current_app.config["CONFIRM_EMAIL_DAYS"])


@allow(ANYONE)
def confirm_email(token: str):
    """The link mailed to her when she joined: her password finishes joining and signs her in."""
    no_store()
    person = services.pending_account(token)
    if person is None:
        return render_template("accounts/reset_expired.html"), 404
    form = ConfirmEmailForm()
    done, status, user = submit(form, lambda: services.confirm_email(token, form.password.data))
    if done:
        _sign_in(user, remember=False)
        flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
        return redirect(url_for("accounts.profile"))
    form.password.data = ""  # never send a password back to the browser
    return render_template("accounts/confirm_email.html", form=form, person=person), status


@allow(ANYONE)
def login():
    form = LoginForm()
    done, status, user = submit(
        form, lambda: auth.authenticate(form.identifier.data, form.password.data, request.remote_addr or "")
    )
    if done:
        _sign_in(user, remember=form.remember.data)
        return redirect(safe_next(url_for("main.home")))
    form.password.data = ""  # never send a password back to the browser
    return render_template("accounts/login.html", form=form), status


@allow(ANYONE)
def logout():
    if current_user.is_authenticated:
        auth.end_session(auth.current_token())
        db.session.commit()
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are signed out."), "success")
    return redirect(url_for("main.home"))


@allow(ANYONE)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        auth.request_password_reset(form.identifier.data)
        flash(_("If an account with an email address matches, we have sent it a link to choose a new password."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form), 400 if form.is_submitted() else 200


@allow(ANYONE)
def reset_password(token: str):
    no_store()
    if not auth.reset_token_is_live(token):
        return render_template("accounts/reset_expired.html"), 404
    form = ResetPasswordForm()
    done, status, _result = submit(form, lambda: auth.reset_password(token, form.password.data))
    if done:
        flash(_("Your password is changed. Please sign in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), status


@allow(SIGNED_IN)
def change_password():
    form = ChangePasswordForm()

    def _change():
        auth.change_password(current_user, form.current_password.data, form.password.data, keep=auth.current_token())

    done, status, _result = submit(form, _change)
    if done:
        flash(_("Your password is changed. You were signed out everywhere else."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form), status

