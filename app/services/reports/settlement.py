"""When the reports count a claim as paid and as settled, how much, and when: from the payments.

A claim is *paid* once its payment's batch was recorded as paid (the bank's paid date), and
*settled* only once that payment is reconciled against the bank's or the provider's statement
(issue 7: "a claim counts as settled in reports only when reconciled"). The amounts are the
payments' own (the approved amount when batched), not the claim's ``total_paid``.

A claim has at most one payment that is not cancelled (``uq_payment_claim_open``), so joining
the claim to its paid payment gives one row per claim: the "sum" of its reconciled payments is
that payment's amount, and queries keep counting claims without a GROUP BY of their own.
Pending payments (an open batch) and cancelled ones leave the claim unpaid and outstanding.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.models import Claim, Payment

PAID = aliased(Payment, name="paid_payment")


def with_payments(statement: sa.Select) -> sa.Select:
    """``statement`` (over claims) joined to each claim's paid payment, where it has one."""
    return statement.outerjoin(PAID, sa.and_(PAID.claim_id == Claim.id, PAID.status == "paid"))


def paid() -> Any:
    """Paid by the bank (the batch recorded as paid), reconciled or not."""
    return PAID.id.is_not(None)


def settled() -> Any:
    """Paid and reconciled."""
    return PAID.reconciled_at.is_not(None)


def paid_amount() -> Any:
    return sa.case((paid(), PAID.amount), else_=0)


def settled_amount() -> Any:
    return sa.case((settled(), PAID.amount), else_=0)


def unreconciled_amount() -> Any:
    """Paid by the bank, not yet found on a statement."""
    return sa.case((sa.and_(paid(), PAID.reconciled_at.is_(None)), PAID.amount), else_=0)


def outstanding_amount() -> Any:
    """Of a claim decided with an amount to pay: the approved amount while nothing is paid."""
    return sa.case((paid(), 0), else_=Claim.total_approved)


def settled_at() -> Any:
    """When the claim was settled: its payment's reconciliation (naive UTC, like the claims')."""
    return PAID.reconciled_at


def paid_on() -> Any:
    """The bank's paid date of the claim's payment."""
    return PAID.paid_on
