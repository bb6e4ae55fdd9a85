"""Forms for volunteers' records, training courses, her hours and supervision sessions."""
from __future__ import annotations

from babel.dates import get_day_names
from flask_babel import get_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ...accounts.forms import REQUIRED, MultiCheckboxField
from ...core.forms import BaseForm, IsoDateField

SCREENING_LABELS = {
    "pending": lazy_pgettext("screening outcome", "Pending"),
    "passed": lazy_pgettext("screening outcome", "Passed"),
    "not_passed": lazy_pgettext("screening outcome", "Not passed"),
}
STATUS_LABELS = {
    "active": lazy_pgettext("volunteer status", "Active"),
    "paused": lazy_pgettext("volunteer status", "Paused"),
}
HOUR_KIND_LABELS = {
    "visit": lazy_pgettext("hours for", "Home visits"),
    "training": lazy_pgettext("hours for", "Training"),
    "supervision": lazy_pgettext("hours for", "Supervision"),
}
SUPERVISION_KIND_LABELS = {
    "individual": lazy_pgettext("supervision", "Individual"),
    "group": lazy_pgettext("supervision", "Group"),
}
CASE_STATUS_LABELS = {
    "waiting": lazy_pgettext("case status", "Waiting for a volunteer"),
    "active": lazy_pgettext("case status", "Active"),
    "closed": lazy_pgettext("case status", "Closed"),
}


def weekday_choices() -> list[tuple[int, str]]:
    """The days of the week, Monday first (as stored: Monday 0), named in the reader's language."""
    names = get_day_names("wide", locale=str(get_locale() or "he"))
    return [(day, names[day]) for day in range(7)]


def _int_or_none(value):
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


class NewVolunteerForm(BaseForm):
    user_id = HiddenField(validators=[DataRequired(REQUIRED)])


class VolunteerForm(BaseForm):
    interview_on = IsoDateField(_l("Screening interview date"), validators=[Optional()])
    screening = RadioField(_l("Screening outcome"), choices=list(SCREENING_LABELS.items()), default="pending",
                           validators=[InputRequired(REQUIRED)])
    screening_notes = TextAreaField(_l("Screening notes"), validators=[Length(max=5000)],
                                    description=_l("Only coordinators can read these notes."))
    commitment_from = IsoDateField(_l("Commitment starts on"), validators=[Optional()],
                                   description=_l("Volunteers commit to about two hours a week for a year."))
    hours_per_week = IntegerField(_l("Hours a week (1 to 20)"), default=2, validators=[InputRequired(REQUIRED)])
    availability = MultiCheckboxField(_l("Days she is available"), coerce=int, choices=[])
    max_cases = IntegerField(_l("Mothers at a time (1 to 5)"), default=1, validators=[InputRequired(REQUIRED)])
    status = RadioField(_l("Active or paused"), choices=list(STATUS_LABELS.items()), default="active",
                        validators=[InputRequired(REQUIRED)])
    pause_reason = StringField(_l("Why she is pausing"), validators=[Length(max=300)],
                               description=_l("Needed when she is paused."))

    @classmethod
    def for_volunteer(cls, volunteer) -> VolunteerForm:
        form = cls(obj=volunteer)
        form.availability.data = sorted(volunteer.available_days)
        form.status.data = "active" if volunteer.active else "paused"
        return form.with_days()

    def with_days(self) -> VolunteerForm:
        self.availability.choices = weekday_choices()
        return self


class CourseForm(BaseForm):
    name = StringField(_l("Course name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    starts_on = IsoDateField(_l("Starts on"), validators=[InputRequired(REQUIRED)])
    sessions_planned = IntegerField(_l("Planned sessions (1 to 40)"), default=8, validators=[InputRequired(REQUIRED)])


class SessionForm(BaseForm):
    held_on = IsoDateField(_l("Date"), validators=[InputRequired(REQUIRED)])
    topic = StringField(_l("Topic"), validators=[Length(max=200)])


class EnrolForm(BaseForm):
    volunteer_id = SelectField(_l("Volunteer"), coerce=_int_or_none, validators=[InputRequired(REQUIRED)],
                               validate_choice=False)  # the service says who may be enrolled


class AttendanceForm(BaseForm):
    """One per session on the course page (prefix "s<session id>"); the session is in the address."""

    # Who may be ticked is the service's rule (enrolled volunteers), with its own message.
    present = MultiCheckboxField(_l("Volunteers who came"), coerce=int, validate_choice=False)


class CompletionForm(BaseForm):
    """One per enrolment on the course page (prefix "e<enrolment id>"); the enrolment is in the address."""

    override = BooleanField(_l("Complete even though she attended fewer sessions than the rule asks"))


class HoursForm(BaseForm):
    worked_on = IsoDateField(_l("Date"), validators=[InputRequired(REQUIRED)])
    kind = RadioField(_l("What the hours were for"), choices=list(HOUR_KIND_LABELS.items()), default="training",
                      validators=[InputRequired(REQUIRED)],
                      description=_l("Visits you log on a mother's case are added for you."))
    minutes = IntegerField(_l("Minutes"), validators=[InputRequired(REQUIRED)], render_kw={"inputmode": "numeric"})
    note = StringField(_l("Note (optional)"), validators=[Length(max=300)])


class SupervisionForm(BaseForm):
    held_on = IsoDateField(_l("Date"), validators=[InputRequired(REQUIRED)])
    kind = RadioField(_l("Kind of session"), choices=list(SUPERVISION_KIND_LABELS.items()), default="group",
                      validators=[InputRequired(REQUIRED)])
    minutes = IntegerField(_l("Minutes"), default=60, validators=[InputRequired(REQUIRED)])
    volunteer_ids = MultiCheckboxField(_l("Volunteers present"), coerce=int, validate_choice=False)
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)],
                          description=_l("Only staff and coordinators can read these notes."))
