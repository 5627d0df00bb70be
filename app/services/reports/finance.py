"""The financial summary: per month of decision, what the fund approved, what the bank paid,
what of that is settled (reconciled against a statement), what is paid but not yet reconciled,
and what is still owed.

Paid, settled and their amounts come from the payments (app.services.reports.settlement), so
approved = settled + paid, not reconciled + outstanding on every row.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Claim
from app.services.adjudication.queries import DECIDED_PAYABLE
from app.services.reports import settlement
from app.services.reports.base import (
    INT,
    MONEY,
    Column,
    Report,
    ReportFilters,
    claim_conditions,
    money,
    month_case,
)

AMOUNTS = ("approved", "paid", "settled", "unreconciled", "outstanding")
COLUMNS = (Column("month", "Month of decision"), Column("decided", "Claims", INT),
           Column("approved", "Approved", MONEY), Column("paid", "Paid", MONEY),
           Column("settled", "Settled (reconciled)", MONEY),
           Column("unreconciled", "Paid, not reconciled", MONEY),
           Column("outstanding", "Outstanding", MONEY))


def financial_summary(session: Session, f: ReportFilters) -> Report:
    month = month_case(Claim.decided_at, f).label("month")
    grouped = session.execute(
        settlement.with_payments(sa.select(
            month, sa.func.count(Claim.id), sa.func.sum(Claim.total_approved),
            sa.func.sum(settlement.paid_amount()), sa.func.sum(settlement.settled_amount()),
            sa.func.sum(settlement.unreconciled_amount()),
            sa.func.sum(settlement.outstanding_amount())))
        .where(*claim_conditions(f, Claim.decided_at), Claim.status.in_(DECIDED_PAYABLE))
        .group_by(month).order_by(month)
    ).all()
    rows = [{"month": m, "decided": n, **{key: money(v) for key, v in zip(AMOUNTS, amounts,
                                                                        strict=True)}}
            for m, n, *amounts in grouped]
    totals = {"month": "Total", "decided": sum(r["decided"] for r in rows),
              **{key: money(sum((r[key] for r in rows), start=money(0))) for key in AMOUNTS}}
    return Report(
        "financial_summary", "Financial summary",
        "Claims decided in the period with an amount approved (approved, partially approved, "
        "paid), by the month of their latest decision: the approved totals; what the bank paid "
        "(batches recorded as paid); of that, what is settled (reconciled against a statement) "
        "and what is paid but not yet reconciled; and what is approved and not yet paid.",
        f, COLUMNS, rows, totals)
