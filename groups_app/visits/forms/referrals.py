"""The public referral form, the coordinator's status, note and acceptance forms, the service area."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ...accounts.forms import REQUIRED, MultiCheckboxField, PhoneField
from ...core.forms import BaseForm, IsoDateField
from ...core.i18n import language_choices
from ..models import SOURCES
from ..services.referrals import SOURCE_LABELS, STATUS_ACTIONS, STATUS_LABELS

CONSENT_HELP = _l("She agrees that a coordinator of the Mother to Mother program may call her or send her text "
                  "messages about home visits, and that the program keeps these details for that purpose only. "
                  "She can say no at any time.")


def _int_or_none(value):
    return int(value) if value not in (None, "") else None


def _yes_no(value):
    return {"yes": True, "no": False}.get(value) if isinstance(value, str) else value


class ReferralForm(BaseForm):
    mother_name = StringField(_l("The mother's name"), validators=[DataRequired(REQUIRED), Length(max=120)],
                              render_kw={"autocomplete": "off"})
    phone = PhoneField(_l("The mother's phone number"), validators=[DataRequired(REQUIRED), Length(max=40)],
                       render_kw={"autocomplete": "off", "inputmode": "tel"})
    locality_id = SelectField(_l("Where she lives"), coerce=_int_or_none, validators=[InputRequired(REQUIRED)])
    languages = MultiCheckboxField(_l("Languages she speaks"), choices=language_choices)  # at least one: the service
    baby_birth_date = IsoDateField(_l("The baby's birth date"), validators=[Optional()],
                                   description=_l("If the baby is not born yet, leave this empty and give the due date."))
    due_date = IsoDateField(_l("Due date, if she is pregnant"), validators=[Optional()])
    mother_age = IntegerField(_l("Her age, if you know it"), validators=[Optional(), NumberRange(12, 60)],
                              render_kw={"inputmode": "numeric", "min": 12, "max": 60})
    first_baby = RadioField(_l("Is this her first baby?"), coerce=_yes_no, default="",
                            choices=[("yes", _l("Yes")), ("no", _l("No")), ("", _l("I do not know"))])
    source = RadioField(_l("Who is referring her?"), choices=[(code, SOURCE_LABELS[code]) for code in SOURCES],
                        validators=[InputRequired(_l("Please choose who is referring her."))])
    referrer_name = StringField(_l("Your name"), validators=[Length(max=120)],
                                description=_l("Leave empty if you are the mother."), render_kw={"autocomplete": "name"})
    referrer_contact = StringField(_l("How we can reach you (phone or email)"), validators=[Length(max=200)],
                                   description=_l("Only if the coordinator may call you back about this referral."))
    consent = BooleanField(_l("The mother agrees to be contacted by the program."), description=CONSENT_HELP,
                           validators=[DataRequired(_l("We can only contact her if she agrees. Please ask her first, "
                                                       "then tick the box."))])
    # A field only programs fill in: hidden from people by the stylesheet and from screen readers.
    website = StringField(_l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"})


class StatusForm(BaseForm):
    status = SelectField(_l("Status"), choices=[])
    note = TextAreaField(_l("Note"), validators=[Length(max=4000)],
                         description=_l("Added to the notes with your name and the time. The audit log records that "
                                        "you wrote a note, never what it says."))

    def set_choices(self, current: str) -> StatusForm:
        codes = [current] + [code for code in STATUS_ACTIONS if code != current]
        self.status.choices = [(code, STATUS_LABELS[code]) for code in codes]
        if self.status.data is None:
            self.status.data = current
        return self


class AcceptForm(BaseForm):
    override = BooleanField(_l("Accept it although it is not eligible"))
    override_reason = TextAreaField(_l("Why"), validators=[Length(max=1000)])


class AreaForm(BaseForm):
    localities = MultiCheckboxField(_l("Localities the program serves"), coerce=int)
