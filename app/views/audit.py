"""The audit trail, read-only."""

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import security as perms
from app.models import AuditEvent
from app.views.base import ClaimdeskModelView


class AuditEventView(ClaimdeskModelView):
    datamodel = SQLAInterface(AuditEvent)
    class_permission_name = perms.AUDIT_EVENT
    base_permissions = ["can_read"]
    list_columns = ["occurred_at", "actor_name", "action", "resource_type", "resource_id"]
