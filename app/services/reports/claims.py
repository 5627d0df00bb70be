"""Reports over claims: by status and type per month, top claimants and providers (the
turnaround is app.services.reports.turnaround).

Each selects the claims submitted in the period (the fund's intake; drafts have no submission
and never count) that match the filters, with set-based queries.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Claim, Member, Provider
from app.services.reports import settlement
from app.services.reports.base import (
    INT,
    MONEY,
    TEXT,
    Column,
    Report,
    ReportFilters,
    claim_conditions,
    money,
    month_case,
    person_name,
)

TOP = 20
_AMOUNTS = (Column("claimed", "Claimed", MONEY), Column("approved", "Approved", MONEY),
            Column("settled", "Settled", MONEY))


def _sums() -> tuple[Any, ...]:
    return (sa.func.count(Claim.id), sa.func.sum(Claim.total_claimed),
            sa.func.sum(Claim.total_approved), sa.func.sum(settlement.settled_amount()))


def _total(rows: list[dict[str, Any]], label_key: str) -> dict[str, Any]:
    return {label_key: "Total", "claims": sum(r["claims"] for r in rows),
            **{c.key: money(sum((r[c.key] for r in rows), start=money(0))) for c in _AMOUNTS}}


def claims_by_status(session: Session, f: ReportFilters) -> Report:
    month = month_case(Claim.submitted_at, f).label("month")
    grouped = session.execute(
        settlement.with_payments(sa.select(month, Claim.claim_type, Claim.status, *_sums()))
        .where(*claim_conditions(f))
        .group_by(month, Claim.claim_type, Claim.status)
        .order_by(month, Claim.claim_type, Claim.status)
    ).all()
    rows = [{"month": m, "claim_type": kind, "status": status, "claims": n,
             "claimed": money(claimed), "approved": money(approved), "settled": money(settled)}
            for m, kind, status, n, claimed, approved, settled in grouped]
    return Report(
        "claims_by_status", "Claims by status and type",
        "Claims submitted in the period, by the month of their submission (the fund's dates), "
        "claim type and present status; settled counts the reconciled payments only.",
        f, (Column("month", "Month"), Column("claim_type", "Claim type"),
            Column("status", "Status"), Column("claims", "Claims", INT), *_AMOUNTS),
        rows, _total(rows, "month"))


def top_claimants(session: Session, f: ReportFilters, top: int = TOP) -> Report:
    sums = (settlement.with_payments(sa.select(Claim.member_id, *_sums()))
            .where(*claim_conditions(f)).group_by(Claim.member_id).subquery())
    count, claimed, approved, settled = (sums.c[i] for i in range(1, 5))
    fetched = session.execute(
        sa.select(Member.member_number, Member.first_name, Member.middle_name, Member.last_name,
                  count, claimed, approved, settled)
        .join(sums, sums.c.member_id == Member.id)
        .order_by(approved.desc(), claimed.desc(), Member.member_number).limit(top)
    ).all()
    rows = [{"member_number": number, "name": person_name(first, middle, last), "claims": n,
             "claimed": money(c), "approved": money(a), "settled": money(p)}
            for number, first, middle, last, n, c, a, p in fetched]
    return Report(
        "top_claimants", "Top claimants",
        f"The {top} members with the highest approved totals on claims submitted in the "
        "period (then the highest claimed).",
        f, (Column("member_number", "Member"), Column("name", "Name", TEXT),
            Column("claims", "Claims", INT), *_AMOUNTS),
        rows, _total(rows, "member_number"))


def top_providers(session: Session, f: ReportFilters, top: int = TOP) -> Report:
    sums = (settlement.with_payments(sa.select(Claim.provider_id, *_sums()))
            .where(*claim_conditions(f)).group_by(Claim.provider_id).subquery())
    count, claimed, approved, settled = (sums.c[i] for i in range(1, 5))
    fetched = session.execute(
        sa.select(Provider.name, Provider.provider_type, count, claimed, approved, settled)
        .join(sums, sums.c.provider_id == Provider.id)
        .order_by(claimed.desc(), approved.desc(), Provider.name).limit(top)
    ).all()
    rows = [{"provider": name, "provider_type": kind, "claims": n, "claimed": money(c),
             "approved": money(a), "settled": money(p)}
            for name, kind, n, c, a, p in fetched]
    return Report(
        "top_providers", "Top providers",
        f"The {top} providers with the highest claimed totals on claims submitted in the "
        "period (then the highest approved).",
        f, (Column("provider", "Provider"), Column("provider_type", "Type"),
            Column("claims", "Claims", INT), *_AMOUNTS),
        rows, _total(rows, "provider"))
