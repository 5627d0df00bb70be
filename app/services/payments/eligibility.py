"""Which claims a new batch pays, and why every other payable-looking claim is left out.

A claim is paid when it is approved or partially approved, ratified (app.services.ratification.
is_payable), in no open batch and never paid, when the Finance user building the batch has no
part in it (SPEC separation of duties) and when its member's payout details can carry the
payment. Every claim the filters select that fails one of these is reported with its reason:
Finance sees what blocks a payment instead of a claim quietly missing from the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from app.models import Claim, Payment
from app.models.enums import PAYOUT_METHODS, SLA_STATUSES
from app.services.errors import ValidationFailed
from app.services.payments.payees import payout_blocker
from app.services.ratification import PAYABLE, is_payable
from app.services.validation import money_error

NOT_RATIFIED = "not_ratified"
ALREADY_BATCHED = "already_batched"
CONFLICT_OF_INTEREST = "conflict_of_interest"
PAYOUT_DETAILS = "payout_details"  # blocking: the member must be asked for his details
NOTHING_TO_PAY = "nothing_to_pay"
EXCLUSION_REASONS = (NOT_RATIFIED, ALREADY_BATCHED, CONFLICT_OF_INTEREST, PAYOUT_DETAILS,
                     NOTHING_TO_PAY)


@dataclass(frozen=True)
class BatchFilters:
    """What Finance asks for: the batch's payout method and, optionally, an approved amount
    range, claims due for payment by a date, and an SLA status."""

    method: str
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    due_by: date | None = None
    sla_status: str | None = None

    @classmethod
    def checked(cls, method: Any, min_amount: Any = None, max_amount: Any = None,
                due_by: Any = None, sla_status: Any = None) -> "BatchFilters":
        errors: dict[str, str] = {}
        if method not in PAYOUT_METHODS:
            errors["method"] = "Choose bank, mobile_money or cheque."
        amounts = {}
        for name, value in (("min_amount", min_amount), ("max_amount", max_amount)):
            problem = money_error(value)
            if problem:
                errors[name] = problem
            amounts[name] = None if problem or value in (None, "") else Decimal(str(value))
        if (amounts["min_amount"] is not None and amounts["max_amount"] is not None
                and amounts["min_amount"] > amounts["max_amount"]):
            errors["max_amount"] = "The largest amount cannot be below the smallest."
        if due_by is not None and not isinstance(due_by, date):
            errors["due_by"] = "Enter a date."
        if sla_status not in (None, "", *SLA_STATUSES):
            errors["sla_status"] = "Choose on_track, at_risk or breached."
        if errors:
            raise ValidationFailed(errors)
        return cls(method, amounts["min_amount"], amounts["max_amount"], due_by,
                   sla_status or None)

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "min_amount": self.min_amount,
                "max_amount": self.max_amount, "due_by": self.due_by,
                "sla_status": self.sla_status}


@dataclass(frozen=True)
class Exclusion:
    claim_id: int
    claim_number: str
    member: str
    amount: Decimal
    reason: str  # one of EXCLUSION_REASONS
    message: str

    @property
    def blocking(self) -> bool:
        return self.reason == PAYOUT_DETAILS


@dataclass
class Selection:
    included: list[Claim] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((c.total_approved for c in self.included), Decimal("0.00"))


def _candidates(session: Session, filters: BatchFilters) -> list[Claim]:
    query = (
        sa.select(Claim).options(joinedload(Claim.member))
        .where(Claim.status.in_(PAYABLE))
        .order_by(Claim.payment_due_at.is_(None), Claim.payment_due_at, Claim.id)
    )
    if filters.min_amount is not None:
        query = query.where(Claim.total_approved >= filters.min_amount)
    if filters.max_amount is not None:
        query = query.where(Claim.total_approved <= filters.max_amount)
    if filters.due_by is not None:
        end = datetime.combine(filters.due_by + timedelta(days=1), time())
        query = query.where(Claim.payment_due_at < end)
    if filters.sla_status is not None:
        query = query.where(Claim.sla_status == filters.sla_status)
    return list(session.scalars(query).unique())


def _batched(session: Session, claim_ids: list[int]) -> set[int]:
    if not claim_ids:
        return set()
    return set(session.scalars(
        sa.select(Payment.claim_id).where(Payment.claim_id.in_(claim_ids),
                                          Payment.status != "cancelled")
    ))


def conflict_of(claim: Claim, actor: Any) -> str | None:
    """Why ``actor`` may not pay ``claim`` (SPEC separation of duties), or None."""
    if actor.member_id is not None and actor.member_id == claim.member_id:
        return "You or your dependant is the member or patient of this claim."
    if actor.id in (claim.decided_by_id, claim.recommended_by_id):
        return "You signed the decision on this claim."
    return None


def select_claims(session: Session, filters: BatchFilters, actor: Any) -> Selection:
    """The claims a batch built now by ``actor`` would pay, and every one it leaves out.
    ``actor``: an app.services.lifecycle.rules.Actor (its linked member is read once)."""
    selection = Selection()
    claims = _candidates(session, filters)
    batched = _batched(session, [c.id for c in claims])
    for claim in claims:
        member = claim.member
        if member.payout_method not in (None, filters.method):
            continue  # paid by another method: outside this batch's filters
        reason, message = None, None
        if not is_payable(claim):
            reason, message = NOT_RATIFIED, "The decision awaits ratification at a meeting."
        elif claim.id in batched:
            reason, message = ALREADY_BATCHED, "Already in a payment batch."
        elif (conflict := conflict_of(claim, actor)) is not None:
            reason, message = CONFLICT_OF_INTEREST, conflict
        elif (blocker := payout_blocker(member, filters.method)) is not None:
            reason, message = PAYOUT_DETAILS, blocker
        elif claim.total_approved <= 0:
            reason, message = NOTHING_TO_PAY, "The approved amount is zero."
        if reason is None:
            selection.included.append(claim)
        else:
            selection.excluded.append(Exclusion(
                claim.id, claim.claim_number, f"{member.member_number} {member.full_name}",
                claim.total_approved, reason, message))
    return selection
