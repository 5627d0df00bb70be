"""The audit trail: append-only events, chained by hash (the chain is completed later)."""

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
