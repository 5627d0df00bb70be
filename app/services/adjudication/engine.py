"""The fund's money rules (SPEC "Adjudication (money)"), steps 1 to 8, on Decimal.

A pure function of :class:`ClaimFacts`: the same facts always give the same working, which makes
re-adjudication idempotent and every rule testable with worked numbers.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from app.services.adjudication import reasons as rc
from app.services.adjudication.facts import ZERO, ClaimFacts, ClaimWorking, LineWorking

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# An override that pays an unlisted item counts against this category's limit.
OVERRIDE_CATEGORY = "general"


def money(value: Decimal) -> Decimal:
    """Round half-up to 2 places."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _eligibility_codes(facts: ClaimFacts) -> list[str]:
    e = facts.eligibility
    checks = (
        (not e.member_active, rc.MEMBER_NOT_ACTIVE),
        (e.within_waiting_period, rc.WAITING_PERIOD),
        (not e.patient_covered, rc.PATIENT_NOT_COVERED),
        (e.late, rc.LATE_SUBMISSION),
        (e.chronic_approval_missing, rc.NO_CHRONIC_APPROVAL),
        (e.excluded_cause, rc.EXCLUDED_CAUSE),
        (e.duplicate_claim, rc.DUPLICATE_CLAIM),
    )
    return [code for failed, code in checks if failed]


def _take(amount: Decimal, available: Decimal) -> tuple[Decimal, Decimal]:
    """Take up to ``available`` from ``amount``; never below 0. Returns (taken, left)."""
    taken = min(amount, available)
    return taken, available - taken


def adjudicate(facts: ClaimFacts) -> ClaimWorking:
    lines = [
        LineWorking(line_no=lf.line_no, claimed=money(lf.claimed), quantity=lf.quantity,
                    category=lf.scale.category if lf.scale else None)
        for lf in facts.lines
    ]
    claim_codes = _eligibility_codes(facts)
    days = facts.days
    rebate_total = money(facts.statutory_rebate_per_day * days) if days else ZERO

    if not claim_codes:
        _steps_2_to_7(facts, lines, rebate_total)
    total_claimed = sum((w.claimed for w in lines), ZERO)
    total_eligible = sum((w.eligible for w in lines), ZERO)
    total_approved = sum((w.approved for w in lines), ZERO)
    # Step 8 (an override above the eligible amount still counts as approved in full).
    if total_approved > 0 and total_approved >= total_eligible:
        outcome = "approved"
    elif total_approved > 0:
        outcome = "partially_approved"
    else:
        outcome = "rejected"
    return ClaimWorking(
        lines=lines,
        reason_codes=claim_codes,
        days=days,
        statutory_rebate_total=rebate_total,
        total_claimed=total_claimed,
        total_eligible=total_eligible,
        total_approved=total_approved,
        outcome=outcome,
    )


def _steps_2_to_7(facts: ClaimFacts, lines: list[LineWorking], rebate_total: Decimal) -> None:
    pairs = list(zip(facts.lines, lines, strict=True))

    # Step 1, line level, and coverage.
    for lf, w in pairs:
        if lf.duplicate_receipt:
            w.reason_codes.append(rc.DUPLICATE_RECEIPT)
        elif lf.scale is None or not lf.scale.applies:
            w.reason_codes.append(rc.NOT_COVERED)
        elif lf.scale.excluded:
            w.reason_codes.append(rc.EXCLUDED)
        else:
            w.covered = True

    # Step 2: quantity caps per scale item across lines, claims with days only.
    units_left: dict[str, int] = {}
    for lf, w in pairs:
        if not w.covered:
            continue
        w.allowed_quantity = lf.quantity
        w.after_quantity = w.claimed
        k = lf.scale.max_per_day if lf.scale else None
        if facts.days and k:
            left = units_left.setdefault(lf.scale.code, k * facts.days)
            w.allowed_quantity = min(lf.quantity, left)
            units_left[lf.scale.code] = left - w.allowed_quantity
            if w.allowed_quantity < lf.quantity:
                w.after_quantity = money(w.claimed * w.allowed_quantity / lf.quantity)
                w.reason_codes.append(rc.QUANTITY_CAP)

    # Step 3: deductions before the rate, item order, never below 0, leftovers dropped.
    rebate_left = rebate_total
    for lf, w in pairs:
        if w.covered and lf.scale.unit == "day":
            w.rebate_deduction, rebate_left = _take(w.after_quantity, rebate_left)
    other_left = money(facts.other_insurance_benefit)
    for w in lines:
        if w.covered:
            after_rebate = w.after_quantity - w.rebate_deduction
            w.other_insurance_deduction, other_left = _take(after_rebate, other_left)
            w.net_claimed = after_rebate - w.other_insurance_deduction

    # Step 4: rate and fee caps; the anaesthetist is capped at a third of the top surgery fee.
    surgery_caps = [
        lf.scale.fee_cap for lf, w in pairs
        if w.covered and lf.scale.role == "surgery" and lf.scale.fee_cap is not None
    ]
    for lf, w in pairs:
        if not w.covered:
            continue
        scale = lf.scale
        if scale.item_override_percent is not None:
            w.rate_percent = scale.item_override_percent
        elif facts.type_override_percent is not None:
            w.rate_percent = facts.type_override_percent
        else:
            w.rate_percent = scale.rate_percent
        w.rated = money(w.net_claimed * w.rate_percent / HUNDRED)
        unit_cap = scale.fee_cap
        if scale.role == "anaesthetist":
            if not surgery_caps:
                w.covered = False
                w.reason_codes.append(rc.NOT_COVERED)
                continue
            unit_cap = money(max(surgery_caps) / 3)
        w.capped = w.rated
        if unit_cap is not None:
            w.fee_cap_total = money(unit_cap * w.allowed_quantity)
            if w.fee_cap_total < w.rated:
                w.capped = w.fee_cap_total
                w.reason_codes.append(rc.SCALE_CAP)
        w.eligible = w.capped

    # Step 5: hospital discount off eligible amounts, item order.
    discount_left = money(facts.hospital_discount)
    for w in lines:
        if w.covered and discount_left > 0 and w.eligible > 0:
            w.discount_deduction, discount_left = _take(w.eligible, discount_left)
            w.eligible -= w.discount_deduction
            w.reason_codes.append(rc.DISCOUNT)

    # Step 6: chronic monthly allowance.
    if facts.chronic_remaining is not None:
        left = max(money(facts.chronic_remaining), ZERO)
        for w in lines:
            if w.covered:
                keep = min(w.eligible, left)
                w.chronic_cut = w.eligible - keep
                w.eligible, left = keep, left - keep
                if w.chronic_cut > 0:
                    w.reason_codes.append(rc.CHRONIC_CAP)

    # Step 7: the patient's annual limits per benefit category, item order. A committee
    # override replaces the line's eligible amount here and is limited all the same.
    remaining = dict(facts.limit_remaining)
    for lf, w in pairs:
        w.approved = w.eligible
        if lf.override is not None:
            w.approved = money(lf.override)
            w.category = w.category or OVERRIDE_CATEGORY
            w.reason_codes.append(rc.DISCRETION)
        elif not w.covered:
            continue
        if w.category is None:
            continue
        left = remaining.get(w.category)
        if left is None:
            continue  # no annual limit for this category
        left = money(max(left, ZERO))
        wanted = w.approved
        w.approved = min(wanted, left)
        w.limit_cut = wanted - w.approved
        remaining[w.category] = left - w.approved
        if w.limit_cut > 0:
            w.reason_codes.append(rc.LIMIT_EXCEEDED)
