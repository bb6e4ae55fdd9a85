"""Every URL of thanks: the tree, writing and answering, the certificate, review and counts."""
from flask import Blueprint

from . import views

bp = Blueprint("thanks", __name__, template_folder="templates")
GET_POST = ["GET", "POST"]
POST = ["POST"]

bp.add_url_rule("/thanks/", view_func=views.tree)
bp.add_url_rule("/thanks/write", view_func=views.write, methods=GET_POST)
bp.add_url_rule("/thanks/mine", view_func=views.mine)
bp.add_url_rule("/thanks/<int:dedication_id>/answer", view_func=views.answer, methods=POST)
bp.add_url_rule("/thanks/<int:dedication_id>/withdraw", view_func=views.withdraw, methods=POST)
bp.add_url_rule("/thanks/certificate", view_func=views.certificate)
bp.add_url_rule("/thanks/review", view_func=views.review)
bp.add_url_rule("/thanks/<int:dedication_id>/review", view_func=views.decide, methods=POST)
bp.add_url_rule("/thanks/settings", view_func=views.settings, methods=GET_POST)
bp.add_url_rule("/thanks/counts", view_func=views.counts)
