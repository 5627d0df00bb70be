"""The OpenAPI operations of a claim's lifecycle routes (ClaimApi), built from the schemas that
check the requests (app.api.transitions) and shape the answers (app.api.working)."""

from __future__ import annotations

from typing import Any

from app.api.openapi import PK_PARAMETER, error_responses, json_response, schema_ref
from app.api.transitions import (
    BULK_REQUESTS,
    MAX_BULK_IDS,
    REQUESTS,
    ClaimBulkResultSchema,
)
from app.api.working import ClaimStateResultSchema, ClaimWorkingResultSchema

# Registered with the document (ClaimApi.openapi_spec_component_schemas); nested schemas follow.
COMPONENT_SCHEMAS = (
    *REQUESTS.values(),
    *BULK_REQUESTS.values(),
    ClaimStateResultSchema,
    ClaimWorkingResultSchema,
    ClaimBulkResultSchema,
)


def _component(schema: type) -> str:
    return getattr(schema, "__component_name__", schema.__name__)  # as FAB registers it


def _one_of(schemas: dict[str, type]) -> dict[str, Any]:
    """A body that is one of the actions' schemas, chosen by its ``action``."""
    names = {action: _component(schema) for action, schema in schemas.items()}
    return {
        "oneOf": [schema_ref(name) for name in names.values()],
        "discriminator": {
            "propertyName": "action",
            "mapping": {action: f"#/components/schemas/{name}" for action, name in names.items()},
        },
    }


def _body(schemas: dict[str, type]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _one_of(schemas)}}}


def transition(api: Any) -> dict[str, Any]:
    return {
        "summary": "Apply one transition of the claim's lifecycle",
        "description": "One action (with the parameters it takes) on the claim as the client "
        "last read it (version). It is checked (row rule, version, role, separation of duties, "
        "state, the fund's rules), applied in one transaction with one audit event claim.<action>"
        ", or refused with nothing changed: 400 a body of the wrong form, 403 the login may not "
        "(role, conflict of interest, the same committee member signing twice), 404 no such "
        "claim for this login, 409 the claim's state does not allow it or its version changed, "
        "422 a rule refuses the parameters (message: field -> messages).",
        "parameters": [PK_PARAMETER],
        "requestBody": _body(REQUESTS),
        "responses": {
            "200": json_response("Done: the claim's new state",
                                 schema_ref(_component(ClaimStateResultSchema))),
            **error_responses("400", "404", "409", "413", "422"),
        },
    }


def bulk_transition(api: Any) -> dict[str, Any]:
    return {
        "summary": "Apply one transition to many claims, each on its own",
        "description": f"At most {MAX_BULK_IDS} ids. Each claim is handled in its own "
        "transaction, checked at that moment as a single transition is (without a version); a "
        "refused claim is left as it was and never undoes the others. The answer tells, per "
        "claim in the order given, what happened.",
        "requestBody": _body(BULK_REQUESTS),
        "responses": {
            "200": json_response("What happened to each claim",
                                 schema_ref(_component(ClaimBulkResultSchema))),
            **error_responses("400", "413"),
        },
    }


def adjudication(api: Any) -> dict[str, Any]:
    return {
        "summary": "The adjudication's working of one claim",
        "description": "Every number of every step, per line in item order and per claim, "
        "with the reason codes in plain words and the decision (SPEC 'Adjudication (money)'). "
        "Amounts are decimal strings with two places; null where a step has not run yet.",
        "parameters": [PK_PARAMETER],
        "responses": {
            "200": json_response("The working",
                                 schema_ref(_component(ClaimWorkingResultSchema))),
            **error_responses("404"),
        },
    }


def statement(api: Any) -> dict[str, Any]:
    return {
        "summary": "One claim's statement as PDF",
        "description": "The fund's processing form of one claim the login may see (a member: "
        "his own): the lines with the working, the decision with its reasons, the two "
        "signatures by name and date (reviewers' names shown to members only when the fund "
        "shows them) and the meeting that ratified it. Audited as a file download.",
        "parameters": [PK_PARAMETER],
        "responses": {
            "200": {"description": "The statement",
                    "content": {"application/pdf": {"schema": {"type": "string",
                                                               "format": "binary"}}}},
            **error_responses("404"),
        },
    }


OPERATIONS = {
    "transition": transition,
    "bulk_transition": bulk_transition,
    "adjudication": adjudication,
    "statement": statement,
}
