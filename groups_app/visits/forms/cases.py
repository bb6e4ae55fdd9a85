"""Forms for cases, visits and concerns, and the words for their codes (reasons, topics, moods)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, SelectField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, Optional

from ...accounts.forms import REQUIRED, MultiCheckboxField
from ...core.forms import BaseForm, IsoDateField

CLOSE_REASON_LABELS = {
    "first_birthday": _l("The baby's first birthday"),
    "mother_ended": _l("The mother chose to end the visits"),
    "moved_away": _l("The mother moved away"),
    "no_contact": _l("The mother could not be reached"),
    "volunteer_left": _l("The volunteer could not go on"),
    "other": _l("Another reason"),
}
TOPIC_LABELS = {
    "feeding": _l("Feeding"),
    "sleep": _l("Sleep"),
    "crying": _l("Crying and soothing"),
    "mothers_wellbeing": _l("How the mother feels"),
    "baby_development": _l("The baby's development"),
    "family": _l("Family and help at home"),
    "services": _l("Health and social services"),
    "groups": _l("Support groups"),
    "other": _l("Something else"),
}
MOOD_LABELS = {
    1: _l("Very low"),
    2: _l("Low"),
    3: _l("So-so"),
    4: _l("Well"),
    5: _l("Very well"),
}
ABOUT_LABELS = {
    "mother": _l("The mother"),
    "baby": _l("The baby"),
    "both": _l("The mother and the baby"),
}


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class MatchForm(BaseForm):
    volunteer_id = RadioField(_l("Volunteer"), coerce=_int_or_none, validators=[InputRequired(REQUIRED)])
    supervisor_id = SelectField(_l("Supervisor"), coerce=_int_or_none, validators=[InputRequired(REQUIRED)],
                                description=_l("The staff member who supports the volunteer and answers her concerns."))


class CaseForm(BaseForm):
    baby_birth_date = IsoDateField(_l("The baby's birth date"), validators=[Optional()])
    due_date = IsoDateField(_l("Due date (if the baby is not born yet)"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=4000)],
                          description=_l("Seen by the mother's volunteer, her supervisor and coordinators only."))


class CloseCaseForm(BaseForm):
    reason = RadioField(_l("Why is the case closed?"), choices=list(CLOSE_REASON_LABELS.items()),
                        validators=[InputRequired(REQUIRED)])
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])


class InviteForm(BaseForm):
    group_id = SelectField(_l("Group"), coerce=_int_or_none, validators=[InputRequired(REQUIRED)])


class NextVisitForm(BaseForm):
    """The volunteer's next visit, on the program's clock: optional, both or neither."""

    next_visit_day = IsoDateField(_l("Day of the next visit"), validators=[Optional()])
    next_visit_time = TimeField(_l("Time of the next visit"), validators=[Optional()],
                                description=_l("Optional. The mother sees it on her home page and is reminded the day "
                                               "before."))


class VisitForm(NextVisitForm):  # logging a visit, she may set the next one too
    form_token = HiddenField()
    visited_on = IsoDateField(_l("Day of the visit"), validators=[InputRequired(REQUIRED)])
    minutes = IntegerField(_l("Length in minutes"), default=90, validators=[Optional()],
                           render_kw={"inputmode": "numeric", "min": 15, "max": 480, "step": 5})
    topics = MultiCheckboxField(_l("What you talked about"), choices=list(TOPIC_LABELS.items()))
    mood = RadioField(_l("How does the mother seem?"), coerce=_int_or_none, choices=list(MOOD_LABELS.items()),
                      validators=[InputRequired(REQUIRED)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=4000)],
                          description=_l("For you, your supervisor and the coordinators."))


class ConcernForm(BaseForm):
    about = RadioField(_l("Whom are you worried about?"), choices=list(ABOUT_LABELS.items()),
                       validators=[InputRequired(REQUIRED)])
    what = TextAreaField(_l("What worries you?"), validators=[InputRequired(REQUIRED), Length(max=4000)],
                         description=_l("What you saw or heard, in your own words. You do not need to name a cause."))


class AcknowledgeForm(BaseForm):
    handled_how = TextAreaField(_l("How it was handled"), validators=[InputRequired(REQUIRED), Length(max=4000)],
                                description=_l("For example: I called the mother; the Tipat Halav nurse will visit "
                                               "tomorrow."))
