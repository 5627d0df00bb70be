"""What must hold for every write, whichever path makes it (form, REST, CLI, services).

Registered once on SQLAlchemy's Session: numbers are allocated, derived fields derived, before
every flush.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.models import Claim, ClaimItem, Member
from app.models.base import ZERO
from app.services.calendar import fund_today
from app.services.membership import validity
from app.services.numbering import next_claim_number, next_member_number

CENT = Decimal("0.01")


def line_amount(quantity: int, unit_cost: Decimal) -> Decimal:
    return (Decimal(quantity) * Decimal(unit_cost)).quantize(CENT, rounding=ROUND_HALF_UP)


def _derive_member(member: Member) -> None:
    if member.contribution_receipt_date is not None and member.membership_type is not None:
        member.valid_from, member.valid_to, member.benefits_from = validity(
            member.membership_type, member.contribution_receipt_date
        )


def _derive_claim_totals(claim: Claim, session: Session) -> None:
    live = [item for item in claim.items if item not in session.deleted]
    next_line = max((item.line_no or 0 for item in live), default=0)
    for item in live:
        if item.line_no is None:
            next_line += 1
            item.line_no = next_line
        if item.quantity is not None and item.unit_cost is not None:
            item.claimed_amount = line_amount(item.quantity, item.unit_cost)
    claim.total_claimed = sum((item.claimed_amount or ZERO for item in live), ZERO)


def derive_claim(claim: Claim, session: Session) -> None:
    """A claim's derived fields: treatment date, line numbers and amounts, total claimed."""
    claim.treatment_date = claim.first_visit_date or claim.admission_date
    _derive_claim_totals(claim, session)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    claims: set[Claim] = set()
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Member):
            if not obj.member_number:
                obj.member_number = next_member_number(session)
            _derive_member(obj)
        elif isinstance(obj, Claim):
            if not obj.claim_number:
                obj.claim_number = next_claim_number(session, fund_today().year)
            claims.add(obj)
        elif isinstance(obj, ClaimItem) and obj.claim is not None:
            claims.add(obj.claim)
    for obj in session.deleted:
        owner = obj.claim if isinstance(obj, ClaimItem) else None
        if owner is not None and owner not in session.deleted:
            claims.add(owner)
    for claim in claims:
        if claim not in session.deleted:
            derive_claim(claim, session)
