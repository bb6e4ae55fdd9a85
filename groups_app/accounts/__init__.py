"""Accounts: people, their roles, signing in and out, and the profile a mother controls."""
from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates")
