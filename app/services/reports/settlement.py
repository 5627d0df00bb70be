"""When the reports count a claim as paid, how much, and when: the one place to change once the
payments (PaymentBatch / Payment) exist.

Until then a claim is settled when its status is ``paid``; the amount is its ``total_paid``; the
moment is the latest audit event that recorded its move to ``paid`` (the lifecycle writes
``{"to": "paid"}`` in the event's details). Once payments land, a claim is settled only when its
payment is reconciled (issue 7): ``settled`` becomes "has a reconciled payment", ``paid_amount``
the reconciled payments' sum and ``paid_moments`` their reconciliation dates.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import AuditEvent, Claim
from app.services.dashboard_reviewers import detail

# Decided with an amount to pay, not yet settled.
OUTSTANDING = ("approved", "partially_approved")


def settled() -> Any:
    return Claim.status == "paid"


def outstanding() -> Any:
    return Claim.status.in_(OUTSTANDING)


def paid_amount() -> Any:
    return sa.case((settled(), Claim.total_paid), else_=0)


def paid_moments(session: Session) -> Any:
    """(claim_id, paid_at): when each settled claim was paid."""
    claim_id = sa.cast(AuditEvent.resource_id, sa.Integer)
    return (
        sa.select(claim_id.label("claim_id"),
                  sa.func.max(AuditEvent.occurred_at).label("paid_at"))
        .where(AuditEvent.resource_type == "claim",
               detail(session, AuditEvent.details, "to") == "paid")
        .group_by(AuditEvent.resource_id)
        .subquery("paid_moment")
    )
