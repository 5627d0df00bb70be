"""REST resources of members and their dependents."""

from __future__ import annotations

from flask import Response
from flask_appbuilder.api import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name, protect

from app import security as perms
from app.api.base import ClaimdeskModelRestApi
from app.api.record_transitions import TransitionRoutes
from app.api.writes import answers_bad_input
from app.models import Dependent, Member
from app.services import dependents
from app.services.validation import dependent_errors, member_errors

DEPENDENT_ROUTES = TransitionRoutes(
    dependents.WORKFLOW, "Dependent",
    {"confirm": (), "request_removal": ("reason",), "remove": ("reason",)},
)
PAYOUT = ["payout_method", "bank_name", "bank_branch_code", "bank_account_number",
          "bank_account_name", "mobile_money_number"]


class MemberApi(ClaimdeskModelRestApi):
    resource_name = "member"
    class_permission_name = perms.MEMBER
    datamodel = SQLAInterface(Member)
    # Number, status and validity are derived (numbering, transitions, membership terms).
    add_columns = ["first_name", "middle_name", "last_name", "national_id", "date_of_birth",
                   "phone", "email", "membership_type", "contribution_receipt_date",
                   "statutory_insurer_number", "other_medical_scheme", *PAYOUT, "user"]
    edit_columns = add_columns
    list_columns = ["id", "member_number", "first_name", "last_name", "national_id",
                    "membership_type.id", "membership_type.key", "status", "valid_from",
                    "valid_to", "benefits_from"]
    show_columns = [*list_columns, "middle_name", "date_of_birth", "phone", "email",
                    "contribution_receipt_date", "statutory_insurer_number",
                    "other_medical_scheme", *PAYOUT, "user.id", "user.username",
                    "created_at", "updated_at"]
    search_columns = ["member_number", "first_name", "last_name", "national_id", "email",
                      "status", "membership_type", "valid_to", "date_of_birth"]
    order_columns = ["id", "member_number", "first_name", "last_name", "status", "valid_to"]
    base_order = ("member_number", "asc")
    record_rules = (member_errors,)


class DependentApi(ClaimdeskModelRestApi):
    resource_name = "dependent"
    class_permission_name = perms.DEPENDENT
    datamodel = SQLAInterface(Dependent)
    # Status is set by confirmation (a transition); a dependent stays with his member.
    add_columns = ["member", "first_name", "last_name", "relationship_type", "date_of_birth",
                   "statutory_insurer_number"]
    edit_columns = add_columns[1:]
    list_columns = ["id", "member.id", "member.member_number", "first_name", "last_name",
                    "relationship_type", "date_of_birth", "status", "version"]
    show_columns = [*list_columns, "statutory_insurer_number", "confirmed_at",
                    "removal_requested_at", "removal_reason", "removed_at", "created_at",
                    "updated_at"]
    search_columns = ["member", "first_name", "last_name", "relationship_type", "status"]
    order_columns = ["id", "first_name", "last_name", "date_of_birth", "status"]
    base_order = ("id", "asc")
    record_rules = (dependent_errors,)

    # One step at a time is a change of the dependent (the member asks for a removal, the
    # committee confirms or removes: the service checks who may take which step); in bulk it
    # is the committee's can_review.
    method_permission_name = {
        **ClaimdeskModelRestApi.method_permission_name,
        "transition": perms.WRITE,
        "bulk_transition": perms.REVIEW,
    }
    openapi_spec_component_schemas = DEPENDENT_ROUTES.component_schemas
    route_operations = DEPENDENT_ROUTES.operations()

    def pre_add(self, item: Dependent) -> None:
        dependents.prepare_new(item)

    @expose("/<pk>/transition", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name(perms.WRITE)
    def transition(self, pk: str) -> Response:
        """Confirm, remove or ask to remove one dependent (OpenAPI: app.api.record_transitions)."""
        return DEPENDENT_ROUTES.transition(self, pk, dependents.perform)

    @expose("/bulk_transition", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name(perms.REVIEW)
    def bulk_transition(self) -> Response:
        """Confirm or remove many dependents, each in its own transaction."""
        return DEPENDENT_ROUTES.bulk_transition(self, dependents.perform_bulk)
