"""The audit trail: read-only, no add, edit or delete route exists."""

from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import security as perms
from app.models import AuditEvent
from app.views.base import ClaimdeskModelView


class AuditEventView(ClaimdeskModelView):
    datamodel = SQLAInterface(AuditEvent)
    class_permission_name = perms.AUDIT_EVENT
    route_base = "/audit"
    list_title = "Audit trail"
    base_permissions = ["can_read"]
    include_route_methods = {"list", "show"}
    list_columns = ["occurred_at", "actor_name", "action", "resource_type", "resource_id",
                    "ip_address"]
    search_columns = ["occurred_at", "actor_name", "action", "resource_type", "resource_id",
                      "ip_address"]
    show_columns = ["occurred_at", "actor_id", "actor_name", "ip_address", "user_agent", "action",
                    "resource_type", "resource_id", "details", "previous_hash", "hash"]
    base_order = ("occurred_at", "desc")
    label_columns = {
        "occurred_at": "When", "actor_id": "User id", "actor_name": "User",
        "ip_address": "IP address", "user_agent": "Browser", "action": "Action",
        "resource_type": "Record type", "resource_id": "Record id", "details": "Details",
        "previous_hash": "Previous hash", "hash": "Hash",
    }
