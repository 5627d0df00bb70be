"""What the engine needs to know about a claim, as plain values (no database, no Flask).

The loader (``loader.py``) reads these facts from the database; tests build them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ScaleFacts:
    code: str
    category: str
    applies: bool  # to this claim's type
    excluded: bool
    unit: str
    rate_percent: Decimal
    fee_cap: Decimal | None
    max_per_day: int | None
    role: str | None  # "surgery", "anaesthetist" or None
    item_override_percent: Decimal | None = None  # the provider's rate for this scale item


@dataclass(frozen=True)
class LineFacts:
    line_no: int
    quantity: int
    claimed: Decimal
    scale: ScaleFacts | None  # None: unlisted item
    duplicate_receipt: bool = False
    # A committee override (DISCRETION): the amount to approve instead of the eligible one,
    # still within the remaining limit; it may pay an unlisted item (counted as general).
    override: Decimal | None = None


@dataclass(frozen=True)
class EligibilityFacts:
    """Claim-level facts for the SPEC's eligibility step, each decided by the loader's queries."""

    member_active: bool  # status allowed at submission and treatment within validity
    within_waiting_period: bool
    patient_covered: bool
    late: bool
    chronic_approval_missing: bool
    excluded_cause: bool
    duplicate_claim: bool


@dataclass(frozen=True)
class ClaimFacts:
    claim_type: str
    days: int | None  # days of admission; None for claims without admission
    lines: tuple[LineFacts, ...]
    eligibility: EligibilityFacts
    statutory_rebate_per_day: Decimal = ZERO
    other_insurance_benefit: Decimal = ZERO
    hospital_discount: Decimal = ZERO
    type_override_percent: Decimal | None = None  # the provider's rate for this claim type
    # Chronic claims: approved monthly amount left for the month of treatment; None otherwise.
    chronic_remaining: Decimal | None = None
    # Per benefit category: what is left of the patient's annual limit (None: no limit).
    limit_remaining: dict[str, Decimal | None] = field(default_factory=dict)


@dataclass
class LineWorking:
    """Every number of every step for one line (the fund's processing form)."""

    line_no: int
    claimed: Decimal
    quantity: int
    covered: bool = False
    allowed_quantity: int = 0
    after_quantity: Decimal = ZERO
    rebate_deduction: Decimal = ZERO
    other_insurance_deduction: Decimal = ZERO
    net_claimed: Decimal = ZERO
    rate_percent: Decimal | None = None
    rated: Decimal = ZERO
    fee_cap_total: Decimal | None = None
    capped: Decimal = ZERO
    discount_deduction: Decimal = ZERO
    chronic_cut: Decimal = ZERO
    eligible: Decimal = ZERO
    limit_cut: Decimal = ZERO
    approved: Decimal = ZERO
    category: str | None = None
    reason_codes: list[str] = field(default_factory=list)


@dataclass
class ClaimWorking:
    lines: list[LineWorking]
    reason_codes: list[str]
    days: int | None
    statutory_rebate_total: Decimal
    total_claimed: Decimal
    total_eligible: Decimal
    total_approved: Decimal
    outcome: str  # approved | partially_approved | rejected
