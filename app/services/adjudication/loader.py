"""Read the facts the engine needs from the database, and write its working back.

Everything that needs a query lives here: the scale row effective on the treatment date, the
provider's overrides, eligibility (duplicates, cover, chronic approval), the chronic allowance
left this month, and what is left of the patient's annual limits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    BenefitCategory,
    ChronicRequest,
    Claim,
    ClaimItem,
    ProviderRateOverride,
    ScaleItem,
)
from app.models.base import ZERO, utcnow
from app.services.adjudication.engine import adjudicate
from app.services.adjudication.facts import (
    ClaimFacts,
    ClaimWorking,
    EligibilityFacts,
    LineFacts,
    ScaleFacts,
)
from app.services.adjudication.reasons import join_codes
from app.services.calendar import age_on
from app.services.settings import get_setting

# Claims whose approved amounts count against limits and allowances.
DECIDED_PAYABLE = ("approved", "partially_approved", "paid")
# Claims that still count as the fund's business (for duplicates and the critical-illness flag).
DEAD = ("withdrawn", "rejected", "draft")


def days_admitted(claim: Claim) -> int | None:
    if claim.admission_date is None or claim.discharge_date is None:
        return None
    return max((claim.discharge_date - claim.admission_date).days, 1)


def benefit_year(treatment: date, start_month: int) -> tuple[date, date]:
    year = treatment.year if treatment.month >= start_month else treatment.year - 1
    start = date(year, start_month, 1)
    end = date(year + 1, start_month, 1) - timedelta(days=1)
    return start, end


def _same_patient(claim: Claim):
    dependent = (
        Claim.dependent_id.is_(None)
        if claim.dependent_id is None
        else Claim.dependent_id == claim.dependent_id
    )
    return sa.and_(Claim.member_id == claim.member_id, dependent)


def _received_earlier(claim: Claim):
    """Claims the fund received before this one (by date, then by id on the same day)."""
    if claim.received_on is None:
        return sa.false()
    return sa.and_(
        Claim.id != claim.id,
        Claim.received_on.is_not(None),
        Claim.status.not_in(("withdrawn", "rejected")),
        sa.or_(
            Claim.received_on < claim.received_on,
            sa.and_(Claim.received_on == claim.received_on, Claim.id < claim.id),
        ),
    )


def effective_scale_item(session: Session, item: ScaleItem, on: date) -> ScaleItem:
    """The row of the item's code effective on the treatment date (rows are versioned)."""
    if item.effective_from <= on and (item.effective_to is None or on <= item.effective_to):
        return item
    row = session.scalars(
        sa.select(ScaleItem)
        .where(ScaleItem.code == item.code, ScaleItem.effective_from <= on)
        .where(sa.or_(ScaleItem.effective_to.is_(None), ScaleItem.effective_to >= on))
        .order_by(ScaleItem.effective_from.desc())
        .limit(1)
    ).first()
    return row or item


def _eligibility(session: Session, claim: Claim, treatment: date) -> EligibilityFacts:
    member = claim.member
    valid = (
        member.valid_from is not None
        and member.valid_from <= treatment
        and (member.valid_to is None or treatment <= member.valid_to)
    )
    member_active = valid and member.status not in ("pending", "suspended")
    waiting = member.benefits_from is not None and treatment < member.benefits_from

    dependent = claim.dependent
    mtype = member.membership_type
    if dependent is None:
        covered = True
    elif dependent.status != "active" or dependent.member_id != member.id:
        covered = False
    elif dependent.relationship_type == "spouse":
        covered = mtype.covers_spouse
    else:
        covered = mtype.covers_children and (
            age_on(dependent.date_of_birth, treatment) < mtype.child_age_limit
        )

    late = False
    if claim.received_on is not None:
        if claim.treated_abroad and claim.return_date is not None:
            late = (claim.received_on - claim.return_date).days > int(
                get_setting("abroad_submission_days")
            )
        else:
            end = claim.discharge_date or claim.first_visit_date or treatment
            late = (claim.received_on - end).days > int(get_setting("late_submission_days"))

    chronic_missing = False
    if claim.claim_type == "chronic":
        request = claim.chronic_request
        chronic_missing = not (
            request is not None
            and request.status == "approved"
            and request.member_id == member.id
            and request.dependent_id == claim.dependent_id
            and request.valid_from is not None
            and request.valid_from <= treatment
            and (request.valid_to is None or treatment <= request.valid_to)
        )

    duplicate = session.scalar(
        sa.select(sa.func.count(Claim.id)).where(
            _received_earlier(claim),
            _same_patient(claim),
            Claim.provider_id == claim.provider_id,
            Claim.treatment_date == treatment,
            Claim.total_claimed == claim.total_claimed,
        )
    )
    return EligibilityFacts(
        member_active=member_active,
        within_waiting_period=waiting,
        patient_covered=covered,
        late=late,
        chronic_approval_missing=chronic_missing,
        excluded_cause=claim.excluded_cause is not None,
        duplicate_claim=bool(duplicate),
    )


def _duplicate_receipts(session: Session, claim: Claim) -> set[str]:
    numbers = {i.receipt_number for i in claim.items if i.receipt_number}
    if not numbers:
        return set()
    rows = session.scalars(
        sa.select(ClaimItem.receipt_number)
        .join(Claim, ClaimItem.claim_id == Claim.id)
        .where(
            _received_earlier(claim),
            Claim.provider_id == claim.provider_id,
            ClaimItem.receipt_number.in_(numbers),
        )
    )
    return set(rows)


