"""REST resource of the audit trail: append-only, so read-only. Committee reads only the claims'
part of it (app.access narrows the rows, as for every resource)."""

from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import security as perms
from app.api.base import ClaimdeskModelRestApi
from app.models import AuditEvent


class AuditEventApi(ClaimdeskModelRestApi):
    resource_name = "auditevent"
    class_permission_name = perms.AUDIT_EVENT
    datamodel = SQLAInterface(AuditEvent)
    include_route_methods = {"get", "get_list", "info"}
    list_columns = ["id", "occurred_at", "actor_name", "action", "resource_type",
                    "resource_id"]
    show_columns = [*list_columns, "actor_id", "ip_address", "user_agent", "details",
                    "previous_hash", "hash"]
    # FAB builds schemas for these; no route of this resource takes a body.
    add_columns = edit_columns = list_columns[1:]
    search_columns = ["action", "actor_name", "resource_type", "resource_id", "occurred_at"]
    order_columns = ["id", "occurred_at", "action", "actor_name"]
    base_order = ("id", "desc")
