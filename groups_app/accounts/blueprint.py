"""Every URL of accounts: joining, signing in, passwords, her profile, admin."""
from flask import Blueprint

from . import admin_views, profile_views, views

bp = Blueprint("accounts", __name__, template_folder="templates")
GET_POST = ["GET", "POST"]
POST = ["POST"]

bp.add_url_rule("/register", view_func=views.register, methods=GET_POST)
bp.add_url_rule("/register/check-email", view_func=views.check_email)
bp.add_url_rule("/register/confirm/<token>", view_func=views.confirm_email, methods=GET_POST)
bp.add_url_rule("/login", view_func=views.login, methods=GET_POST)
bp.add_url_rule("/logout", view_func=views.logout, methods=POST)
bp.add_url_rule("/password/forgot", view_func=views.forgot_password, methods=GET_POST)
bp.add_url_rule("/password/reset/<token>", view_func=views.reset_password, methods=GET_POST)
bp.add_url_rule("/account/password", view_func=views.change_password, methods=GET_POST)
bp.add_url_rule("/account/profile", view_func=profile_views.profile, methods=GET_POST)
bp.add_url_rule("/account/phone", view_func=profile_views.confirm_phone, methods=GET_POST)
bp.add_url_rule("/account/phone/code", view_func=profile_views.send_phone_code, methods=POST)
bp.add_url_rule("/account/data.json", view_func=profile_views.download_data)
bp.add_url_rule("/account/delete", view_func=profile_views.delete_account, methods=GET_POST)
bp.add_url_rule("/language", view_func=profile_views.set_language, methods=POST)
bp.add_url_rule("/admin/users", view_func=admin_views.users)
bp.add_url_rule("/admin/users/<int:user_id>", view_func=admin_views.user_roles, methods=GET_POST)
bp.add_url_rule("/admin/audit", view_func=admin_views.audit_log)
bp.add_url_rule("/admin/mail", view_func=admin_views.failed_mail)
bp.add_url_rule("/admin/mail/<int:mail_id>/retry", view_func=admin_views.retry_mail, methods=POST)
