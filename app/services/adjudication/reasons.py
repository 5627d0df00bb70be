"""Reason codes and the plain words members see for them (SPEC "Reason codes")."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MEMBER_NOT_ACTIVE = "MEMBER_NOT_ACTIVE"
WAITING_PERIOD = "WAITING_PERIOD"
PATIENT_NOT_COVERED = "PATIENT_NOT_COVERED"
LATE_SUBMISSION = "LATE_SUBMISSION"
NO_CHRONIC_APPROVAL = "NO_CHRONIC_APPROVAL"
EXCLUDED_CAUSE = "EXCLUDED_CAUSE"
DUPLICATE_CLAIM = "DUPLICATE_CLAIM"
DUPLICATE_RECEIPT = "DUPLICATE_RECEIPT"
QUANTITY_CAP = "QUANTITY_CAP"
EXCLUDED = "EXCLUDED"
NOT_COVERED = "NOT_COVERED"
SCALE_CAP = "SCALE_CAP"
DISCOUNT = "DISCOUNT"
CHRONIC_CAP = "CHRONIC_CAP"
LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
DISCRETION = "DISCRETION"

REASON_TEXTS = {
    MEMBER_NOT_ACTIVE: _l("Your membership was not active on the treatment date."),
    WAITING_PERIOD: _l("The treatment was within your 90-day waiting period."),
    PATIENT_NOT_COVERED: _l("The patient is not covered by your membership."),
    LATE_SUBMISSION: _l("The claim reached the fund more than 90 days after treatment."),
    NO_CHRONIC_APPROVAL: _l("There is no approved chronic-illness request for this patient."),
    EXCLUDED_CAUSE: _l("The fund's by-laws exclude treatment for this cause."),
    DUPLICATE_CLAIM: _l("This claim was already submitted."),
    DUPLICATE_RECEIPT: _l("This receipt was already claimed."),
    QUANTITY_CAP: _l("More units were claimed than the scale allows per day."),
    EXCLUDED: _l("The fund does not pay for this item."),
    NOT_COVERED: _l("This item is not covered for this type of claim."),
    SCALE_CAP: _l("The fund pays up to its scale fee for this item."),
    DISCOUNT: _l("The hospital's discount was taken off."),
    CHRONIC_CAP: _l("Your approved monthly chronic allowance is used up."),
    LIMIT_EXCEEDED: _l("Your annual limit for this benefit is used up."),
    DISCRETION: _l("The committee adjusted this amount (reason given)."),
}

# Claim-level codes: any one of them rejects the whole claim.
ELIGIBILITY_CODES = (
    MEMBER_NOT_ACTIVE,
    WAITING_PERIOD,
    PATIENT_NOT_COVERED,
    LATE_SUBMISSION,
    NO_CHRONIC_APPROVAL,
    EXCLUDED_CAUSE,
    DUPLICATE_CLAIM,
)


def reason_text(code: str) -> str:
    text = REASON_TEXTS.get(code)
    return str(text) if text is not None else code


def join_codes(codes: list[str]) -> str:
    return ",".join(dict.fromkeys(codes))


def split_codes(value: str | None) -> list[str]:
    return [c for c in (value or "").split(",") if c]
