"""Helpers for audit tests: an empty trail to start from, and changes made behind the
application's back."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from tests.conftest import IS_POSTGRES


def raw_changes(app, *statements: tuple[str, dict]) -> None:
    """Run SQL on the audit table as its owner could (on PostgreSQL with its trigger off)."""
    with app.app_context(), db.engine.begin() as connection:
        if IS_POSTGRES:
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for sql, params in statements:
            connection.execute(sa.text(sql), params)


def empty_trail(app) -> None:
    """Start from no events (the suite's set-up, roles and logins, wrote some)."""
    raw_changes(app, ("DELETE FROM audit_event", {}), ("DELETE FROM audit_chain_head", {}))


def workflow_events():
    """A filter on AuditEvent leaving out records' creations (the tests' set-up makes them) and
    staff's looks at claims, for tests about a workflow's own events. Generic updates and
    deletes stay in: a step must not be recorded twice."""
    from app.models import AuditEvent

    return sa.and_(AuditEvent.action.notlike("%.create"), AuditEvent.action.notlike("%.view"))
