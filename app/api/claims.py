"""REST resources of claims and their items, and a claim's lifecycle routes (transition, bulk
transition, the adjudication's working). Numbers, totals, line numbers, treatment date, version,
status and every adjudication field are derived or set by transitions: read-only here."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, g
from flask_appbuilder.api import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name, protect

from app import security as perms
from app.access import current_user, scope_query
from app.api import lifecycle_openapi
from app.api.base import ClaimdeskModelRestApi
from app.api.transitions import ClaimBulkOutcomeSchema, load_request
from app.api.working import ClaimStateSchema, ClaimWorkingSchema
from app.api.writes import answers_bad_input, json_body, parse_pk
from app.downloads import send
from app.extensions import db
from app.models import Claim, ClaimItem
from app.services.audit import access_events
from app.services.disclosure import (
    CLAIM_RESULTS,
    ITEM_RESULTS,
    decision_shown,
    items_of_undecided_claims,
    undecided_claim_ids,
)
from app.services.lifecycle import perform, perform_bulk
from app.services.statement import claim_statement
from app.services.validation import claim_errors, claim_item_errors

AMOUNTS = ["total_claimed", "total_eligible", "total_approved", "total_paid"]


class ClaimApi(ClaimdeskModelRestApi):
    resource_name = "claim"
    class_permission_name = perms.CLAIM
    datamodel = SQLAInterface(Claim)
    add_columns = ["member", "dependent", "claim_type", "provider", "first_visit_date",
                   "admission_date", "discharge_date", "treated_abroad", "return_date",
                   "admission_notified_at", "diagnosis", "icd10_code", "chronic_request",
                   "statutory_rebate_per_day", "other_insurance_benefit", "hospital_discount",
                   "received_on"]
    # The claim stays with its member; a keying error there means a new claim.
    edit_columns = add_columns[1:]
    list_columns = ["id", "claim_number", "member.id", "member.member_number", "dependent.id",
                    "claim_type", "provider.id", "provider.name", "treatment_date",
                    "received_on", "status", "priority", "sla_status", *AMOUNTS,
                    "awaiting_ratification", "version"]
    show_columns = [*list_columns, "first_visit_date", "admission_date", "discharge_date",
                    "treated_abroad", "return_date", "admission_notified_at", "diagnosis",
                    "icd10_code", "excluded_cause", "chronic_request.id",
                    "statutory_rebate_per_day", "other_insurance_benefit", "hospital_discount",
                    "critical_illness", "declaration_accepted_at", "declaration_source",
                    "submitted_at", "assigned_reviewer.id", "sla_due_at", "reason_codes",
                    "ratified_at", "ratified_meeting.id",
                    "assignment_flagged", "sla_breached_at", "payment_due_at",
                    "payment_breached_at",
                    "created_at", "updated_at"]
    search_columns = ["claim_number", "member", "dependent", "provider", "claim_type", "status",
                      "priority", "sla_status", "treatment_date", "received_on",
                      "total_claimed", "critical_illness", "awaiting_ratification",
                      "sla_due_at", "payment_due_at", "assignment_flagged"]
    order_columns = ["id", "claim_number", "claim_type", "treatment_date", "received_on",
                     "status", "priority", *AMOUNTS, "sla_status", "sla_due_at",
                     "payment_due_at"]
    base_order = ("id", "desc")
    record_rules = (claim_errors,)
    # A member's claim is received when he submits it; only the claims officer backdates it.
    staff_only_columns = ("received_on",)
    decision_columns = CLAIM_RESULTS

    # The lifecycle routes: transitions need can_transition on Claim, the working can_read.
    method_permission_name = {
        **ClaimdeskModelRestApi.method_permission_name,
        "transition": perms.TRANSITION,
        "bulk_transition": perms.TRANSITION,
        "adjudication": perms.READ,
        "statement": perms.READ,
    }
    openapi_spec_component_schemas = lifecycle_openapi.COMPONENT_SCHEMAS
    route_operations = lifecycle_openapi.OPERATIONS

    def pre_get(self, data: dict) -> None:
        super().pre_get(data)  # a member's undecided claim shows no decision
        access_events.claim_viewed(db.session, data["id"], g.user)  # staff's looks are recorded

    def pre_add(self, item: Claim) -> None:
        user = current_user()
        item.created_by_id = user.id if user is not None else None

    def undecided_ids(self, ids: list[int]) -> set[int]:
        return undecided_claim_ids(db.session, ids)

    @expose("/<pk>/transition", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name(perms.TRANSITION)
    def transition(self, pk: str) -> Response:
        """Apply one transition (its OpenAPI text comes from app.api.lifecycle_openapi)."""
        claim_id = parse_pk(pk)
        if claim_id is None:
            return self.response_404()
        action, values = load_request(json_body(), bulk=False)
        claim = perform(claim_id, action, g.user, values.pop("version"), **values)
        return self.response(200, id=claim.id, result=as_seen(claim, ClaimStateSchema))

    @expose("/bulk_transition", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name(perms.TRANSITION)
    def bulk_transition(self) -> Response:
        """Apply one transition to many claims, each in its own transaction."""
        action, values = load_request(json_body(), bulk=True)
        outcomes = perform_bulk(values.pop("ids"), action, g.user, **values)
        done = sum(1 for outcome in outcomes if outcome.ok)
        return self.response(200, result=ClaimBulkOutcomeSchema(many=True).dump(outcomes),
                             done=done, refused=len(outcomes) - done)

    @expose("/<pk>/adjudication", methods=["GET"])
    @protect()
    @answers_bad_input
    @permission_name(perms.READ)
    def adjudication(self, pk: str) -> Response:
        """The adjudication's working of one claim the login may see."""
        claim_id = parse_pk(pk)
        query = scope_query(sa.select(Claim).where(Claim.id == claim_id), Claim)
        claim = db.session.scalars(query).first() if claim_id is not None else None
        if claim is None:
            return self.response_404()
        return self.response(200, id=claim.id, result=as_seen(claim, ClaimWorkingSchema))

    @expose("/<pk>/statement", methods=["GET"])
    @protect()
    @answers_bad_input
    @permission_name(perms.READ)
    def statement(self, pk: str) -> Response:
        """The claim's statement (processing form) as PDF."""
        if parse_pk(pk) is None:
            return self.response_404()
        return send(claim_statement(db.session, parse_pk(pk), g.user))


