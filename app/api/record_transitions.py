"""``POST /<resource>/<id>/transition`` and ``POST /<resource>/bulk_transition`` for records
whose steps run through app.services.record_transitions (chronic requests, dependents), as the
claim's lifecycle routes do (app.api.transitions): one schema per step so that the OpenAPI
document tells exactly what each takes, the request's form checked here (400), the fund's rules
by the service (403, 404, 409, 422).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from flask import Response, g
from marshmallow import RAISE, Schema, fields, validate

from app.api.fields import ID_MAX, INT32_MAX, DecimalText, no_nul
from app.api.openapi import PK_PARAMETER, error_responses, json_response, schema_ref
from app.api.writes import json_body, load_step_request, parse_pk
from app.services.record_transitions import StepOutcome, Workflow

MAX_BULK_IDS = 500
MAX_REASON_LENGTH = 4000
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(9999, 12, 30)


def param_fields() -> dict[str, fields.Field]:
    """Every parameter a step may take, as it is checked and documented."""
    dates = validate.Range(min=EARLIEST_DATE, max=LATEST_DATE,
                           error="Enter a date from 1900-01-01 on.")
    return {
        "amount": DecimalText(14, 2, metadata={
            "description": "approve: the approved monthly amount (above 0); in bulk, each "
            "request's requested amount."}),
        "valid_from": fields.Date(validate=dates, metadata={
            "description": "approve: the first day the approval covers."}),
        "valid_to": fields.Date(validate=dates, metadata={
            "description": "approve: the last day the approval covers (not before valid_from)."}),
        "paid_on": fields.Date(validate=dates, metadata={
            "description": "mark_paid (payment batches): the date the payments were made (not "
            "in the future)."}),
        "bank_reference": fields.String(validate=[validate.Length(max=64), no_nul], metadata={
            "description": "mark_paid (payment batches): the bank's or provider's reference of "
            "the payout (required)."}),
        "reason": fields.String(validate=[validate.Length(max=MAX_REASON_LENGTH), no_nul],
                                metadata={"description": "The written reason: required to "
                                          "reject or remove, optional otherwise."}),
    }


@dataclass(frozen=True)
class TransitionRoutes:
    """The request schemas and OpenAPI operations of one workflow's two routes."""

    workflow: Workflow
    prefix: str  # component names: "<prefix>Transition.<action>"
    params: dict[str, tuple[str, ...]]  # action -> the parameters it reads

    def schema(self, action: str, *, bulk: bool) -> type[Schema]:
        step = self.workflow.steps[action]
        declared: dict[str, fields.Field] = {
            "action": fields.String(required=True, validate=validate.OneOf([action]),
                                    metadata={"description": step.label}),
        }
        if bulk:
            declared["ids"] = fields.List(
                fields.Integer(strict=True, validate=validate.Range(min=1, max=ID_MAX)),
                required=True, validate=validate.Length(min=1, max=MAX_BULK_IDS),
                metadata={"description": f"The records' ids (at most {MAX_BULK_IDS}); each is "
                          "handled in its own transaction, in this order."})
        else:
            declared["version"] = fields.Integer(
                required=True, strict=True, validate=validate.Range(min=1, max=INT32_MAX),
                metadata={"description": "The record's version as the client last read it: a "
                          "record changed since answers 409 and is left as it is."})
        every = param_fields()
        wanted = [p for p in self.params[action] if not (bulk and p == "amount")]
        declared.update({name: every[name] for name in wanted})
        kind = "BulkTransition" if bulk else "Transition"
        schema = type("_Request", (Schema,), {"Meta": type("Meta", (), {"unknown": RAISE})})
        built = schema.from_dict(declared, name=f"{self.prefix}{kind}_{action}")
        built.__component_name__ = f"{self.prefix}{kind}.{action}"  # type: ignore[attr-defined]
        return built

    @property
    def requests(self) -> dict[str, type[Schema]]:
        return self._cached("requests", lambda: {
            a: self.schema(a, bulk=False) for a in self.params})

    @property
    def bulk_requests(self) -> dict[str, type[Schema]]:
        return self._cached("bulk", lambda: {
            a: self.schema(a, bulk=True) for a in self.workflow.bulk_steps})

    @property
    def result_schema(self) -> type[Schema]:
        def build() -> type[Schema]:
            outcome = Schema.from_dict({
                "id": fields.Integer(required=True, attribute="record_id"),
                "name": fields.String(required=True, allow_none=True, metadata={
                    "description": "null when the id names no record the login may see."}),
                "ok": fields.Boolean(required=True),
                "status": fields.String(required=True, allow_none=True, metadata={
                    "description": "The status after the step; null when it was refused."}),
                "message": fields.String(required=True),
            }, name=f"{self.prefix}BulkOutcome")
            result = Schema.from_dict({
                "result": fields.List(fields.Nested(outcome), required=True),
                "done": fields.Integer(required=True),
                "refused": fields.Integer(required=True),
            }, name=f"{self.prefix}BulkResult")
            result.__component_name__ = f"{self.prefix}BulkResult"  # type: ignore[attr-defined]
            result.outcome = outcome  # type: ignore[attr-defined]
            return result
        return self._cached("result", build)

    def _cached(self, key: str, build: Callable[[], Any]) -> Any:
        store = self.__dict__.setdefault("_built", {})
        if key not in store:
            store[key] = build()
        return store[key]

    @property
    def component_schemas(self) -> tuple[type[Schema], ...]:
        return (*self.requests.values(), *self.bulk_requests.values(), self.result_schema)

    def load(self, data: dict[str, Any], *, bulk: bool) -> tuple[str, dict[str, Any]]:
        """(action, checked values) of a request body, or BadBody naming each wrong field."""
        return load_step_request(self.bulk_requests if bulk else self.requests, data)

    # --- the routes' bodies (the API classes expose them with their permissions) --------------
    def transition(self, api: Any, pk: str, perform: Callable[..., Any]) -> Response:
        record_id = parse_pk(pk)
        if record_id is None:
            return api.response_404()
        action, values = self.load(json_body(), bulk=False)
        record = perform(record_id, action, g.user, values.pop("version"), **values)
        return api.response(200, id=record.id, result=api.show_model_schema.dump(record))

    def bulk_transition(self, api: Any, perform_bulk: Callable[..., list[StepOutcome]]
                        ) -> Response:
        action, values = self.load(json_body(), bulk=True)
        outcomes = perform_bulk(values.pop("ids"), action, g.user, **values)
        done = sum(1 for outcome in outcomes if outcome.ok)
        dumped = self.result_schema.outcome(many=True).dump(outcomes)  # type: ignore[attr-defined]
        return api.response(200, result=dumped, done=done, refused=len(outcomes) - done)

    # --- OpenAPI -----------------------------------------------------------------------------
    def operations(self) -> dict[str, Callable[[Any], dict[str, Any]]]:
        noun = self.workflow.resource

        def body(schemas: dict[str, type[Schema]]) -> dict[str, Any]:
            names = {a: s.__component_name__ for a, s in schemas.items()}  # type: ignore[attr-defined]
            return {"required": True, "content": {"application/json": {"schema": {
                "oneOf": [schema_ref(n) for n in names.values()],
                "discriminator": {"propertyName": "action", "mapping": {
                    a: f"#/components/schemas/{n}" for a, n in names.items()}},
            }}}}

        def transition(api: Any) -> dict[str, Any]:
            return {
                "summary": f"Take one step on a {noun} record",
                "description": "One action (with the parameters it takes) on the record as the "
                "client last read it (version). It is checked (row rule, version, role, "
                "conflict of interest, state, the fund's rules), applied in one transaction "
                f"with one audit event {noun}.<action>, or refused with nothing changed: 400 a "
                "body of the wrong form, 403 the login may not, 404 no such record for this "
                "login, 409 the state does not allow it or the version changed, 422 a rule "
                "refuses the parameters (message: field -> messages).",
                "parameters": [PK_PARAMETER],
                "requestBody": body(self.requests),
                "responses": {
                    "200": json_response("Done: the record as GET shows it", {
                        "type": "object", "required": ["id", "result"],
                        "properties": {"id": {"type": "integer"},
                                       "result": schema_ref(f"{type(api).__name__}.get")}}),
                    **error_responses("400", "404", "409", "413", "422"),
                },
            }

        def bulk_transition(api: Any) -> dict[str, Any]:
            return {
                "summary": f"Take one step on many {noun} records, each on its own",
                "description": f"At most {MAX_BULK_IDS} ids. Each record is handled in its own "
                "transaction, checked at that moment as a single step is (without a version); "
                "a refused record is left as it was and never undoes the others. The answer "
                "tells, per record in the order given, what happened.",
                "requestBody": body(self.bulk_requests),
                "responses": {
                    "200": json_response("What happened to each record",
                                         schema_ref(f"{self.prefix}BulkResult")),
                    **error_responses("400", "413"),
                },
            }

        return {"transition": transition, "bulk_transition": bulk_transition}
