"""What a committee meeting's own REST routes take and answer (app.api.meetings), and their
OpenAPI operations, built from the same schemas that check the requests."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields, validate

from app.api.fields import ID_MAX, INT32_MAX, UtcDateTime, no_nul
from app.api.openapi import PK_PARAMETER, error_responses, json_response, schema_ref
from app.api.record_transitions import TransitionRoutes
from app.api.transitions import MAX_BULK_IDS, MAX_REASON_LENGTH, ClaimBulkResultSchema
from app.api.working import amount
from app.models.enums import AGENDA_OUTCOMES, CLAIM_STATUSES
from app.services import meetings
from app.services.adjudication.reasons import split_codes

ROUTES = TransitionRoutes(meetings.WORKFLOW, "Meeting", {"open": (), "close": ()})

AGENDA_ACTIONS = {
    "add": "Put decisions awaiting ratification on the agenda (a draft or open meeting).",
    "remove": "Take waiting decisions off the agenda (a draft or open meeting).",
    "ratify": "Ratify decisions on the agenda: the meeting open, its quorum present.",
    "send_back": "Send decisions on the agenda back to review, with the reason (the claim's "
                 "send_back transition): the meeting open, its quorum present.",
}


def _ids() -> fields.List:
    return fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=ID_MAX)),
        required=True, validate=validate.Length(min=1, max=MAX_BULK_IDS),
        metadata={"description": f"The claims' ids (at most {MAX_BULK_IDS}); each is handled in "
                  "its own transaction, in this order."})


def _agenda_request(action: str) -> type[Schema]:
    declared: dict[str, fields.Field] = {
        "action": fields.String(required=True, validate=validate.OneOf([action]),
                                metadata={"description": AGENDA_ACTIONS[action]}),
        "ids": _ids(),
    }
    if action == "send_back":
        declared["reason"] = fields.String(
            required=True, validate=[validate.Length(max=MAX_REASON_LENGTH), no_nul],
            metadata={"description": "Why the committee sends the decisions back (the minutes "
                      "keep it)."})
    schema = type("_Request", (Schema,), {"Meta": type("Meta", (), {"unknown": RAISE})})
    built = schema.from_dict(declared, name=f"MeetingAgenda_{action}")
    built.__component_name__ = f"MeetingAgenda.{action}"  # type: ignore[attr-defined]
    return built


AGENDA_REQUESTS: dict[str, type[Schema]] = {a: _agenda_request(a) for a in AGENDA_ACTIONS}


class AttendanceRequestSchema(Schema):
    __component_name__ = "MeetingAttendance"

    class Meta:
        unknown = RAISE

    attendees = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=ID_MAX)),
        required=True, validate=validate.Length(max=MAX_BULK_IDS),
        metadata={"description": "The ids of the committee members present: the whole list "
                  "(an empty list records nobody)."})
    version = fields.Integer(
        strict=True, validate=validate.Range(min=1, max=INT32_MAX),
        metadata={"description": "The meeting's version as the client last read it: a meeting "
                  "changed since answers 409."})


class AgendaItemSchema(Schema):
    """One decision on the agenda. The decision's fields are as the meeting acted on it (null
    while the item is pending: the claim's own record has the current decision)."""

    id = fields.Integer(required=True)
    claim_id = fields.Integer(required=True)
    claim_number = fields.Function(lambda item: item.claim.claim_number, required=True,
                                   metadata={"type": "string"})
    claim_status = fields.Function(lambda item: item.claim.status, required=True,
                                   metadata={"type": "string", "enum": list(CLAIM_STATUSES)})
    outcome = fields.String(required=True, metadata={"enum": list(AGENDA_OUTCOMES)})
    outcome_reason = fields.String(required=True, allow_none=True)
    outcome_at = UtcDateTime(required=True, allow_none=True)
    member = fields.String(required=True, allow_none=True, attribute="member_label")
    decision = fields.String(required=True, allow_none=True)
    total_claimed = amount(nullable=True)
    total_eligible = amount(nullable=True)
    total_approved = amount(nullable=True)
    reason_codes = fields.Function(lambda item: split_codes(item.reason_codes), required=True,
                                   metadata={"type": "array", "items": {"type": "string"}})
    recommended_by = fields.String(required=True, allow_none=True,
                                   attribute="recommended_by_name")
    decided_by = fields.String(required=True, allow_none=True, attribute="decided_by_name")
    decided_at = UtcDateTime(required=True, allow_none=True)