class ClaimItemApi(ClaimdeskModelRestApi):
    resource_name = "claimitem"
    class_permission_name = perms.CLAIM_ITEM
    datamodel = SQLAInterface(ClaimItem)
    # POST with the claim's id; the line number and claimed amount are derived.
    add_columns = ["claim", "scale_item", "description", "quantity", "unit_cost",
                   "receipt_number"]
    edit_columns = add_columns[1:]
    list_columns = ["id", "claim.id", "claim.claim_number", "line_no", "scale_item.id",
                    "scale_item.code", "description", "quantity", "unit_cost",
                    "claimed_amount", "receipt_number", "eligible_amount", "approved_amount",
                    "reason_codes"]
    show_columns = [*list_columns, "created_at", "updated_at"]
    search_columns = ["claim", "scale_item", "description", "receipt_number", "quantity",
                      "unit_cost", "claimed_amount"]
    order_columns = ["id", "line_no", "description", "quantity", "unit_cost", "claimed_amount"]
    base_order = ("id", "asc")
    record_rules = (claim_item_errors,)
    decision_columns = ("eligible_amount", "approved_amount", "reason_codes")

    def undecided_ids(self, ids: list[int]) -> set[int]:
        return items_of_undecided_claims(db.session, ids)


def as_seen(claim: Claim, schema: type) -> dict:
    """The claim's state or working as the login may see it: before the decision a member's
    has no results (null, reason codes empty), line by line too."""
    dumped = schema().dump(claim)
    if decision_shown(claim.status, g.user):
        return dumped
    for line in dumped.get("lines", []):
        line.update({c: [] if c == "reason_codes" else None for c in ITEM_RESULTS if c in line})
    dumped.update({c: [] if c == "reason_codes" else None for c in CLAIM_RESULTS
                   if c in dumped})
    return dumped
