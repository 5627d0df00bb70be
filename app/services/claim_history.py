"""A claim's status history as its member reads it: when it moved, from which status to which,
taken from the audit trail's transition events without their internal details (who, notes,
amounts)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import AuditEvent


@dataclass(frozen=True)
class StatusChange:
    at: datetime
    from_status: str
    to_status: str


def status_history(session: Session, claim_id: int) -> list[StatusChange]:
    """The claim's status changes, oldest first (steps that left the status as it was, such as
    a first signature, are internal and left out)."""
    events = session.execute(
        sa.select(AuditEvent.occurred_at, AuditEvent.details)
        .where(AuditEvent.resource_type == "claim", AuditEvent.resource_id == str(claim_id),
               AuditEvent.action.like("claim.%"))
        .order_by(AuditEvent.id)
    ).all()
    changes = []
    for occurred_at, details in events:
        try:
            data = json.loads(details or "{}")
        except ValueError:
            continue
        before, after = data.get("from"), data.get("to")
        if isinstance(before, str) and isinstance(after, str) and before != after:
            changes.append(StatusChange(occurred_at, before, after))
    return changes
