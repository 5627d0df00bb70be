"""What the payment batches' own REST routes take and answer (app.api.payments), and their
OpenAPI operations, built from the same schemas that check the requests."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields, validate

from app.api.fields import ID_MAX, INT32_MAX, DecimalText, no_nul
from app.api.openapi import PK_PARAMETER, error_responses, json_response, schema_ref
from app.api.record_transitions import LATEST_DATE, TransitionRoutes
from app.api.working import amount
from app.models.enums import PAYOUT_METHODS, SLA_STATUSES
from app.services.payments import batches
from app.services.payments.eligibility import EXCLUSION_REASONS

ROUTES = TransitionRoutes(batches.WORKFLOW, "PaymentBatch", {
    "approve": (), "release": (), "mark_paid": ("paid_on", "bank_reference"),
    "cancel": ("reason",),
})


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class BuildRequestSchema(_Strict):
    __component_name__ = "PaymentBatchBuild"

    method = fields.String(required=True, validate=validate.OneOf(PAYOUT_METHODS), metadata={
        "description": "How the batch pays: only members paid this way (and members with no "
                       "payout method, listed as blocking) are considered."})
    min_amount = DecimalText(14, 2, metadata={"description": "Smallest approved amount."})
    max_amount = DecimalText(14, 2, metadata={"description": "Largest approved amount."})
    due_by = fields.Date(validate=validate.Range(max=LATEST_DATE), metadata={
        "description": "Only claims whose payment falls due on or before this date."})
    sla_status = fields.String(validate=validate.OneOf(SLA_STATUSES), metadata={
        "description": "Only claims whose payment clock has this status."})


class ExclusionSchema(Schema):
    id = fields.Integer(required=True, attribute="claim_id")
    claim_number = fields.String(required=True)
    member = fields.String(required=True)
    amount = amount("The claim's approved amount")
    reason = fields.String(required=True, metadata={"enum": list(EXCLUSION_REASONS)})
    blocking = fields.Boolean(required=True, metadata={
        "description": "The member's payout details must be completed before he can be paid."})
    message = fields.String(required=True)


class BuildResultSchema(Schema):
    __component_name__ = "PaymentBatchBuildResult"

    id = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The new batch; null when no claim could be paid."})
    result = fields.Dict(allow_none=True, metadata={"description": "The batch as GET shows it"})
    excluded = fields.List(fields.Nested(ExclusionSchema), required=True)


class ChequeSchema(_Strict):
    payment_id = fields.Integer(required=True, strict=True,
                                validate=validate.Range(min=1, max=ID_MAX))
    cheque_number = fields.String(required=True, validate=[validate.Length(min=1, max=20),
                                                           no_nul])


class ChequesRequestSchema(_Strict):
    __component_name__ = "PaymentBatchCheques"

    cheques = fields.List(fields.Nested(ChequeSchema), required=True,
                          validate=validate.Length(min=1, max=500))
    version = fields.Integer(strict=True, validate=validate.Range(min=1, max=INT32_MAX),
                             metadata={"description": "The batch's version as last read."})


COMPONENT_SCHEMAS = (*ROUTES.requests.values(), BuildRequestSchema, BuildResultSchema,
                     ChequesRequestSchema)


def _answer(api: Any) -> dict[str, Any]:
    return json_response("Done: the batch as GET shows it", {
        "type": "object", "required": ["id", "result"],
        "properties": {"id": {"type": "integer"},
                       "result": schema_ref(f"{type(api).__name__}.get")}})


def build_operation(api: Any) -> dict[str, Any]:
    return {
        "summary": "Build a payment batch (Finance)",
        "description": "A draft batch of every claim that is approved or partially approved, "
        "ratified, in no open batch, of a member paid by the method asked, with payout "
        "details that can carry the payment and in which the builder has no part; each "
        "payment is the claim's approved amount. Every claim the filters select that is left "
        "out is listed with its reason (not_ratified, already_batched, conflict_of_interest, "
        "payout_details: blocking, nothing_to_pay). 201 with the batch; 409 with the list "
        "when no claim can be paid. One audit event paymentbatch.build.",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": schema_ref(BuildRequestSchema.__component_name__)}}},
        "responses": {
            "201": json_response("The batch built, and the claims left out",
                                 schema_ref(BuildResultSchema.__component_name__)),
            **error_responses("400", "409", "413", "422"),
        },
    }


def cheques_operation(api: Any) -> dict[str, Any]:
    return {
        "summary": "Record the cheque numbers of a cheque batch's payments",
        "description": "Once the batch is approved and until it is paid; every payment of a "
        "cheque batch needs its own cheque before the batch is recorded as paid. One audit "
        "event paymentbatch.cheques. 409 another method or state, or a changed version.",
        "parameters": [PK_PARAMETER],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": schema_ref(ChequesRequestSchema.__component_name__)}}},
        "responses": {"200": _answer(api), **error_responses("400", "404", "409", "413", "422")},
    }


def payout_file_operation(api: Any) -> dict[str, Any]:
    return {
        "summary": "The payout file of a released or paid batch (CSV)",
        "description": "Bank: payee_name, account_number, bank_name, branch_code, amount, "
        "reference. Mobile money: phone (international format), amount, reference. Cheque: "
        "cheque_number, payee_name, amount, reference. A header row, one row per payment, and "
        "a last row starting CONTROL TOTAL with the count and the total. Each download is "
        "audited. 409 before the batch is released.",
        "parameters": [PK_PARAMETER],
        "responses": {
            "200": {"description": "The file", "content": {"text/csv": {
                "schema": {"type": "string"}}}},
            **error_responses("404", "409"),
        },
    }


def advice_operation(api: Any) -> dict[str, Any]:
    return {
        "summary": "The payment advice of a paid payment (PDF)",
        "description": "One advice per member per batch: every claim of the member that the "
        "payment's batch paid, with the approved and paid amounts, the references, the date "
        "and where the money went. A member gets only his own. Each download is audited. 409 "
        "before the batch is paid.",
        "parameters": [PK_PARAMETER],
        "responses": {
            "200": {"description": "The advice", "content": {"application/pdf": {
                "schema": {"type": "string", "format": "binary"}}}},
            **error_responses("404", "409"),
        },
    }


OPERATIONS = {
    "transition": ROUTES.operations()["transition"],
    "build": build_operation,
    "cheques": cheques_operation,
    "payout_file": payout_file_operation,
}
