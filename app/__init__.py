"""Claimdesk: claims administration for medical funds."""

from __future__ import annotations

import logging
from typing import Any, Mapping

from flask import Flask


def create_app(config_overrides: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object("config")
    if config_overrides:
        app.config.update(config_overrides)
    logging.basicConfig(level=app.config["LOG_LEVEL"])

    from app.extensions import csrf, db, limiter, make_appbuilder, migrate, tune_sqlite

    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine)
    migrate.init_app(app, db, compare_type=True, render_as_batch=True)
    # CSRF before AppBuilder: FAB then exempts its own API blueprints (JWT, not cookies).
    csrf.init_app(app)
    limiter.init_app(app)

    with app.app_context():
        from app import models  # noqa: F401  (registers every table on the shared metadata)
        from app.services import invariants  # noqa: F401  (derived fields on every flush)
        from app.services.audit import chain  # noqa: F401  (audit events chained on every flush)

        appbuilder = make_appbuilder()
        appbuilder.init_app(app, db.session)
        from app.registry import register_views

        register_views(appbuilder)
        appbuilder.post_init()

    from app.services.calendar import fund_time
    from app.services.labels import status_label

    # Every page prints a stored moment the same way: the fund's time, to the minute; and a
    # claim's status by its label.
    app.add_template_filter(fund_time, "fund_time")
    app.add_template_filter(status_label, "status_label")

    from app.cli import register_cli

    register_cli(app)
    return app
