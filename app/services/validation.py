"""Rules on a record's own fields, shared by the web forms, the REST API and the CLI.

Each ``*_errors`` function takes a model instance (new or existing, possibly not yet flushed) and
returns ``{field: message}``; ``check(...)`` raises :class:`ValidationFailed` when any rule fails.
The database repeats what it can (CHECK constraints) as the last line of defence.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    ChronicRequest,
    Claim,
    ClaimItem,
    Dependent,
    Member,
    ProviderRateOverride,
    ScaleItem,
    Setting,
)
from app.services.calendar import age_on, fund_today
from app.services.errors import ValidationFailed
from app.services.payments.payees import payout_errors

MONEY_MAX = Decimal("999999999999.99")
NOT_HIS_PATIENT = "The patient must be the member or one of his dependents."
# SPEC: a claim's or chronic request's patient is the member or one of his dependents covered
# now; a dependent still pending the committee's confirmation, or removed, is not.
COVERED_DEPENDENT = "active"


def money_error(value: Any, *, allow_none: bool = True) -> str | None:
    if value is None or value == "":
        return None if allow_none else "This field is required."
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "Enter an amount such as 1500.00."
    if not amount.is_finite():
        return "Enter an amount such as 1500.00."
    if amount < 0:
        return "The amount cannot be negative."
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        return "Use at most 2 decimal places."
    if amount > MONEY_MAX:
        return "The amount is too large."
    return None


def not_future_error(value: date | None, today: date) -> str | None:
    if value is not None and value > today:
        return "The date cannot be in the future."
    return None


def _collect(pairs: list[tuple[str, str | None]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for field, message in pairs:
        if message and field not in errors:
            errors[field] = message
    return errors


def member_errors(member: Member, today: date | None = None) -> dict[str, str]:
    today = today or fund_today()
    pairs = [
        ("date_of_birth", not_future_error(member.date_of_birth, today)),
        (
            "contribution_receipt_date",
            not_future_error(member.contribution_receipt_date, today),
        ),
    ]
    # Checked when entered, so that a batch rarely finds a member it cannot pay.
    pairs.extend(payout_errors(member).items())
    return _collect(pairs)


def dependent_errors(dependent: Dependent, today: date | None = None) -> dict[str, str]:
    today = today or fund_today()
    pairs: list[tuple[str, str | None]] = [
        ("date_of_birth", not_future_error(dependent.date_of_birth, today))
    ]
    member = dependent.member
    mtype = member.membership_type if member is not None else None
    if mtype is not None and dependent.status != "removed":
        if dependent.relationship_type == "spouse":
            if not mtype.covers_spouse:
                pairs.append(
                    ("relationship_type", f"A {mtype.name} membership does not cover a spouse.")
                )
            elif any(
                other is not dependent
                # an edit form validates a copy of the stored record: the same id is the same person
                and (dependent.id is None or other.id != dependent.id)
                and other.relationship_type == "spouse"
                and other.status != "removed"
                for other in member.dependents
            ):
                pairs.append(("relationship_type", "The member already has a spouse covered."))
        elif dependent.relationship_type == "child":
            if not mtype.covers_children:
                pairs.append(
                    ("relationship_type", f"A {mtype.name} membership does not cover children.")
                )
            elif (
                dependent.date_of_birth is not None
                and age_on(dependent.date_of_birth, today) >= mtype.child_age_limit
            ):
                pairs.append(
                    (
                        "date_of_birth",
                        f"A child must be under {mtype.child_age_limit} to be covered.",
                    )
                )
    return _collect(pairs)


def claim_errors(claim: Claim, today: date | None = None) -> dict[str, str]:
    today = today or fund_today()
    pairs: list[tuple[str, str | None]] = [
        ("first_visit_date", not_future_error(claim.first_visit_date, today)),
        ("admission_date", not_future_error(claim.admission_date, today)),
        ("discharge_date", not_future_error(claim.discharge_date, today)),
        ("received_on", not_future_error(claim.received_on, today)),
        ("return_date", not_future_error(claim.return_date, today)),
    ]
    for field in ("statutory_rebate_per_day", "other_insurance_benefit", "hospital_discount"):
        pairs.append((field, money_error(getattr(claim, field))))
    if claim.claim_type == "inpatient":
        if claim.admission_date is None:
            pairs.append(("admission_date", "An inpatient claim needs the admission date."))
        if claim.discharge_date is None:
            pairs.append(("discharge_date", "An inpatient claim needs the discharge date."))
    elif claim.claim_type is not None and claim.first_visit_date is None:
        pairs.append(("first_visit_date", "Enter the date of the first visit."))
    if (
        claim.admission_date is not None
        and claim.discharge_date is not None
        and claim.discharge_date < claim.admission_date
    ):
        pairs.append(("discharge_date", "The discharge cannot be before the admission."))
    if claim.treated_abroad and claim.return_date is None:
        pairs.append(("return_date", "Treatment abroad needs the date of return."))
    treatment = claim.first_visit_date or claim.admission_date
    if claim.return_date is not None and treatment is not None and claim.return_date < treatment:
        pairs.append(("return_date", "The return cannot be before the treatment."))
    if claim.received_on is not None and treatment is not None and claim.received_on < treatment:
        pairs.append(("received_on", "The fund cannot receive a claim before the treatment."))
    pairs.append(("dependent", patient_error(claim)))
    request = claim.chronic_request
    if request is not None:
        if claim.claim_type != "chronic":
            pairs.append(("chronic_request", "Only a chronic claim draws on a chronic request."))
        elif claim.member is not None and request.member_id != claim.member.id:
            pairs.append(("chronic_request", "The chronic request belongs to another member."))
    return _collect(pairs)


def patient_error(record: Claim | ChronicRequest) -> str | None:
    """The patient of a claim or chronic request: the member himself (no dependent) or one of
    his dependents, an active one when he is chosen: on a new record, or when the patient is
    changed. A draft keeps the patient it was made for: its dependent removed meanwhile, it can
    still be submitted, and the adjudication answers PATIENT_NOT_COVERED for it."""
    dependent, member = record.dependent, record.member
    if dependent is None:
        return None
    if member is not None and dependent.member_id != member.id:
        return NOT_HIS_PATIENT
    if dependent.status != COVERED_DEPENDENT and _patient_chosen_now(record, dependent.id):
        return (f"{dependent.full_name} is not covered now ({dependent.status}): "
                "the patient must be the member or one of his active dependents.")
    return None


def _patient_chosen_now(record: Claim | ChronicRequest, dependent_id: int | None) -> bool:
    """Whether ``record`` is new or names another patient than the one stored. The web
    forms check a copy of the stored record and REST the record itself, changed but not yet
    flushed: only the database still holds the patient as stored."""
    if record.id is None:
        return True
    model = type(record)
    with db.session.no_autoflush:
        stored = db.session.execute(
            sa.select(model.dependent_id).where(model.id == record.id)).first()
    return stored is None or stored.dependent_id != dependent_id


def claim_item_errors(item: ClaimItem) -> dict[str, str]:
    pairs: list[tuple[str, str | None]] = [
        ("unit_cost", money_error(item.unit_cost, allow_none=False))
    ]
    if item.quantity is None or item.quantity <= 0:
        pairs.append(("quantity", "The quantity must be above 0."))
    if not (item.description or "").strip():
        pairs.append(("description", "Describe the item."))
    return _collect(pairs)


def percent_error(value: Any) -> str | None:
    if value is None or value == "":
        return None
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "Enter a percentage such as 80."
    if not rate.is_finite() or rate < 0 or rate > 100:
        return "The rate must be between 0 and 100 percent."
    if rate.as_tuple().exponent < -2:  # type: ignore[operator]
        return "Use at most 2 decimal places."
    return None


def scale_item_errors(item: ScaleItem) -> dict[str, str]:
    pairs: list[tuple[str, str | None]] = [
        ("rate_percent", percent_error(item.rate_percent)),
        ("fee_cap", money_error(item.fee_cap)),
    ]
    if not item.claim_types or not ScaleItem.valid_claim_types(item.claim_types):
        pairs.append(("claim_types", "Choose the claim types the item applies to."))
    if item.max_per_day is not None and item.max_per_day <= 0:
        pairs.append(("max_per_day", "The units per day must be above 0, or left empty."))
    if (
        item.effective_to is not None
        and item.effective_from is not None
        and item.effective_to < item.effective_from
    ):
        pairs.append(("effective_to", "The end cannot be before the start."))
    return _collect(pairs)


def rate_override_errors(override: ProviderRateOverride) -> dict[str, str]:
    pairs: list[tuple[str, str | None]] = [("rate_percent", percent_error(override.rate_percent))]
    if (override.claim_type is None) == (override.scale_item is None):
        pairs.append(("claim_type", "Choose either a claim type or a scale item, not both."))
    return _collect(pairs)


def chronic_request_errors(request: ChronicRequest) -> dict[str, str]:
    pairs: list[tuple[str, str | None]] = [
        (
            "requested_monthly_amount",
            money_error(request.requested_monthly_amount, allow_none=False),
        )
    ]
    pairs.append(("dependent", patient_error(request)))
    return _collect(pairs)


def setting_errors(setting: Setting) -> dict[str, str]:
    value = (setting.value or "").strip()
    message = None
    if setting.value_type == "int" and not value.lstrip("-").isdigit():
        message = "Enter a whole number."
    elif setting.value_type == "decimal":
        try:
            finite = Decimal(value).is_finite()
        except InvalidOperation:
            finite = False
        if not finite:
            message = "Enter a number such as 0.25."
    elif setting.value_type == "bool" and value.lower() not in ("true", "false"):
        message = "Enter true or false."
    return _collect([("value", message)])


def check(errors_of: Callable[..., dict[str, str]], record: Any) -> None:
    errors = errors_of(record)
    if errors:
        raise ValidationFailed(errors)
