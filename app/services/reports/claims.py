"""Reports over claims: by status and type per month, turnaround, top claimants and providers.

Each selects the claims submitted in the period (the fund's intake; drafts have no submission
and never count) that match the filters, with set-based queries.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Claim, Member, Provider
from app.models.enums import CLAIM_TYPES
from app.services.reports import settlement
from app.services.reports.base import (
    DAYS,
    INT,
    MONEY,
    TEXT,
    Column,
    Report,
    ReportFilters,
    claim_conditions,
    median_days,
    money,
    month_case,
    p90_days,
    person_name,
    seconds_between,
)

TOP = 20
_AMOUNTS = (Column("claimed", "Claimed", MONEY), Column("approved", "Approved", MONEY),
            Column("paid", "Paid", MONEY))


def _sums() -> tuple[Any, ...]:
    return (sa.func.count(Claim.id), sa.func.sum(Claim.total_claimed),
            sa.func.sum(Claim.total_approved), sa.func.sum(settlement.paid_amount()))


def _total(rows: list[dict[str, Any]], label_key: str) -> dict[str, Any]:
    return {label_key: "Total", "claims": sum(r["claims"] for r in rows),
            **{c.key: money(sum((r[c.key] for r in rows), start=money(0))) for c in _AMOUNTS}}


def claims_by_status(session: Session, f: ReportFilters) -> Report:
    month = month_case(Claim.submitted_at, f).label("month")
    grouped = session.execute(
        sa.select(month, Claim.claim_type, Claim.status, *_sums())
        .where(*claim_conditions(f))
        .group_by(month, Claim.claim_type, Claim.status)
        .order_by(month, Claim.claim_type, Claim.status)
    ).all()
    rows = [{"month": m, "claim_type": kind, "status": status, "claims": n,
             "claimed": money(claimed), "approved": money(approved), "paid": money(paid)}
            for m, kind, status, n, claimed, approved, paid in grouped]
    return Report(
        "claims_by_status", "Claims by status and type",
        "Claims submitted in the period, by the month of their submission (the fund's dates), "
        "claim type and present status; paid counts settled claims only.",
        f, (Column("month", "Month"), Column("claim_type", "Claim type"),
            Column("status", "Status"), Column("claims", "Claims", INT), *_AMOUNTS),
        rows, _total(rows, "month"))


def turnaround(session: Session, f: ReportFilters) -> Report:
    paid = settlement.paid_moments(session)
    decision = seconds_between(session, Claim.submitted_at, Claim.decided_at)
    payment = seconds_between(session, Claim.decided_at, paid.c.paid_at)
    overall = seconds_between(session, Claim.submitted_at, paid.c.paid_at)
    fetched = session.execute(
        sa.select(Claim.claim_type,
                  sa.case((Claim.decided_at.is_not(None), decision), else_=None),
                  sa.case((sa.and_(settlement.settled(), Claim.decided_at.is_not(None)),
                           payment), else_=None),
                  sa.case((settlement.settled(), overall), else_=None))
        .outerjoin(paid, paid.c.claim_id == Claim.id)
        .where(*claim_conditions(f))
    )
    # Medians and percentiles need the values: one pass, a list of numbers per stage and type.
    stages: dict[str | None, tuple[list[int], list[int], list[int]]] = {}
    for kind, *spans in fetched:
        for key in (kind, None):
            lists = stages.setdefault(key, ([], [], []))
            for values, span in zip(lists, spans, strict=True):
                if span is not None:
                    values.append(int(span))
    rows = [_turnaround_row(kind, *stages[kind]) for kind in CLAIM_TYPES if kind in stages]
    return Report(
        "turnaround", "Turnaround",
        "Claims submitted in the period: days from submission to the latest decision, from "
        "the decision to payment, and from submission to payment, as the median and the 90th "
        "percentile (nearest rank), per claim type. A stage counts the claims that reached it.",
        f, (Column("claim_type", "Claim type"), Column("decided", "Decided", INT),
            Column("decision_median", "To decision, median days", DAYS),
            Column("decision_p90", "To decision, 90th percentile", DAYS),
            Column("paid", "Paid", INT),
            Column("payment_median", "Decision to payment, median days", DAYS),
            Column("payment_p90", "Decision to payment, 90th percentile", DAYS),
            Column("overall_median", "Submission to payment, median days", DAYS),
            Column("overall_p90", "Submission to payment, 90th percentile", DAYS)),
        rows, _turnaround_row("Total", *stages.get(None, ([], [], []))))


def _turnaround_row(kind: str | None, decided: list[int], paid: list[int],
                    overall: list[int]) -> dict[str, Any]:
    return {"claim_type": kind, "decided": len(decided), "decision_median": median_days(decided),
            "decision_p90": p90_days(decided), "paid": len(paid),
            "payment_median": median_days(paid), "payment_p90": p90_days(paid),
            "overall_median": median_days(overall), "overall_p90": p90_days(overall)}


def top_claimants(session: Session, f: ReportFilters, top: int = TOP) -> Report:
    sums = (sa.select(Claim.member_id, *_sums()).where(*claim_conditions(f))
            .group_by(Claim.member_id).subquery())
    count, claimed, approved, paid = (sums.c[i] for i in range(1, 5))
    fetched = session.execute(
        sa.select(Member.member_number, Member.first_name, Member.middle_name, Member.last_name,
                  count, claimed, approved, paid)
        .join(sums, sums.c.member_id == Member.id)
        .order_by(approved.desc(), claimed.desc(), Member.member_number).limit(top)
    ).all()
    rows = [{"member_number": number, "name": person_name(first, middle, last), "claims": n,
             "claimed": money(c), "approved": money(a), "paid": money(p)}
            for number, first, middle, last, n, c, a, p in fetched]
    return Report(
        "top_claimants", "Top claimants",
        f"The {top} members with the highest approved totals on claims submitted in the "
        "period (then the highest claimed).",
        f, (Column("member_number", "Member"), Column("name", "Name", TEXT),
            Column("claims", "Claims", INT), *_AMOUNTS),
        rows, _total(rows, "member_number"))


def top_providers(session: Session, f: ReportFilters, top: int = TOP) -> Report:
    sums = (sa.select(Claim.provider_id, *_sums()).where(*claim_conditions(f))
            .group_by(Claim.provider_id).subquery())
    count, claimed, approved, paid = (sums.c[i] for i in range(1, 5))
    fetched = session.execute(
        sa.select(Provider.name, Provider.provider_type, count, claimed, approved, paid)
        .join(sums, sums.c.provider_id == Provider.id)
        .order_by(claimed.desc(), approved.desc(), Provider.name).limit(top)
    ).all()
    rows = [{"provider": name, "provider_type": kind, "claims": n, "claimed": money(c),
             "approved": money(a), "paid": money(p)}
            for name, kind, n, c, a, p in fetched]
    return Report(
        "top_providers", "Top providers",
        f"The {top} providers with the highest claimed totals on claims submitted in the "
        "period (then the highest approved).",
        f, (Column("provider", "Provider"), Column("provider_type", "Type"),
            Column("claims", "Claims", INT), *_AMOUNTS),
        rows, _total(rows, "provider"))
