from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import security as perms
from app.api.base import ClaimdeskModelRestApi
from app.models import AuditEvent


class AuditEventApi(ClaimdeskModelRestApi):
    resource_name = "auditevent"
    class_permission_name = perms.AUDIT_EVENT
    datamodel = SQLAInterface(AuditEvent)
    include_route_methods = {"get", "get_list", "info"}
