"""Forms of the groups feature."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms import Form as PlainForm
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..accounts.forms import REQUIRED, MultiCheckboxField
from ..core.forms import BaseForm, IsoDateField
from ..core.i18n import language_choices

VENUE_CHOICES = [("home", _l("A home")), ("community_centre", _l("A community centre")), ("clinic", _l("A clinic"))]
FREQUENCY_CHOICES = [("weekly", _l("Every week")), ("biweekly", _l("Every two weeks")), ("monthly", _l("Once a month"))]
WEEKDAY_CHOICES = [
    ("", _l("Choose a day")),
    ("6", _l("Sunday")), ("0", _l("Monday")), ("1", _l("Tuesday")), ("2", _l("Wednesday")),
    ("3", _l("Thursday")), ("4", _l("Friday")), ("5", _l("Saturday")),
]
WEEKDAY_NAMES = {int(v): label for v, label in WEEKDAY_CHOICES if v}


def _int_or_none(value):
    return int(value) if value not in (None, "") else None


class GroupForm(BaseForm):
    name = StringField(_l("Group name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    description = TextAreaField(_l("What the group is like"), validators=[Length(max=2000)])
    venue_kind = RadioField(_l("Where the group meets"), choices=VENUE_CHOICES, validators=[InputRequired(REQUIRED)])
    address = StringField(_l("Address"), validators=[Length(max=300)],
                          description=_l("For a home, the address is shown only to the group's members and facilitators."),
                          render_kw={"autocomplete": "street-address"})
    locality_id = SelectField(_l("Locality"), coerce=_int_or_none, validators=[InputRequired(REQUIRED)])
    languages = MultiCheckboxField(_l("Meeting languages"), choices=language_choices)
    frequency = SelectField(_l("How often"), choices=FREQUENCY_CHOICES)
    weekday = SelectField(_l("Day of the week"), choices=WEEKDAY_CHOICES, coerce=_int_or_none)
    start_time = TimeField(_l("Start time"), validators=[InputRequired(REQUIRED)])
    duration_minutes = IntegerField(_l("Length in minutes (60 to 120)"), default=90, validators=[InputRequired(REQUIRED)])
    timezone = SelectField(_l("Time zone"), choices=[], validators=[DataRequired(REQUIRED)],
                           description=_l("The group's dates and times are counted in this zone."))
    capacity = IntegerField(_l("Places (2 to 30)"), default=12, validators=[InputRequired(REQUIRED)])
    open = BooleanField(_l("Open to new members"), default=True)
    archived = BooleanField(_l("Archived (no longer meets)"))
    facilitator_ids = MultiCheckboxField(_l("Facilitators"), coerce=int)


class ScheduleForm(BaseForm):
    effective = IsoDateField(_l("The new schedule starts on"), validators=[Optional()])
    frequency = SelectField(_l("How often"), choices=FREQUENCY_CHOICES)
    weekday = SelectField(_l("Day of the week"), choices=WEEKDAY_CHOICES, coerce=_int_or_none)
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    duration_minutes = IntegerField(_l("Length in minutes (60 to 120)"), validators=[Optional()])


class MeetingTimeForm(BaseForm):
    day = IsoDateField(_l("Date"), validators=[Optional()])
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    duration_minutes = IntegerField(_l("Length in minutes (60 to 120)"), default=90, validators=[Optional()])


class PlanForm(BaseForm):
    topic_id = SelectField(_l("Topic"), coerce=_int_or_none, validators=[Optional()])
    plan = TextAreaField(_l("Your plan for the meeting"), validators=[Length(max=2000)])


class QuestionForm(BaseForm):
    text = TextAreaField(_l("Your question"), validators=[DataRequired(REQUIRED), Length(max=1000)])
    anonymous = BooleanField(_l("Do not show my name"))


class AddMemberForm(BaseForm):
    identifier = StringField(_l("Her email address or phone number"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "off"})
    guest_id = SelectField(_l("She came before as a guest"), coerce=_int_or_none, validators=[Optional()])


class GuestForm(PlainForm):
    first_name = StringField(_l("First name"), validators=[Length(max=60)])
    stage = SelectField(_l("Pregnant or breastfeeding"), validate_choice=False,  # checked by the service
                        choices=[("", "—"), ("pregnant", lazy_pgettext("mother's stage", "Pregnant")),
                                 ("breastfeeding", lazy_pgettext("mother's stage", "Breastfeeding"))])
    # Text, so that what she typed comes back as typed; the attendance service owns the rule.
    baby_age_months = StringField(_l("Baby's age in months"), validators=[Length(max=10)])


class AttendanceForm(BaseForm):
    # Who may be ticked is the service's rule (members only), with its own message. The field only
    # reads the ids sent (no choices): the template writes each member's checkbox and label itself.
    present = MultiCheckboxField(_l("Members who came"), coerce=int, validate_choice=False)
    guests = FieldList(FormField(GuestForm), min_entries=3, max_entries=10)


class CalendarForm(BaseForm):
    reminder = RadioField(_l("Remind me"), default="1d", choices=[
        ("none", _l("No reminder")), ("1h", _l("One hour before")), ("1d", _l("One day before"))])


class TopicForm(BaseForm):
    """A slug, then a title, description and prompts for each language (fields added below)."""

    slug = StringField(_l("Short name (Latin letters and dashes)"), validators=[DataRequired(REQUIRED), Length(max=80)],
                       render_kw={"dir": "ltr", "autocomplete": "off"})

    def texts(self) -> dict[str, dict[str, str]]:
        return {code: {part: getattr(self, f"{part}_{code}").data or "" for part in ("title", "description", "prompts")}
                for code in LANGUAGE_CODES}

    @classmethod
    def for_topic(cls, topic):
        form = cls()
        if topic is not None:
            form.slug.data = topic.slug
            for text in topic.texts:
                getattr(form, f"title_{text.language}").data = text.title
                getattr(form, f"description_{text.language}").data = text.description
                getattr(form, f"prompts_{text.language}").data = text.prompts
        return form


LANGUAGE_CODES = ("he", "ar", "ru", "am", "es", "en")
for _code in LANGUAGE_CODES:
    setattr(TopicForm, f"title_{_code}", StringField(_l("Title"), validators=[Length(max=160)]))
    setattr(TopicForm, f"description_{_code}", TextAreaField(_l("Short description"), validators=[Length(max=1000)]))
    setattr(TopicForm, f"prompts_{_code}", TextAreaField(_l("Discussion prompts, one per line"), validators=[Length(max=2000)]))
