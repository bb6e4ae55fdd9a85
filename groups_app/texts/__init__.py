"""Texts: text messages to mothers' phones through a transactional outbox and an SMS provider,
STOP replies through the provider's signed webhook, and what coordinators see of them (who no
channel reaches, what texts cost per group and month)."""
from __future__ import annotations

from flask import Flask

from ..accounts.audit_log import audit_kinds
from ..accounts.services import data_export
from ..config import ConfigError
from ..core.extension_points import work_card
from ..core.notify import text_channel
from ..extensions import csrf
from . import audit_names, home, models, views  # noqa: F401  (models: the tables exist for every app)
from .blueprint import bp
from .commands import texts
from .outbox import parse_quiet_hours, queue_text
from .services.privacy import export_texts


def _check_settings(config) -> None:
    """A wrong setting stops the app at start, not a mother's action later."""
    try:
        parse_quiet_hours(config.get("TEXT_QUIET_HOURS"))
    except ValueError:
        raise ConfigError(f"TEXT_QUIET_HOURS must be two times such as 21:00-08:00, not {config.get('TEXT_QUIET_HOURS')!r}.") from None
    if config.get("TEXT_GATEWAY", "folder") not in ("folder", "http"):
        raise ConfigError(f"TEXT_GATEWAY must be 'folder' or 'http', not {config.get('TEXT_GATEWAY')!r}.")


def init_app(app: Flask) -> None:
    _check_settings(app.config)
    app.register_blueprint(bp)
    csrf.exempt(views.inbound)  # the provider cannot hold a session's token; the signature proves it
    app.cli.add_command(texts)
    audit_kinds.connect(app, audit_names.kinds)
    work_card.connect(app, home.work_cards)
    data_export.connect(app, export_texts)
    text_channel.connect(app, queue_text)  # notices that carry a text message queue it here
