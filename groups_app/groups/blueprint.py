"""Every URL of the groups feature: directory, groups, meetings, topics, calendars, reports."""
from flask import Blueprint

from .views import calendar_views, group_views, meeting_views, report_views, short_links, topic_views

bp = Blueprint("groups", __name__, template_folder="templates")
GET_POST = ["GET", "POST"]
POST = ["POST"]

bp.add_url_rule("/groups/", view_func=group_views.directory)
bp.add_url_rule("/groups/<int:group_id>", view_func=group_views.group_page)
bp.add_url_rule("/groups/new", view_func=group_views.new_group, methods=GET_POST)
bp.add_url_rule("/groups/<int:group_id>/edit", view_func=group_views.edit_group, methods=GET_POST)
bp.add_url_rule("/groups/<int:group_id>/join", view_func=group_views.join, methods=POST)
bp.add_url_rule("/groups/<int:group_id>/leave", view_func=group_views.leave, methods=GET_POST)
bp.add_url_rule("/groups/<int:group_id>/members", view_func=group_views.members, methods=GET_POST)
bp.add_url_rule("/groups/<int:group_id>/members/<int:user_id>/remove", view_func=group_views.remove_member, methods=POST)
bp.add_url_rule("/groups/<int:group_id>/schedule", view_func=group_views.schedule, methods=GET_POST)
bp.add_url_rule("/groups/<int:group_id>/past", view_func=group_views.past_meetings)
bp.add_url_rule("/groups/<int:group_id>/meetings/new", view_func=group_views.new_meeting, methods=GET_POST)
bp.add_url_rule("/meetings/<int:meeting_id>", view_func=meeting_views.meeting_page)
bp.add_url_rule("/planner", view_func=meeting_views.planner)
bp.add_url_rule("/meetings/<int:meeting_id>/plan", view_func=meeting_views.plan, methods=POST)
bp.add_url_rule("/meetings/<int:meeting_id>/move", view_func=meeting_views.move, methods=GET_POST)
bp.add_url_rule("/meetings/<int:meeting_id>/cancel", view_func=meeting_views.cancel, methods=GET_POST)
bp.add_url_rule("/meetings/<int:meeting_id>/restore", view_func=meeting_views.restore, methods=GET_POST)
bp.add_url_rule("/meetings/<int:meeting_id>/rsvp", view_func=meeting_views.rsvp, methods=POST)
bp.add_url_rule("/meetings/<int:meeting_id>/questions", view_func=meeting_views.ask, methods=POST)
bp.add_url_rule("/questions/<int:question_id>/discussed", view_func=meeting_views.discussed, methods=POST)
bp.add_url_rule("/meetings/<int:meeting_id>/attendance", view_func=meeting_views.attendance, methods=GET_POST)
bp.add_url_rule("/meetings/<int:meeting_id>/sheet", view_func=meeting_views.sign_in_sheet)
bp.add_url_rule("/topics/", view_func=topic_views.topics)
bp.add_url_rule("/topics/new", view_func=topic_views.edit_topic, methods=GET_POST, defaults={"topic_id": None})
bp.add_url_rule("/topics/<int:topic_id>/edit", view_func=topic_views.edit_topic, methods=GET_POST)
bp.add_url_rule("/groups/<int:group_id>/calendar.ics", view_func=calendar_views.group_calendar)
bp.add_url_rule("/calendar/<token>.ics", view_func=calendar_views.personal_calendar)
bp.add_url_rule("/meetings/<int:meeting_id>/calendar.ics", view_func=calendar_views.meeting_calendar)
bp.add_url_rule("/account/calendar", view_func=calendar_views.calendar_settings, methods=GET_POST)
bp.add_url_rule("/coordinator/attendance", view_func=report_views.attendance_page)
bp.add_url_rule("/coordinator/attendance.csv", view_func=report_views.attendance_csv)
# Short links, for text messages and paper (QR codes): redirects to the pages above.
bp.add_url_rule("/g/<int:group_id>", endpoint="short_link", view_func=short_links.group_link)
bp.add_url_rule("/m/<int:meeting_id>", endpoint="meeting_short_link", view_func=short_links.meeting_link)
