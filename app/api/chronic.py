"""REST resource of chronic-illness requests; the decision fields are set only by its steps
(``POST /chronicrequest/<id>/transition``, ``/bulk_transition``: app.services.chronic)."""

from __future__ import annotations

from flask import Response, g
from flask_appbuilder.api import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name, protect

from app import security as perms
from app.api.base import ClaimdeskModelRestApi
from app.api.record_transitions import TransitionRoutes
from app.api.writes import answers_bad_input
from app.extensions import db
from app.models import ChronicRequest
from app.services import chronic
from app.services.audit import access_events
from app.services.validation import chronic_request_errors

ROUTES = TransitionRoutes(
    chronic.WORKFLOW, "Chronic",
    {"approve": ("amount", "valid_from", "valid_to", "reason"), "reject": ("reason",)},
)


class ChronicRequestApi(ClaimdeskModelRestApi):
    resource_name = "chronicrequest"
    class_permission_name = perms.CHRONIC_REQUEST
    datamodel = SQLAInterface(ChronicRequest)
    # No role deletes a request (SPEC: rw t); a decided one is kept, a pending one rejected.
    exclude_route_methods = {"delete"}
    add_columns = ["member", "dependent", "condition", "doctor_name", "doctor_registration",
                   "requested_monthly_amount"]
    edit_columns = add_columns[1:]
    list_columns = ["id", "member.id", "member.member_number", "dependent.id", "condition",
                    "doctor_name", "requested_monthly_amount", "status",
                    "approved_monthly_amount", "valid_from", "valid_to", "version"]
    show_columns = [*list_columns, "doctor_registration", "decided_at", "decision_reason",
                    "created_at", "updated_at"]
    search_columns = ["member", "dependent", "condition", "status", "valid_to"]
    order_columns = ["id", "condition", "status", "requested_monthly_amount", "valid_to"]
    base_order = ("id", "desc")
    record_rules = (chronic_request_errors,)

    # Single decisions need can_transition; decisions in bulk are the committee's can_review.
    method_permission_name = {
        **ClaimdeskModelRestApi.method_permission_name,
        "transition": perms.TRANSITION,
        "bulk_transition": perms.REVIEW,
    }
    openapi_spec_component_schemas = ROUTES.component_schemas
    route_operations = ROUTES.operations()

    def pre_get(self, data: dict) -> None:
        super().pre_get(data)  # what the base hides from members stays hidden
        access_events.chronic_request_viewed(db.session, data["id"], g.user)  # staff's looks

    def pre_add(self, item: ChronicRequest) -> None:
        chronic.prepare_new(item)

    @expose("/<pk>/transition", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name(perms.TRANSITION)
    def transition(self, pk: str) -> Response:
        """Approve or reject one request (OpenAPI text: app.api.record_transitions)."""
        return ROUTES.transition(self, pk, chronic.perform)

    @expose("/bulk_transition", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name(perms.REVIEW)
    def bulk_transition(self) -> Response:
        """Approve or reject many requests, each in its own transaction."""
        return ROUTES.bulk_transition(self, chronic.perform_bulk)
