"""Every URL of texts: the provider's inbound webhook, and the coordinator's two pages."""
from flask import Blueprint

from . import views

bp = Blueprint("texts", __name__, template_folder="templates")

bp.add_url_rule("/texts/inbound", view_func=views.inbound, methods=["POST"])
bp.add_url_rule("/texts/unreachable", view_func=views.unreachable)
bp.add_url_rule("/texts/month", view_func=views.month)
bp.add_url_rule("/texts/month.csv", view_func=views.month_csv)
