"""Read the facts the engine needs from the database, and write its working back.

Everything that needs a query lives here: the scale row effective on the treatment date, the
provider's overrides, eligibility (duplicates, cover, chronic approval), the chronic allowance
left this month, and what is left of the patient's annual limits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Claim, ScaleItem
from app.models.base import ZERO, utcnow
from app.services.adjudication import queries
from app.services.adjudication.engine import adjudicate
from app.services.adjudication.facts import (
    ClaimFacts,
    ClaimWorking,
    EligibilityFacts,
    LineFacts,
    ScaleFacts,
)
from app.services.adjudication.queries import DEAD, DECIDED_PAYABLE  # noqa: F401 (re-exported)
from app.services.adjudication.reasons import join_codes
from app.services.adjudication.reference import Category, categories, provider_rates
from app.services.calendar import age_on, fund_timezone
from app.services.settings import get_setting


def days_admitted(claim: Claim) -> int | None:
    if claim.admission_date is None or claim.discharge_date is None:
        return None
    return max((claim.discharge_date - claim.admission_date).days, 1)


def benefit_year(treatment: date, start_month: int) -> tuple[date, date]:
    year = treatment.year if treatment.month >= start_month else treatment.year - 1
    start = date(year, start_month, 1)
    end = date(year + 1, start_month, 1) - timedelta(days=1)
    return start, end


def effective_scale_item(session: Session, item: ScaleItem, on: date) -> ScaleItem | None:
    """The row of the item's code effective on the treatment date (rows are versioned); None
    when the scale had no such item then (the line is not covered)."""
    if item.effective_from <= on and (item.effective_to is None or on <= item.effective_to):
        return item
    row = session.scalars(
        sa.select(ScaleItem)
        .where(ScaleItem.code == item.code, ScaleItem.effective_from <= on)
        .where(sa.or_(ScaleItem.effective_to.is_(None), ScaleItem.effective_to >= on))
        .order_by(ScaleItem.effective_from.desc())
        .limit(1)
    ).first()
    return row


def _eligibility(claim: Claim, treatment: date, duplicate: bool) -> EligibilityFacts:
    member = claim.member
    valid = (
        member.valid_from is not None
        and member.valid_from <= treatment
        and (member.valid_to is None or treatment <= member.valid_to)
    )
    status_then = claim.member_status_at_submission or member.status
    member_active = valid and status_then not in ("pending", "suspended")
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

    return EligibilityFacts(
        member_active=member_active,
        within_waiting_period=waiting,
        patient_covered=covered,
        late=late,
        chronic_approval_missing=chronic_missing,
        excluded_cause=claim.excluded_cause is not None,
        duplicate_claim=duplicate,
    )


def _chronic_remaining(session: Session, claim: Claim, treatment: date) -> Decimal | None:
    if claim.claim_type != "chronic":
        return None
    request = claim.chronic_request
    if request is None:
        return None
    allowance = request.approved_monthly_amount or ZERO
    month_start = treatment.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    used = queries.chronic_used(session, request.id, claim.id, month_start, next_month)
    return allowance - used


def patient_limits(
    session: Session,
    member_id: int,
    dependent_id: int | None,
    on: date,
    *,
    except_claim_id: int | None = None,
    flagged: bool = False,
) -> list[tuple[Category, Decimal | None, Decimal]]:
    """Each benefit category with the patient's limit in the benefit year of ``on`` (None: no
    annual limit; the critical-illness top-up added to ``general`` when this year has a flagged
    claim, or ``flagged``) and what decided claims other than ``except_claim_id`` approved in it.

    The one computation of limits: the adjudication cuts lines by it, the member's benefit
    balance shows it.
    """
    year = benefit_year(on, int(get_setting("benefit_year_start_month")))
    used, flagged_this_year = queries.limits_used(session, member_id, dependent_id, year,
                                                  except_claim_id)
    return _standing(session, used, flagged or flagged_this_year)


def _standing(
    session: Session, used: dict[int, Decimal], critical: bool
) -> list[tuple[Category, Decimal | None, Decimal]]:
    standing = []
    for category in categories(session):
        limit = category.annual_limit
        if limit is not None and critical and category.key == "general":
            limit += category.critical_illness_top_up
        standing.append((category, limit, used.get(category.id, ZERO)))
    return standing


def _history(session: Session, claim: Claim, treatment: date) -> queries.ClaimHistory:
    numbers = {item.receipt_number for item in claim.items if item.receipt_number}
    year = benefit_year(treatment, int(get_setting("benefit_year_start_month")))
    return queries.claim_history(session, claim, treatment, numbers, year)


def _limit_remaining(session: Session, claim: Claim, treatment: date,
                     history: queries.ClaimHistory | None = None) -> dict[str, Decimal | None]:
    """What is left of each of the patient's limits for this claim: the same standing as
    ``patient_limits``, from the history read with the claim's other facts."""
    history = history or _history(session, claim, treatment)
    critical = claim.critical_illness or history.critical_illness
    return {
        category.key: None if limit is None else limit - used
        for category, limit, used in _standing(session, history.used, critical)
    }


