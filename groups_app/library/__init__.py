"""The lending library: catalogue, copies, holds, loans, renewals and reminders."""
from flask import Blueprint

bp = Blueprint("library", __name__, template_folder="templates")
