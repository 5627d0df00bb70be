"""Liveness for load balancers: 200 when the database answers, 503 when it does not.

A plain blueprint, outside FAB's security: no login, no CSRF (it only reads), no rate limit.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import csrf, db, limiter

health_blueprint = Blueprint("health", __name__)


@health_blueprint.get("/health")
def health() -> tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        # The cause goes to the log, not to whoever polls: it may name hosts and users.
        current_app.logger.warning("health check: database unreachable", exc_info=True)
        return (
            jsonify(
                status="unavailable", database="unreachable", message="The database is unreachable."
            ),
            503,
        )
    return jsonify(status="ok", database="ok"), 200


csrf.exempt(health_blueprint)
limiter.exempt(health_blueprint)
