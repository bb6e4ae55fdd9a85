"""The home page and the coordinator's program overview."""
from flask import Blueprint

bp = Blueprint("main", __name__, template_folder="templates")
