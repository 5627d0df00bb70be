"""Where the fund stands with its payment promise (by-law 4.3: paid within the payment SLA of
the approval), for the dashboard and Finance's lists, in a few set-based queries.

- awaiting: approved or partially approved claims not yet paid, with their approved total;
  ``due_soon`` of them have their payment clock at risk, ``overdue`` have passed the date
  (flagged by the SLA clock, app.services.sla_tick);
- in_open_batches: of those, how many a batch not yet paid already holds;
- paid_unreconciled: paid claims no statement line has matched yet;
- settled: paid claims whose payment a statement confirmed. Only these count as settled.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Claim, Payment
from app.services.ratification import PAYABLE

ZERO = Decimal("0.00")


def _text(amount: Any) -> str:
    return f"{Decimal(amount or 0):.2f}"


def payment_overview(session: Session) -> dict[str, Any]:
    awaiting = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(Claim.total_approved), ZERO),
            sa.func.count().filter(Claim.sla_status == "at_risk"),
            sa.func.count().filter(Claim.sla_status == "breached"),
            sa.func.coalesce(sa.func.sum(Claim.total_approved).filter(
                Claim.sla_status == "breached"), ZERO),
        ).where(Claim.status.in_(PAYABLE))
    ).one()
    in_batches = session.scalar(
        sa.select(sa.func.count()).select_from(Payment).join(Claim, Payment.claim_id == Claim.id)
        .where(Payment.status == "pending", Claim.status.in_(PAYABLE))) or 0
    paid = dict(
        ((reconciled, (count, total)) for reconciled, count, total in session.execute(
            sa.select(Payment.reconciled_at.is_not(None), sa.func.count(),
                      sa.func.coalesce(sa.func.sum(Payment.amount), ZERO))
            .where(Payment.status == "paid")
            .group_by(Payment.reconciled_at.is_not(None)))))
    unreconciled, settled = paid.get(False, (0, ZERO)), paid.get(True, (0, ZERO))
    return {
        "awaiting": awaiting[0], "awaiting_amount": _text(awaiting[1]),
        "due_soon": awaiting[2], "overdue": awaiting[3], "overdue_amount": _text(awaiting[4]),
        "in_open_batches": in_batches,
        "paid_unreconciled": unreconciled[0], "paid_unreconciled_amount": _text(unreconciled[1]),
        "settled": settled[0], "settled_amount": _text(settled[1]),
    }
