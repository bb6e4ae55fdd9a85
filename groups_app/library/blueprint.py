"""Every URL of the lending library."""
from flask import Blueprint

from . import views

bp = Blueprint("library", __name__, template_folder="templates")
GET_POST = ["GET", "POST"]
POST = ["POST"]

bp.add_url_rule("/library/", view_func=views.catalogue)
bp.add_url_rule("/library/books/<int:book_id>", view_func=views.book)
bp.add_url_rule("/library/books/<int:book_id>/hold", view_func=views.hold, methods=POST)
bp.add_url_rule("/library/books/new", view_func=views.edit_book, methods=GET_POST, defaults={"book_id": None})
bp.add_url_rule("/library/books/<int:book_id>/edit", view_func=views.edit_book, methods=GET_POST)
bp.add_url_rule("/library/books/<int:book_id>/copies", view_func=views.add_copy, methods=POST)
bp.add_url_rule("/library/mine", view_func=views.mine)
bp.add_url_rule("/library/holds/<int:hold_id>/<action>", view_func=views.hold_action, methods=POST)
bp.add_url_rule("/library/loans/<int:loan_id>/renew", view_func=views.renew, methods=POST)
bp.add_url_rule("/library/desk/<int:group_id>", view_func=views.desk, methods=GET_POST)
bp.add_url_rule("/library/reports", view_func=views.library_reports)
