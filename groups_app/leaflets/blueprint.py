"""Every URL of leaflets: reading, printing, sharing, writing and publishing."""
from flask import Blueprint

from . import views

bp = Blueprint("leaflets", __name__, template_folder="templates")
GET_POST = ["GET", "POST"]
POST = ["POST"]

bp.add_url_rule("/leaflets/", view_func=views.index)
bp.add_url_rule("/leaflets/<slug>", view_func=views.leaflet)
bp.add_url_rule("/leaflets/<slug>/<lang>/print", view_func=views.print_view)
bp.add_url_rule("/leaflets/<slug>/<lang>.pdf", view_func=views.pdf)
bp.add_url_rule("/l/<int:leaflet_id>/<lang>", view_func=views.share)
bp.add_url_rule("/leaflets/board", view_func=views.board)
bp.add_url_rule("/leaflets/new", view_func=views.settings, methods=GET_POST, defaults={"slug": None})
bp.add_url_rule("/leaflets/<slug>/settings", view_func=views.settings, methods=GET_POST)
bp.add_url_rule("/leaflets/<slug>/<lang>/edit", view_func=views.edit, methods=GET_POST)
bp.add_url_rule("/leaflets/<slug>/<lang>/withdraw", view_func=views.withdraw, methods=POST)
bp.add_url_rule("/leaflets/<slug>/<lang>/history", view_func=views.history)
