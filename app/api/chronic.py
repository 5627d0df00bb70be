from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import security as perms
from app.api.base import ClaimdeskModelRestApi
from app.models import ChronicRequest


class ChronicRequestApi(ClaimdeskModelRestApi):
    resource_name = "chronicrequest"
    class_permission_name = perms.CHRONIC_REQUEST
    datamodel = SQLAInterface(ChronicRequest)
    list_columns = ["id", "member.id", "condition", "status", "requested_monthly_amount"]
    show_columns = list_columns
    add_columns = ["member", "dependent", "condition", "doctor_name", "requested_monthly_amount"]
    edit_columns = add_columns