class AgendaSchema(Schema):
    __component_name__ = "MeetingAgenda"

    id = fields.Integer(required=True, metadata={"description": "The meeting's id"})
    result = fields.List(fields.Nested(AgendaItemSchema), required=True)


COMPONENT_SCHEMAS = (*ROUTES.requests.values(), *AGENDA_REQUESTS.values(),
                     AttendanceRequestSchema, AgendaSchema, ClaimBulkResultSchema)


def _one_of(schemas: dict[str, type[Schema]]) -> dict[str, Any]:
    names = {a: s.__component_name__ for a, s in schemas.items()}  # type: ignore[attr-defined]
    return {"required": True, "content": {"application/json": {"schema": {
        "oneOf": [schema_ref(n) for n in names.values()],
        "discriminator": {"propertyName": "action", "mapping": {
            a: f"#/components/schemas/{n}" for a, n in names.items()}},
    }}}}


def attendance_operation(api: Any) -> dict[str, Any]:
    return {
        "summary": "Record who is present at a committee meeting",
        "description": "The whole list of committee members present (active logins with the "
        "Committee role); their count against the meeting's quorum decides whether it may "
        "ratify. One audit event committeemeeting.attendance. 409 once the meeting is closed "
        "or when its version changed; 422 a login that is not an active committee member.",
        "parameters": [PK_PARAMETER],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": schema_ref(AttendanceRequestSchema.__component_name__)}}},
        "responses": {
            "200": json_response("Recorded: the meeting as GET shows it", {
                "type": "object", "required": ["id", "result"],
                "properties": {"id": {"type": "integer"},
                               "result": schema_ref(f"{type(api).__name__}.get")}}),
            **error_responses("400", "404", "409", "413", "422"),
        },
    }


def agenda_operation(api: Any) -> dict[str, Any]:
    return {
        "summary": "The decisions on a committee meeting's agenda",
        "description": "In the order they were put on it, with what the meeting did to each.",
        "parameters": [PK_PARAMETER],
        "responses": {
            "200": json_response("The agenda", schema_ref(AgendaSchema.__component_name__)),
            **error_responses("404"),
        },
    }


def agenda_step_operation(api: Any) -> dict[str, Any]:
    return {
        "summary": "Put decisions on the agenda, take them off, ratify or send them back",
        "description": "One action on many claims, each in its own transaction, checked at that "
        "moment (the meeting's state and quorum, the claim's state, the separation of duties); "
        "a refused claim is left as it was and never undoes the others. The answer tells, per "
        "claim in the order given, what happened. A claim waits on at most one agenda; a closed "
        "meeting changes no more.",
        "parameters": [PK_PARAMETER],
        "requestBody": _one_of(AGENDA_REQUESTS),
        "responses": {
            "200": json_response("What happened to each claim",
                                 schema_ref(ClaimBulkResultSchema.__component_name__)),
            **error_responses("400", "404", "413"),
        },
    }


def minutes_operation(api: Any) -> dict[str, Any]:
    return {
        "summary": "The minutes of a closed committee meeting, as PDF",
        "description": "The meeting, who was present against the quorum, the minutes' text, "
        "and each decision put to it (claim, member, amounts, reason codes, the two "
        "signatures) with what the meeting did. 409 while the meeting is not closed.",
        "parameters": [PK_PARAMETER],
        "responses": {
            "200": {"description": "The minutes", "content": {"application/pdf": {
                "schema": {"type": "string", "format": "binary"}}}},
            **error_responses("404", "409"),
        },
    }


OPERATIONS = {
    "transition": ROUTES.operations()["transition"],
    "attendance": attendance_operation,
    "agenda": agenda_operation,
    "agenda_step": agenda_step_operation,
    "minutes": minutes_operation,
}