def _chronic_remaining(session: Session, claim: Claim, treatment: date) -> Decimal | None:
    request = claim.chronic_request
    if claim.claim_type != "chronic" or request is None:
        return None
    allowance = request.approved_monthly_amount or ZERO
    month_start = treatment.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    used = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Claim.total_approved), 0)).where(
            Claim.chronic_request_id == request.id,
            Claim.id != claim.id,
            Claim.status.in_(DECIDED_PAYABLE),
            Claim.treatment_date >= month_start,
            Claim.treatment_date < next_month,
        )
    )
    return allowance - Decimal(used)


def _limit_remaining(session: Session, claim: Claim, treatment: date) -> dict[str, Decimal | None]:
    start, end = benefit_year(treatment, int(get_setting("benefit_year_start_month")))
    in_year = sa.and_(_same_patient(claim), Claim.treatment_date.between(start, end))
    used_rows = session.execute(
        sa.select(ClaimItem.benefit_category_id, sa.func.sum(ClaimItem.approved_amount))
        .join(Claim, ClaimItem.claim_id == Claim.id)
        .where(in_year, Claim.id != claim.id, Claim.status.in_(DECIDED_PAYABLE))
        .group_by(ClaimItem.benefit_category_id)
    ).all()
    used = {category_id: Decimal(total or 0) for category_id, total in used_rows}
    critical = claim.critical_illness or bool(
        session.scalar(
            sa.select(sa.func.count(Claim.id)).where(
                in_year, Claim.id != claim.id, Claim.critical_illness.is_(True),
                Claim.status.not_in(DEAD),
            )
        )
    )
    remaining: dict[str, Decimal | None] = {}
    for category in session.scalars(sa.select(BenefitCategory)):
        if category.annual_limit is None:
            remaining[category.key] = None
            continue
        limit = category.annual_limit
        if critical and category.key == "general":
            limit += category.critical_illness_top_up
        remaining[category.key] = limit - used.get(category.id, ZERO)
    return remaining


def load_facts(session: Session, claim: Claim) -> tuple[ClaimFacts, list[ScaleItem | None]]:
    treatment = claim.treatment_date or claim.first_visit_date or claim.admission_date
    overrides = session.scalars(
        sa.select(ProviderRateOverride).where(ProviderRateOverride.provider_id == claim.provider_id)
    ).all()
    by_item_code = {o.scale_item.code: o.rate_percent for o in overrides if o.scale_item}
    by_type = {o.claim_type: o.rate_percent for o in overrides if o.claim_type}
    duplicates = _duplicate_receipts(session, claim)
    lines, rows = [], []
    for item in claim.items:
        row = effective_scale_item(session, item.scale_item, treatment) if item.scale_item else None
        rows.append(row)
        scale = None
        if row is not None:
            scale = ScaleFacts(
                code=row.code, category=row.benefit_category.key,
                applies=row.applies_to(claim.claim_type), excluded=row.excluded, unit=row.unit,
                rate_percent=row.rate_percent, fee_cap=row.fee_cap, max_per_day=row.max_per_day,
                role=row.role, item_override_percent=by_item_code.get(row.code),
            )
        lines.append(LineFacts(
            line_no=item.line_no, quantity=item.quantity, claimed=item.claimed_amount,
            scale=scale, duplicate_receipt=item.receipt_number in duplicates,
            override=item.override_amount,
        ))
    facts = ClaimFacts(
        claim_type=claim.claim_type,
        days=days_admitted(claim),
        lines=tuple(lines),
        eligibility=_eligibility(session, claim, treatment),
        statutory_rebate_per_day=claim.statutory_rebate_per_day or ZERO,
        other_insurance_benefit=claim.other_insurance_benefit or ZERO,
        hospital_discount=claim.hospital_discount or ZERO,
        type_override_percent=by_type.get(claim.claim_type),
        chronic_remaining=_chronic_remaining(session, claim, treatment),
        limit_remaining=_limit_remaining(session, claim, treatment),
    )
    return facts, rows


def _late_notice(claim: Claim) -> bool:
    if claim.admission_date is None or claim.admission_notified_at is None:
        return False
    admitted = datetime.combine(claim.admission_date, datetime.min.time())
    hours = (claim.admission_notified_at - admitted).total_seconds() / 3600
    return hours > int(get_setting("admission_notice_hours"))


def adjudicate_claim(session: Session, claim: Claim) -> ClaimWorking:
    """Run the engine on the claim and store every number of the working on it."""
    facts, rows = load_facts(session, claim)
    working = adjudicate(facts)
    categories = {c.key: c.id for c in session.scalars(sa.select(BenefitCategory))}
    for item, line, row in zip(claim.items, working.lines, rows):
        item.benefit_category_id = categories.get(line.category) if line.category else None
        item.allowed_quantity = line.allowed_quantity
        item.after_quantity = line.after_quantity
        item.rebate_deduction = line.rebate_deduction
        item.other_insurance_deduction = line.other_insurance_deduction
        item.net_claimed = line.net_claimed
        item.rate_percent = line.rate_percent
        item.rated_amount = line.rated
        item.fee_cap_total = line.fee_cap_total
        item.discount_deduction = line.discount_deduction
        item.chronic_cut = line.chronic_cut
        item.eligible_amount = line.eligible
        item.limit_cut = line.limit_cut
        item.approved_amount = line.approved
        item.reason_codes = join_codes(line.reason_codes) or None
    claim.days_admitted = working.days
    claim.statutory_rebate_total = working.statutory_rebate_total
    claim.total_eligible = working.total_eligible
    claim.total_approved = working.total_approved
    claim.reason_codes = join_codes(working.reason_codes) or None
    claim.recommended_outcome = working.outcome
    claim.late_admission_notice = _late_notice(claim)
    claim.adjudicated_at = utcnow()
    return working
