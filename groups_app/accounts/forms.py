"""Forms for signing up and in, passwords, the profile, and an admin's roles page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import BaseForm, IsoDateField
from ..core.i18n import language_choices
from ..core.passwords import RULES_HELP
from ..core.permissions import ROLES
from ..core.phones import display_phone, e164_or_none
from .services import notice_channel

REQUIRED = _l("Please fill in this field.")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PhoneField(TelField):
    """Her number as she writes it; the stored +972... form is shown as 050-123-4567."""

    def _value(self) -> str:
        if self.data and e164_or_none(self.data) == self.data:
            return display_phone(self.data)
        return self.data or ""  # what she typed, even when it is not a number, comes back as it was


ROLE_LABELS = {
    "mother": _l("Mother"),
    "facilitator": _l("Facilitator"),
    "volunteer": _l("Volunteer"),
    "coordinator": _l("Coordinator"),
    "staff": _l("Staff"),
    "admin": _l("Admin"),
}


class RegisterForm(BaseForm):
    name = StringField(_l("Your name"), validators=[DataRequired(REQUIRED), Length(max=120)],
                       render_kw={"autocomplete": "name"})
    email = EmailField(_l("Email address"), validators=[Optional(), Email(_l("This email address does not look right.")), Length(max=254)],
                       description=_l("An email address or a phone number, or both."),
                       render_kw={"autocomplete": "email"})
    phone = PhoneField(_l("Phone number"), validators=[Optional(), Length(max=40)],
                       render_kw={"autocomplete": "tel"})
    language = SelectField(_l("Preferred language"), choices=language_choices)
    password = PasswordField(_l("Password"), validators=[InputRequired(REQUIRED)], description=RULES_HELP,
                             render_kw={"autocomplete": "new-password"})


class LoginForm(BaseForm):
    identifier = StringField(_l("Email address or phone number"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[InputRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in on this device"))


class ConfirmEmailForm(BaseForm):
    password = PasswordField(_l("Password"), validators=[InputRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})


class ForgotPasswordForm(BaseForm):
    identifier = StringField(_l("Email address"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "email"})


class ResetPasswordForm(BaseForm):
    password = PasswordField(_l("New password"), validators=[InputRequired(REQUIRED)], description=RULES_HELP,
                             render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired(REQUIRED)],
                                     render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("New password"), validators=[InputRequired(REQUIRED)], description=RULES_HELP,
                             render_kw={"autocomplete": "new-password"})


YES_NO_UNSAID = [("", _l("I prefer not to say")), ("yes", _l("Yes")), ("no", _l("No"))]


class ProfileForm(BaseForm):
    name = StringField(_l("Your name"), validators=[DataRequired(REQUIRED), Length(max=120)],
                       render_kw={"autocomplete": "name"})
    language = SelectField(_l("Preferred language"), choices=language_choices)
    other_languages = MultiCheckboxField(_l("Other languages you read"), choices=language_choices)
    locality_id = SelectField(_l("Where you live"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    due_date = IsoDateField(_l("Due date, if you are pregnant"), validators=[Optional()])
    baby_birth_date = IsoDateField(_l("Your baby's birth date, if your baby is born"), validators=[Optional()])
    first_time_mother = RadioField(_l("Is this your first baby?"), choices=YES_NO_UNSAID, default="")
    phone = PhoneField(_l("Phone number"), validators=[Optional(), Length(max=40)],
                       render_kw={"autocomplete": "tel"})
    notices_by = RadioField(
        _l("How should we tell you about meetings and books?"),
        choices=[("home", _l("On my home page only")), ("email", _l("By email")),
                 ("text", _l("By text message to my phone"))],
        validators=[InputRequired(_l("Please choose how we should tell you."))],
        description=_l("Whatever you choose, you also find every message on your home page."),
    )
    contact_by_phone = BooleanField(_l("You may phone me"))

    def __init__(self, *args, obj=None, **kwargs):
        if obj is not None:  # her two stored booleans, shown as the one choice
            kwargs.setdefault("notices_by", notice_channel(obj))
        super().__init__(*args, obj=obj, **kwargs)


class PhoneCodeForm(BaseForm):
    code = StringField(_l("The code from the text message"), validators=[
        DataRequired(message=_l("Please type the six digits of the code we sent you.")), Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr"})


class SendCodeForm(BaseForm):
    """A button alone: send me a new code."""


class DeleteAccountForm(BaseForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[InputRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})
    confirm = BooleanField(_l("I understand that my account and my data will be deleted for good."),
                           validators=[DataRequired(_l("Please tick the box to confirm."))])


class RolesForm(BaseForm):
    roles = MultiCheckboxField(_l("Roles"), choices=[(r, ROLE_LABELS[r]) for r in ROLES])
    active = BooleanField(_l("Account active"))


class AuditFilterForm(BaseForm):
    """The audit log's filters, read from the address: a value not understood is reported and left out."""

    class Meta:
        csrf = False  # a search (GET) that changes nothing

    who = StringField(_l("Person"), validators=[Optional(), Length(max=254)],
                      description=_l("A name, email address or phone number: what the person did, and what was done to their account."))
    kind = SelectField(_l("Kind of event"), choices=[], default="")  # the choices come from accounts.audit_log
    since = IsoDateField(_l("First day"), validators=[Optional()])
    until = IsoDateField(_l("Last day"), validators=[Optional()])
