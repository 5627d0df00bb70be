"""The audit trail: append-only events, chained by hash.

Each event stores the hash of the event before it and its own SHA-256 over a canonical encoding
of its fields (app.services.audit.chain; the README documents the encoding). Events get their ids
from the chain head, one after the other, under the head's lock: the chain's order is the id
order, without gaps.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import utcnow


class AuditEvent(Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_resource", "resource_type", "resource_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(
        sa.DateTime, nullable=False, default=utcnow, index=True
    )
    # Kept as plain values, not foreign keys: the trail outlives users and records.
    actor_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    actor_name: Mapped[str | None] = mapped_column(sa.String(100))
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(255))
    action: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    resource_type: Mapped[str | None] = mapped_column(sa.String(64))
    resource_id: Mapped[str | None] = mapped_column(sa.String(64))
    details: Mapped[str | None] = mapped_column(sa.Text)  # JSON
    previous_hash: Mapped[str | None] = mapped_column(sa.String(64))
    hash: Mapped[str | None] = mapped_column(sa.String(64))

    def __repr__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"


class AuditChainHead(Model):
    """The chain's last link: one row, locked by every writer of events until its transaction
    ends, so that writers in several processes append one after the other."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    last_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)


# On PostgreSQL the table refuses UPDATE, DELETE and TRUNCATE whoever asks (the migration creates
# the same trigger; these make create_all, used by the tests, build it too).
REFUSE_CHANGES_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
        MESSAGE = 'audit events are append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql
"""
REFUSE_CHANGES_TRIGGERS = (
    "CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()",
)

sa.event.listen(
    AuditEvent.__table__, "after_create",
    sa.DDL(REFUSE_CHANGES_FUNCTION).execute_if(dialect="postgresql"),
)
for _trigger in REFUSE_CHANGES_TRIGGERS:
    sa.event.listen(
        AuditEvent.__table__, "after_create", sa.DDL(_trigger).execute_if(dialect="postgresql")
    )
