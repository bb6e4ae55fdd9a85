"""Every URL of the home page and the coordinator's overview."""
from flask import Blueprint

from . import views

bp = Blueprint("main", __name__, template_folder="templates")
POST = ["POST"]

bp.add_url_rule("/", view_func=views.home)
bp.add_url_rule("/notices/<int:notice_id>/read", view_func=views.read_notice, methods=POST)
bp.add_url_rule("/coordinator/", view_func=views.coordinator)
bp.add_url_rule("/favicon.ico", view_func=views.favicon)
