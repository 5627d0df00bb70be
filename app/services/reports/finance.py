"""The financial summary: per month of decision, what the fund approved, paid and still owes.

What counts as paid, and how much, comes from app.services.reports.settlement (the claims' own
status and ``total_paid`` until the payments exist; then reconciled payments only).
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

COLUMNS = (Column("month", "Month of decision"), Column("decided", "Claims", INT),
           Column("approved", "Approved", MONEY), Column("paid", "Paid", MONEY),
           Column("outstanding", "Outstanding", MONEY))


def financial_summary(session: Session, f: ReportFilters) -> Report:
    month = month_case(Claim.decided_at, f).label("month")
    owed = sa.case((settlement.outstanding(), Claim.total_approved), else_=0)
    grouped = session.execute(
        sa.select(month, sa.func.count(Claim.id), sa.func.sum(Claim.total_approved),
                  sa.func.sum(settlement.paid_amount()), sa.func.sum(owed))
        .where(*claim_conditions(f, Claim.decided_at), Claim.status.in_(DECIDED_PAYABLE))
        .group_by(month).order_by(month)
    ).all()
    rows = [{"month": m, "decided": n, "approved": money(a), "paid": money(p),
             "outstanding": money(o)} for m, n, a, p, o in grouped]
    totals = {"month": "Total", "decided": sum(r["decided"] for r in rows),
              **{key: money(sum((r[key] for r in rows), start=money(0)))
                 for key in ("approved", "paid", "outstanding")}}
    return Report(
        "financial_summary", "Financial summary",
        "Claims decided in the period with an amount approved (approved, partially approved, "
        "paid), by the month of their latest decision: the approved totals, what was paid on "
        "those settled, and what is approved and not yet paid.",
        f, COLUMNS, rows, totals)
