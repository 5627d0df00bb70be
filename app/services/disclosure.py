"""When a member sees the fund's decision on his claim.

The engine works out eligible and approved amounts and reason codes as soon as a claim is
submitted, and again during the review. Those numbers are the reviewers' working, not the
fund's answer: shown to the member while the claim is undecided, they read as a promise the
committee may not keep. A member sees them once the claim is decided (approved, partially
approved, rejected, paid), and while he appeals a decision (appealed, trustee review) he keeps
seeing the decision he appeals. A claim sent back to review after an appeal is undecided
again. The fund's staff always see everything.

The web pages and the REST resources ask this module, so the rule is written once.
"""

from __future__ import annotations

from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.access import is_restricted
from app.models import Claim, ClaimItem

DISCLOSED_STATUSES = frozenset(
    {"approved", "partially_approved", "rejected", "paid", "appealed", "trustee_review"}
)
# The claim's adjudication results a member does not see before the decision.
CLAIM_RESULTS = ("total_eligible", "total_approved", "reason_codes", "recommended_outcome",
                 "excluded_cause", "critical_illness", "late_admission_notice",
                 "statutory_rebate_total", "adjudicated_at")
# Each line's working (the processing form's steps) and results.
ITEM_RESULTS = ("allowed_quantity", "after_quantity", "rebate_deduction",
                "other_insurance_deduction", "net_claimed", "rate_percent", "rated_amount",
                "fee_cap_total", "discount_deduction", "chronic_cut", "eligible_amount",
                "limit_cut", "approved_amount", "override_amount", "override_reason",
                "reason_codes")


def decision_shown(status: str | None, user: Any) -> bool:
    """Whether ``user`` sees the adjudication results of a claim in ``status``."""
    return user is None or not is_restricted(user) or status in DISCLOSED_STATUSES


def undecided_claim_ids(session: Session, claim_ids: Iterable[int]) -> set[int]:
    """Those of ``claim_ids`` whose decision a member does not see yet."""
    ids = [i for i in claim_ids if isinstance(i, int)]
    if not ids:
        return set()
    return set(session.scalars(
        sa.select(Claim.id).where(Claim.id.in_(ids),
                                  Claim.status.not_in(DISCLOSED_STATUSES))
    ))


def items_of_undecided_claims(session: Session, item_ids: Iterable[int]) -> set[int]:
    """Those of ``item_ids`` whose claim's decision a member does not see yet."""
    ids = [i for i in item_ids if isinstance(i, int)]
    if not ids:
        return set()
    return set(session.scalars(
        sa.select(ClaimItem.id).join(Claim, Claim.id == ClaimItem.claim_id)
        .where(ClaimItem.id.in_(ids), Claim.status.not_in(DISCLOSED_STATUSES))
    ))
