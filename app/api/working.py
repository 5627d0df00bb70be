"""What the lifecycle routes answer: a claim's state after a transition, and the adjudication's
working (``GET /claim/<id>/adjudication``), every number of every step as the fund's processing
form shows it. Response schemas: every field is always present (null when not yet worked out,
and for a member the results until his claim is decided: app.services.disclosure)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields

from app.access import current_user, reviewer_names_visible
from app.api.fields import UtcDateTime
from app.models.enums import CLAIM_STATUSES, CLAIM_TYPES, DECLARATION_SOURCES
from app.services.adjudication.reasons import reason_text, split_codes

OUTCOMES = ("approved", "partially_approved", "rejected")


class TwoPlaces(fields.Decimal):
    """Money (and rates) out as text with exactly two places, e.g. "1600.00"; never a float."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=2, as_string=True, required=True, **kwargs)
        self.metadata.update(type="string", format="decimal", pattern=r"^-?[0-9]+\.[0-9]{2}$",
                             example="1600.00")

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else super()._serialize(Decimal(value), attr, obj, **kwargs)


def amount(description: str = "", nullable: bool = False) -> TwoPlaces:
    return TwoPlaces(allow_none=nullable, metadata={"description": description} if description
                     else {})


class RelatedText(fields.String):
    """A text reached through relationships (``"recommended_by.username"``); null when a link on
    the way is empty."""

    def __init__(self, path: str, **kwargs: Any) -> None:
        super().__init__(required=True, allow_none=True, **kwargs)
        self.path = path.split(".")

    def serialize(self, attr: str, obj: Any, accessor: Any = None, **kwargs: Any) -> Any:
        value = obj
        for name in self.path:
            value = getattr(value, name, None) if value is not None else None
        return None if value is None else str(value)


class ReviewerName(RelatedText):
    """A reviewer's name: members see it only when the fund's setting says so."""

    def serialize(self, attr: str, obj: Any, accessor: Any = None, **kwargs: Any) -> Any:
        if not reviewer_names_visible(current_user()):
            return None
        return super().serialize(attr, obj, accessor, **kwargs)


class ClaimReasonSchema(Schema):
    code = fields.String(required=True, metadata={"example": "SCALE_CAP"})
    text = fields.String(required=True, metadata={
        "description": "The code in the plain words members read."})


class ReasonCodes(fields.List):
    """The comma-separated codes of a claim or line, each with its plain text."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fields.Nested(ClaimReasonSchema), required=True, **kwargs)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> list[dict[str, str]]:
        return [{"code": code, "text": reason_text(code)} for code in split_codes(value)]


def _enum(values: tuple[str, ...], nullable: bool = False, **kwargs: Any) -> fields.String:
    # Documented as an enum; the values come from the models' CHECK constraints.
    return fields.String(required=True, allow_none=nullable,
                         metadata={"enum": [*values, *([None] if nullable else [])], **kwargs})


class ClaimStateSchema(Schema):
    """The claim after a transition: where it stands and who signed what."""

    id = fields.Integer(required=True)
    claim_number = fields.String(required=True)
    status = _enum(CLAIM_STATUSES)
    version = fields.Integer(required=True, metadata={
        "description": "Send this version with the next transition."})
    received_on = fields.Date(required=True, allow_none=True)
    declaration_source = _enum(DECLARATION_SOURCES, nullable=True)
    total_claimed = amount()
    total_eligible = amount("After eligibility, caps, discount and the chronic allowance; "
                            "null for a member until his claim is decided", nullable=True)
    total_approved = amount("After the annual limits and any committee override; null for a "
                            "member until his claim is decided", nullable=True)
    total_paid = amount()
    reason_codes = ReasonCodes()
    recommended_outcome = _enum(OUTCOMES, nullable=True, description="The engine's outcome")
    recommended_by = ReviewerName("recommended_by.username",
                                 metadata={"description": "The first signature"})
    recommended_at = UtcDateTime(required=True, allow_none=True)
    decided_by = ReviewerName("decided_by.username",
                             metadata={"description": "The second signature"})
    decided_at = UtcDateTime(required=True, allow_none=True)
    decision_reason = fields.String(required=True, allow_none=True)
    awaiting_ratification = fields.Boolean(required=True)
    appeal_count = fields.Integer(required=True)
    info_request = fields.String(required=True, allow_none=True)
    info_response = fields.String(required=True, allow_none=True)


class ClaimWorkingLineSchema(Schema):
    """One item through every step of SPEC "Adjudication (money)", in item order."""

    id = fields.Integer(required=True)
    line_no = fields.Integer(required=True)
    description = fields.String(required=True)
    scale_item_code = RelatedText("scale_item.code")
    receipt_number = fields.String(required=True, allow_none=True)
    quantity = fields.Integer(required=True)
    unit_cost = amount()
    claimed_amount = amount("Quantity x unit cost")
    allowed_quantity = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Units the scale allows for the days admitted (step 2)"})
    after_quantity = amount("Claimed amount after the quantity cap", nullable=True)
    rebate_deduction = amount("Statutory rebate taken from this line (step 3)", nullable=True)
    other_insurance_deduction = amount("Other insurance benefit taken (step 3)", nullable=True)
    net_claimed = amount("Net claimed after the deductions", nullable=True)
    rate_percent = amount("The rate applied (step 4)", nullable=True)
    rated_amount = amount("Net claimed x rate, rounded", nullable=True)
    fee_cap_total = amount("Fee cap x allowed quantity", nullable=True)
    discount_deduction = amount("Hospital discount taken (step 5)", nullable=True)
    chronic_cut = amount("Cut to the chronic monthly allowance (step 6)", nullable=True)
    eligible_amount = amount(nullable=True)
    limit_cut = amount("Cut to the annual limit left (step 7)", nullable=True)
    approved_amount = amount(nullable=True)
    override_amount = amount("The committee's override, if any", nullable=True)
    override_reason = fields.String(required=True, allow_none=True)
    reason_codes = ReasonCodes()


class ClaimWorkingSchema(ClaimStateSchema):
    """The whole working: the claim's state, its claim-level numbers and every line."""

    claim_type = _enum(CLAIM_TYPES)
    treatment_date = fields.Date(required=True, allow_none=True)
    days_admitted = fields.Integer(required=True, allow_none=True)
    statutory_rebate_per_day = amount()
    statutory_rebate_total = amount(nullable=True)
    other_insurance_benefit = amount()
    hospital_discount = amount()
    critical_illness = fields.Boolean(required=True, allow_none=True)
    late_admission_notice = fields.Boolean(required=True, allow_none=True, metadata={
        "description": "Admission notified over 48 hours late: a flag for the reviewer"})
    adjudicated_at = UtcDateTime(required=True, allow_none=True)
    lines = fields.List(fields.Nested(ClaimWorkingLineSchema), required=True, attribute="items")


class ClaimStateResultSchema(Schema):
    __component_name__ = "ClaimStateResult"
    id = fields.Integer(required=True)
    result = fields.Nested(ClaimStateSchema, required=True)


class ClaimWorkingResultSchema(Schema):
    __component_name__ = "ClaimWorkingResult"
    id = fields.Integer(required=True)
    result = fields.Nested(ClaimWorkingSchema, required=True)
