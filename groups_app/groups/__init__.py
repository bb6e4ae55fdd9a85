"""Support groups: groups, meetings, topics, RSVPs, attendance and calendar feeds."""
from flask import Blueprint

bp = Blueprint("groups", __name__, template_folder="templates")
