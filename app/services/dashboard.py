"""The committee's dashboard: every number of every chart, each from one set-based query.

What each chart counts (the page and the REST document say the same):
- open claims: claims the fund still has to finish, by status: undecided (submitted, under
  review, information requested, appealed, with the trustees) and decided but not yet paid
  (approved, partially approved);
- submissions and decisions per month: claims by the month (in the fund's time zone) of their
  submission and of their latest decision, the last 12 months including this one;
- SLA: open claims by the status of their clock (the decision's while undecided, the
  payment's once decided), and the breaches the clocks recorded in those 12 months; with it the
  payments' standing (app.services.payments.overview: awaiting, due soon, overdue, in batches,
  paid but not reconciled, settled);
- decision time: days from submission to the latest decision of claims decided in those 12
  months, the median overall and per month of decision;
- benefit categories: approved amounts of decided claims (approved, partially approved, paid)
  whose treatment falls in this benefit year, by each line's benefit category, against the
  category's annual limit times the persons (member or dependent) with an approved amount in it;
- top claimants: members by the approved totals of those same claims.
Reviewers' workload and performance: app.services.dashboard_reviewers.

Timestamps are stored as naive UTC; month boundaries are the fund's local midnights converted
to UTC, so that a claim submitted at 01:00 in Nairobi on the 1st counts in the new month.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import BenefitCategory, Claim, ClaimItem, Member, ScaleItem
from app.models.base import ZERO
from app.services.adjudication.loader import DECIDED_PAYABLE, benefit_year
from app.services.balance import IN_PROGRESS
from app.services.calendar import fund_timezone, fund_today
from app.services.errors import NotFound
from app.services.labels import status_label
from app.services.payments.overview import payment_overview
from app.services.settings import get_setting

UNDECIDED = IN_PROGRESS
AWAITING_PAYMENT = ("approved", "partially_approved")
OPEN_STATUSES = (*UNDECIDED, *AWAITING_PAYMENT)
SLA_STATES = ("on_track", "at_risk", "breached")
MONTHS = 12
TOP_CLAIMANTS = 10
SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class Period:
    """The windows the charts look at, fixed once per request."""

    today: date
    months: tuple[date, ...]  # the first day of each of the last 12 months, oldest first
    bounds: tuple[datetime, ...]  # 13 naive-UTC instants: each month's start, then the end
    year_start: date  # this benefit year
    year_end: date

    @property
    def start(self) -> datetime:
        return self.bounds[0]

    @property
    def end(self) -> datetime:
        return self.bounds[-1]

    def as_json(self) -> dict[str, Any]:
        return {"months_from": self.months[0].isoformat(), "today": self.today.isoformat(),
                "benefit_year": {"start": self.year_start.isoformat(),
                                 "end": self.year_end.isoformat()}}


def _add_months(first: date, count: int) -> date:
    index = first.year * 12 + first.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def _utc(day: date) -> datetime:
    local = datetime.combine(day, time(), tzinfo=fund_timezone())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def period(today: date | None = None) -> Period:
    today = today or fund_today()
    this_month = today.replace(day=1)
    months = tuple(_add_months(this_month, i - MONTHS + 1) for i in range(MONTHS))
    bounds = tuple(_utc(m) for m in months) + (_utc(_add_months(this_month, 1)),)
    start, end = benefit_year(today, int(get_setting("benefit_year_start_month")))
    return Period(today, months, bounds, start, end)


# --- portable SQL pieces -----------------------------------------------------------------------
def month_index(column: Any, p: Period) -> Any:
    """0..11: which of the period's months an instant falls in (None outside), as one CASE
    over the months' UTC bounds: the same on SQLite and PostgreSQL, time zones included."""
    return sa.case(*((column < p.bounds[i + 1], i) for i in range(MONTHS)), else_=None)


