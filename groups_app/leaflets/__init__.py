"""Leaflets in the local languages: writing, translating, reviewing, publishing, printing."""
from flask import Blueprint

bp = Blueprint("leaflets", __name__, template_folder="templates")