def load_facts(session: Session, claim: Claim) -> tuple[ClaimFacts, list[ScaleItem | None]]:
    treatment = claim.treatment_date or claim.first_visit_date or claim.admission_date
    rates = provider_rates(session, claim.provider_id)
    category_keys = {c.id: c.key for c in categories(session)}
    history = _history(session, claim, treatment)
    duplicates = history.duplicate_receipts
    lines, rows = [], []
    for item in claim.items:
        row = effective_scale_item(session, item.scale_item, treatment) if item.scale_item else None
        rows.append(row)
        scale = None
        if row is not None:
            scale = ScaleFacts(
                code=row.code, category=category_keys[row.benefit_category_id],
                applies=row.applies_to(claim.claim_type), excluded=row.excluded, unit=row.unit,
                rate_percent=row.rate_percent, fee_cap=row.fee_cap, max_per_day=row.max_per_day,
                role=row.role, item_override_percent=rates.by_item_code.get(row.code),
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
        eligibility=_eligibility(claim, treatment, history.duplicate_claims > 0),
        statutory_rebate_per_day=claim.statutory_rebate_per_day or ZERO,
        other_insurance_benefit=claim.other_insurance_benefit or ZERO,
        hospital_discount=claim.hospital_discount or ZERO,
        type_override_percent=rates.by_claim_type.get(claim.claim_type),
        chronic_remaining=_chronic_remaining(session, claim, treatment),
        limit_remaining=_limit_remaining(session, claim, treatment, history),
    )
    return facts, rows


def _late_notice(claim: Claim) -> bool:
    if claim.admission_date is None or claim.admission_notified_at is None:
        return False
    # The admission day starts at midnight in the fund's time zone; timestamps are naive UTC.
    local = datetime.combine(claim.admission_date, datetime.min.time(), tzinfo=fund_timezone())
    admitted = local.astimezone(timezone.utc).replace(tzinfo=None)
    hours = (claim.admission_notified_at - admitted).total_seconds() / 3600
    return hours > int(get_setting("admission_notice_hours"))


def _store(record: object, values: dict[str, object]) -> bool:
    """Set the values that differ from the record's; True when any did. An equal value is not
    set again, so the record's history shows only real changes."""
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def adjudicate_claim(session: Session, claim: Claim) -> ClaimWorking:
    """Run the engine on the claim and store every number of the working on it."""
    facts, _scale_rows = load_facts(session, claim)
    working = adjudicate(facts)
    category_ids = {c.key: c.id for c in categories(session)}
    changed = False
    for item, line in zip(claim.items, working.lines, strict=True):
        changed |= _store(item, {
            "benefit_category_id": category_ids.get(line.category) if line.category else None,
            "allowed_quantity": line.allowed_quantity,
            "after_quantity": line.after_quantity,
            "rebate_deduction": line.rebate_deduction,
            "other_insurance_deduction": line.other_insurance_deduction,
            "net_claimed": line.net_claimed,
            "rate_percent": line.rate_percent,
            "rated_amount": line.rated,
            "fee_cap_total": line.fee_cap_total,
            "discount_deduction": line.discount_deduction,
            "chronic_cut": line.chronic_cut,
            "eligible_amount": line.eligible,
            "limit_cut": line.limit_cut,
            "approved_amount": line.approved,
            "reason_codes": join_codes(line.reason_codes) or None,
        })
    changed |= _store(claim, {
        "days_admitted": working.days,
        "statutory_rebate_total": working.statutory_rebate_total,
        "total_eligible": working.total_eligible,
        "total_approved": working.total_approved,
        "reason_codes": join_codes(working.reason_codes) or None,
        "recommended_outcome": working.outcome,
        "late_admission_notice": _late_notice(claim),
    })
    # Re-running on an unchanged claim changes nothing, not even the time or the version.
    if changed or claim.adjudicated_at is None:
        claim.adjudicated_at = utcnow()
    return working