def seconds_between(session: Session, start: Any, end: Any) -> Any:
    """Whole seconds from ``start`` to ``end``, in the database (no portable function exists)."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.func.floor(sa.extract("epoch", end - start)), sa.BigInteger)
    return (sa.cast(sa.func.strftime("%s", end), sa.Integer)
            - sa.cast(sa.func.strftime("%s", start), sa.Integer))


def median_days(seconds: list[int]) -> float | None:
    if not seconds:
        return None
    return round(statistics.median(seconds) / SECONDS_PER_DAY, 1)


def money_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


# --- the charts --------------------------------------------------------------------------------
def open_claims(session: Session) -> dict[str, Any]:
    counts = dict(session.execute(
        sa.select(Claim.status, sa.func.count()).where(Claim.status.in_(OPEN_STATUSES))
        .group_by(Claim.status)
    ).all())
    rows = [{"status": s, "label": status_label(s), "count": counts.get(s, 0),
             "stage": "undecided" if s in UNDECIDED else "awaiting payment"}
            for s in OPEN_STATUSES]
    return {"total": sum(r["count"] for r in rows), "statuses": rows}


def _per_month(session: Session, column: Any, p: Period) -> list[int]:
    bucket = (sa.select(month_index(column, p).label("month"))
              .where(column >= p.start, column < p.end).subquery())
    counts = dict(session.execute(
        sa.select(bucket.c.month, sa.func.count()).group_by(bucket.c.month)).all())
    return [counts.get(i, 0) for i in range(MONTHS)]


def monthly(session: Session, p: Period) -> dict[str, Any]:
    submitted = _per_month(session, Claim.submitted_at, p)
    decided = _per_month(session, Claim.decided_at, p)
    return {"months": [{"month": m.strftime("%Y-%m"), "label": m.strftime("%b %Y"),
                        "submitted": s, "decided": d}
                       for m, s, d in zip(p.months, submitted, decided, strict=True)]}


def _by_sla_status(session: Session, statuses: tuple[str, ...]) -> dict[str, int]:
    counts = dict(session.execute(
        sa.select(Claim.sla_status, sa.func.count()).where(Claim.status.in_(statuses))
        .group_by(Claim.sla_status)
    ).all())
    return {**{state: counts.get(state, 0) for state in SLA_STATES},
            "no_clock": counts.get(None, 0)}


def _breaches_in(session: Session, breached_at: Any, p: Period) -> int:
    return session.scalar(sa.select(sa.func.count()).where(
        breached_at >= p.start, breached_at < p.end)) or 0


def sla(session: Session, p: Period) -> dict[str, Any]:
    """Open claims by the status of the clock their state runs: the decision's for undecided
    claims (standing still while information is requested), the payment's for decided ones
    not yet paid; and the breaches the clocks recorded in the 12 months."""
    decision = _by_sla_status(session, UNDECIDED)
    payment = _by_sla_status(session, AWAITING_PAYMENT)
    return {"open": sum(decision.values()) + sum(payment.values()),
            **{key: decision[key] + payment[key] for key in (*SLA_STATES, "no_clock")},
            "decision": decision, "payment": payment,
            "decision_breaches_in_period": _breaches_in(session, Claim.sla_breached_at, p),
            "payment_breaches_in_period": _breaches_in(session, Claim.payment_breached_at, p),
            "payments": payment_overview(session)}


def decision_time(session: Session, p: Period) -> dict[str, Any]:
    seconds = seconds_between(session, Claim.submitted_at, Claim.decided_at)
    rows = session.execute(
        sa.select(month_index(Claim.decided_at, p), seconds)
        .where(Claim.decided_at >= p.start, Claim.decided_at < p.end,
               Claim.submitted_at.is_not(None))
    ).all()
    by_month: list[list[int]] = [[] for _ in range(MONTHS)]
    for month, spent in rows:  # one fetch: medians need the values, not an aggregate
        by_month[month].append(spent)
    return {
        "decided": len(rows),
        "median_days": median_days([spent for _, spent in rows]),
        "months": [{"month": m.strftime("%Y-%m"), "label": m.strftime("%b %Y"),
                    "decided": len(values), "median_days": median_days(values)}
                   for m, values in zip(p.months, by_month, strict=True)],
    }


def _decided_this_year(p: Period) -> Any:
    return sa.and_(Claim.status.in_(DECIDED_PAYABLE),
                   Claim.treatment_date.between(p.year_start, p.year_end))


def categories(session: Session, p: Period) -> dict[str, Any]:
    # The adjudication's category of the line (an unlisted item paid by the committee counts
    # where the engine put it), else its scale item's.
    category = sa.func.coalesce(ClaimItem.benefit_category_id, ScaleItem.benefit_category_id)
    # One row per category and person (member or dependent), then one per category: the sum
    # of what each person was approved, and how many persons.
    per_person = (
        sa.select(category.label("category_id"),
                  sa.func.sum(ClaimItem.approved_amount).label("approved"))
        .join(Claim, ClaimItem.claim_id == Claim.id)
        .outerjoin(ScaleItem, ClaimItem.scale_item_id == ScaleItem.id)
        .where(_decided_this_year(p), ClaimItem.approved_amount > 0)
        .group_by(category, Claim.member_id, Claim.dependent_id)
        .subquery()
    )
    totals = {cid: (approved, persons) for cid, approved, persons in session.execute(
        sa.select(per_person.c.category_id, sa.func.sum(per_person.c.approved),
                  sa.func.count()).group_by(per_person.c.category_id))}
    rows = []
    for cid, key, name, limit in session.execute(
        sa.select(BenefitCategory.id, BenefitCategory.key, BenefitCategory.name,
                  BenefitCategory.annual_limit).order_by(BenefitCategory.id)
    ):
        approved, count = totals.get(cid, (ZERO, 0))
        total = Decimal(approved or ZERO)
        capacity = None if limit is None else Decimal(limit) * count
        used = None
        if capacity:
            used = (total * 100 / capacity).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        rows.append({"category": key, "name": name, "approved": money_text(total),
                     "persons": count, "annual_limit": money_text(limit),
                     "limit_total": money_text(capacity),
                     "used_percent": None if used is None else str(used)})
    return {"benefit_year": p.as_json()["benefit_year"], "categories": rows}


def top_claimants(session: Session, p: Period, limit: int = TOP_CLAIMANTS) -> dict[str, Any]:
    approved = sa.func.sum(Claim.total_approved)
    totals = (
        sa.select(Claim.member_id, sa.func.count(Claim.id).label("claims"),
                  approved.label("approved"))
        .where(_decided_this_year(p))
        .group_by(Claim.member_id)
        .having(approved > 0)
        .subquery()
    )
    rows = session.execute(
        sa.select(Member.id, Member.member_number, Member.first_name, Member.middle_name,
                  Member.last_name, totals.c.claims, totals.c.approved)
        .join(totals, totals.c.member_id == Member.id)
        .order_by(totals.c.approved.desc(), Member.member_number)
        .limit(limit)
    ).all()
    return {"benefit_year": p.as_json()["benefit_year"], "members": [
        {"member_id": mid, "member_number": number,
         "name": " ".join(part for part in (first, middle, last) if part),
         "claims": claims, "approved": money_text(total)}
        for mid, number, first, middle, last, claims, total in rows
    ]}


def _charts() -> dict[str, Callable[[Session, Period], dict[str, Any]]]:
    from app.services.dashboard_reviewers import reviewers

    return {"open_claims": lambda session, p: open_claims(session), "monthly": monthly,
            "sla": sla, "decision_time": decision_time, "categories": categories,
            "top_claimants": top_claimants, "reviewers": reviewers}


CHARTS = ("open_claims", "monthly", "sla", "decision_time", "categories", "top_claimants",
          "reviewers")


def chart(session: Session, name: str, today: date | None = None) -> dict[str, Any]:
    """One chart's numbers (REST /api/v1/dashboard/<name>), with the period they cover."""
    if name not in CHARTS:
        raise NotFound(f"No chart named {name!r}.")
    p = period(today)
    return {"period": p.as_json(), **_charts()[name](session, p)}


def snapshot(session: Session, today: date | None = None) -> dict[str, Any]:
    """Every chart at once, for the dashboard page."""
    p = period(today)
    charts = _charts()
    return {"period": p.as_json(), **{name: charts[name](session, p) for name in CHARTS}}
