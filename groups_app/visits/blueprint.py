"""Every URL of home visits: referrals, volunteers and training, cases and visits, figures."""
from flask import Blueprint

from .views import case_views, figure_views, referral_views, volunteer_views  # noqa: F401

bp = Blueprint("visits", __name__, template_folder="templates")
GET_POST = ["GET", "POST"]
POST = ["POST"]

# referrals (public form, the coordinator's inbox, the service area)
bp.add_url_rule("/refer", view_func=referral_views.refer, methods=GET_POST)
bp.add_url_rule("/refer/thanks", view_func=referral_views.refer_thanks)
bp.add_url_rule("/visits/referrals", view_func=referral_views.referrals)
bp.add_url_rule("/visits/referrals/<int:referral_id>", view_func=referral_views.referral, methods=GET_POST)
bp.add_url_rule("/visits/referrals/<int:referral_id>/accept", view_func=referral_views.accept_referral, methods=POST)
bp.add_url_rule("/visits/area", view_func=referral_views.service_area, methods=GET_POST)

# volunteers, training courses, hours, supervision
bp.add_url_rule("/visits/volunteers", view_func=volunteer_views.volunteers)
bp.add_url_rule("/visits/volunteers/new", view_func=volunteer_views.new_volunteer, methods=GET_POST)
bp.add_url_rule("/visits/volunteers/<int:volunteer_id>", view_func=volunteer_views.volunteer)
bp.add_url_rule("/visits/volunteers/<int:volunteer_id>/edit", view_func=volunteer_views.edit_volunteer, methods=GET_POST)
bp.add_url_rule("/visits/courses", view_func=volunteer_views.courses, methods=GET_POST)
bp.add_url_rule("/visits/courses/<int:course_id>", view_func=volunteer_views.course)
bp.add_url_rule("/visits/courses/<int:course_id>/sessions", view_func=volunteer_views.add_course_session, methods=POST)
bp.add_url_rule("/visits/courses/<int:course_id>/enrol", view_func=volunteer_views.enrol_volunteer, methods=POST)
bp.add_url_rule("/visits/courses/<int:course_id>/attendance", view_func=volunteer_views.course_attendance, methods=POST)
bp.add_url_rule("/visits/courses/<int:course_id>/complete", view_func=volunteer_views.complete_course, methods=POST)
bp.add_url_rule("/visits/hours", view_func=volunteer_views.hours, methods=GET_POST)
bp.add_url_rule("/visits/supervision", view_func=volunteer_views.supervision, methods=GET_POST)

# cases, visits, concerns
bp.add_url_rule("/visits/cases", view_func=case_views.cases)
bp.add_url_rule("/visits/mine", view_func=case_views.my_cases)
bp.add_url_rule("/visits/cases/<int:case_id>", view_func=case_views.case)
bp.add_url_rule("/visits/cases/<int:case_id>/match", view_func=case_views.match, methods=GET_POST)
bp.add_url_rule("/visits/cases/<int:case_id>/edit", view_func=case_views.edit_case, methods=GET_POST)
bp.add_url_rule("/visits/cases/<int:case_id>/close", view_func=case_views.close_case, methods=GET_POST)
bp.add_url_rule("/visits/cases/<int:case_id>/invite", view_func=case_views.invite_to_group, methods=POST)
bp.add_url_rule("/visits/cases/<int:case_id>/visits/new", view_func=case_views.log_visit, methods=GET_POST)
bp.add_url_rule("/visits/cases/<int:case_id>/next-visit", view_func=case_views.set_next_visit, methods=GET_POST)
bp.add_url_rule("/visits/cases/<int:case_id>/concern", view_func=case_views.raise_concern, methods=GET_POST)
bp.add_url_rule("/visits/concerns", view_func=case_views.concerns)
bp.add_url_rule("/visits/concerns/<int:concern_id>", view_func=case_views.acknowledge_concern, methods=GET_POST)

# program figures
bp.add_url_rule("/visits/figures", view_func=figure_views.figures)
bp.add_url_rule("/visits/figures.csv", view_func=figure_views.figures_csv)
bp.add_url_rule("/visits/figures/chart.svg", view_func=figure_views.figure_chart)  # ?chart=referrals|active|visits
