"""In-app notifications: to one login, or to everyone holding a role (a shared inbox)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.models.base import enum_column, utcnow
from app.models.claim import Claim

SLA_BREACHED = "sla_breached"
PAYMENT_SLA_BREACHED = "payment_sla_breached"
ASSIGNMENT_FLAGGED = "assignment_flagged"
CLAIM_REASSIGNED = "claim_reassigned"
NOTIFICATION_KINDS = (SLA_BREACHED, PAYMENT_SLA_BREACHED, ASSIGNMENT_FLAGGED, CLAIM_REASSIGNED)


class Notification(Model):
    __tablename__ = "notification"
    __table_args__ = (
        sa.CheckConstraint(
            "recipient_user_id IS NOT NULL OR recipient_role IS NOT NULL",
            name="ck_notification_recipient",
        ),
        sa.Index("ix_notification_role_inbox", "recipient_role", "read_at"),
        sa.Index("ix_notification_user_inbox", "recipient_user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ab_user.id", ondelete="CASCADE")
    )
    recipient_user: Mapped[User | None] = relationship()
    # A role's notifications are read once for all its holders (the committee's shared inbox).
    recipient_role: Mapped[str | None] = mapped_column(sa.String(64))
    claim_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("claim.id", ondelete="CASCADE"), index=True
    )
    claim: Mapped[Claim | None] = relationship()
    kind: Mapped[str] = mapped_column(
        enum_column("notification_kind", NOTIFICATION_KINDS), nullable=False
    )
    message: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime, nullable=False, default=utcnow, index=True
    )
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    def __repr__(self) -> str:
        return self.message


# A filterable flag for lists and the API ("unread only"); read_at is what is stored.
Notification.unread = column_property(Notification.read_at.is_(None))
