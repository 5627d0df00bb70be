"""The bodies of ``POST /claim/<id>/transition`` and ``POST /claim/bulk_transition``.

One schema per action, so that the OpenAPI document tells a client exactly which parameters each
transition takes (a ``oneOf`` chosen by ``action``), and a body naming another action's parameter
is refused. These schemas check the request's form only (types, sizes, known values): whether the
parameters satisfy the fund's rules (a reason written, the declaration accepted, a line of this
claim) is the lifecycle service's decision, answered as 422 with the field's message.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, fields, validate

from app.api.fields import ID_MAX, INT32_MAX, DecimalText, no_nul
from app.api.writes import load_step_request
from app.models.enums import CLAIM_STATUSES
from app.services.adjudication.reasons import REASON_TEXTS
from app.services.lifecycle import TRANSITIONS

MAX_BULK_IDS = 500
MAX_REASON_LENGTH = 4000
EARLIEST_DATE = date(1900, 1, 1)  # keeps the rules' date arithmetic inside what dates can hold


def _param_fields() -> dict[str, fields.Field]:
    """Every parameter an action may take, as it is checked and documented."""
    return {
        "declaration": fields.Boolean(metadata={
            "description": "submit: the member accepts the declaration and consent online, "
            "or the claims officer records that the paper form's declaration is signed."}),
        "received_on": fields.Date(
            validate=validate.Range(min=EARLIEST_DATE,
                                    error="Enter a date from 1900-01-01 on."),
            metadata={"description": "submit, paper claims (Committee, Admin): the date the fund "
                      "received the form; it is the submission date for every rule."}),
        "paper": fields.Boolean(metadata={
            "description": "submit: key in a paper form (for a login that is both a member and "
            "a claims officer; other officers' submissions are always paper)."}),
        "reason": fields.String(
            validate=[validate.Length(max=MAX_REASON_LENGTH), no_nul],
            metadata={"description": "The written reason: required for request_info, "
                      "answer_info, override_line, reject, appeal, trustee_decision and "
                      "send_back; "
                      "optional for approve, withdraw and reassign."}),
        "reason_codes": fields.List(
            fields.String(validate=validate.OneOf(sorted(REASON_TEXTS))),
            validate=validate.Length(max=len(REASON_TEXTS)),
            metadata={"description": "reject: the reason codes recorded on the claim."}),
        "item_id": fields.Integer(
            strict=True, validate=validate.Range(min=1, max=ID_MAX),
            metadata={"description": "override_line: the id of one of the claim's items."}),
        "amount": DecimalText(14, 2),
        "template_id": fields.Integer(
            strict=True, validate=validate.Range(min=1, max=ID_MAX),
            metadata={"description": "request_info, reject: the id of a review template of the "
                      "kind information request or rejection; its text is the reason when no "
                      "reason is written."}),
        "decision": fields.String(
            validate=validate.OneOf(["approved", "rejected"]),
            metadata={"description": "trustee_decision: the trustees' final decision."}),
        "reviewer_id": fields.Integer(
            strict=True, validate=validate.Range(min=1, max=ID_MAX),
            metadata={"description": "reassign: the user id of the committee reviewer to "
                      "assign (active, within his capacity, not in conflict with the claim)."}),
    }


# The parameters each action of app.services.lifecycle reads (see its actions module).
ACTION_PARAMS: dict[str, tuple[str, ...]] = {
    "submit": ("declaration", "received_on", "paper"),
    "start_review": (),
    "request_info": ("reason", "template_id"),
    "answer_info": ("reason",),
    "override_line": ("item_id", "amount", "reason"),
    "recommend": (),
    "approve": ("reason",),
    "reject": ("reason", "reason_codes", "template_id"),
    "withdraw": ("reason",),
    "appeal": ("reason",),
    "trustee_decision": ("decision", "reason"),
    "send_back": ("reason",),
    "reassign": ("reviewer_id", "reason"),
}
# A line override names one claim's item: it has no meaning for many claims at once.
BULK_ACTIONS = tuple(action for action in ACTION_PARAMS if action != "override_line")


class _Request(Schema):
    class Meta:
        unknown = RAISE  # another action's parameter is a mistake worth telling


def _request_schema(action: str, *, bulk: bool) -> type[Schema]:
    params = _param_fields()
    declared: dict[str, fields.Field] = {
        "action": fields.String(required=True, validate=validate.OneOf([action]),
                                metadata={"description": TRANSITIONS[action].label}),
    }
    if bulk:
        declared["ids"] = fields.List(
            fields.Integer(strict=True, validate=validate.Range(min=1, max=ID_MAX)),
            required=True,
            validate=validate.Length(min=1, max=MAX_BULK_IDS),
            metadata={"description": f"The claims' ids (at most {MAX_BULK_IDS}); each is "
                      "handled in its own transaction, in this order."},
        )
    else:
        declared["version"] = fields.Integer(
            required=True, strict=True, validate=validate.Range(min=1, max=INT32_MAX),
            metadata={"description": "The claim's version as the client last read it: a "
                      "claim changed since answers 409 and is left as it is."},
        )
    declared.update({name: params[name] for name in ACTION_PARAMS[action]})
    prefix = "ClaimBulkTransition" if bulk else "ClaimTransition"
    schema = _Request.from_dict(declared, name=f"{prefix}_{action}")
    schema.__component_name__ = f"{prefix}.{action}"  # type: ignore[attr-defined]
    return schema


REQUESTS: dict[str, type[Schema]] = {
    action: _request_schema(action, bulk=False) for action in ACTION_PARAMS
}
BULK_REQUESTS: dict[str, type[Schema]] = {
    action: _request_schema(action, bulk=True) for action in BULK_ACTIONS
}


def load_request(data: dict[str, Any], *, bulk: bool) -> tuple[str, dict[str, Any]]:
    """(action, checked values) of a request body, or BadBody naming each wrong field."""
    return load_step_request(BULK_REQUESTS if bulk else REQUESTS, data)


class ClaimBulkOutcomeSchema(Schema):
    """What happened to one claim of a bulk run."""

    id = fields.Integer(required=True, attribute="claim_id")
    claim_number = fields.String(required=True, allow_none=True, metadata={
        "description": "null when the id names no claim the login may see."})
    ok = fields.Boolean(required=True)
    status = fields.String(required=True, allow_none=True, metadata={
        "enum": [*CLAIM_STATUSES, None],
        "description": "The claim's status after the transition; null when it was refused."})
    message = fields.String(required=True)


class ClaimBulkResultSchema(Schema):
    __component_name__ = "ClaimBulkResult"

    result = fields.List(fields.Nested(ClaimBulkOutcomeSchema), required=True)
    done = fields.Integer(required=True, metadata={"description": "Claims transitioned"})
    refused = fields.Integer(required=True, metadata={"description": "Claims left as they were"})
