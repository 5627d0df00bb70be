"""REST resource of chronic-illness requests (the decision fields are set by transitions)."""

from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import security as perms
from app.api.base import ClaimdeskModelRestApi
from app.models import ChronicRequest
from app.services.validation import chronic_request_errors


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
                    "approved_monthly_amount", "valid_from", "valid_to"]
    show_columns = [*list_columns, "doctor_registration", "decided_at", "decision_reason",
                    "created_at", "updated_at"]
    search_columns = ["member", "dependent", "condition", "status", "valid_to"]
    order_columns = ["id", "condition", "status", "requested_monthly_amount", "valid_to"]
    base_order = ("id", "desc")
    record_rules = (chronic_request_errors,)
