"""groups_app: Mother-to-Mother peer support groups, lending library, leaflets and home visits."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from . import accounts, core, groups, leaflets, library, main, texts, thanks, visits
from .cli import bench_data, demo
from .config import PROJECT_ROOT, engine_options, from_environment

# Each feature's init_app registers its pages, its commands and what it adds to other features'
# pages. Order matters only for the menu ties and the home page: earlier features show first.
FEATURES = (core, accounts, main, groups, library, leaflets, visits, thanks, texts)


def create_app(config: dict | None = None, features=FEATURES) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
        if "SQLALCHEMY_DATABASE_URI" in config and "SQLALCHEMY_ENGINE_OPTIONS" not in config:
            # the options follow the database given, not the one the environment names
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(config["SQLALCHEMY_DATABASE_URI"])
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    for feature in features:
        feature.init_app(app)
    app.cli.add_command(demo)
    app.cli.add_command(bench_data)
    return app
