"""Screens for chronic-illness requests."""

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import security as perms
from app.models import ChronicRequest
from app.views.base import ClaimdeskModelView


class ChronicRequestView(ClaimdeskModelView):
    datamodel = SQLAInterface(ChronicRequest)
    class_permission_name = perms.CHRONIC_REQUEST
    list_columns = ["member.member_number", "condition", "status", "requested_monthly_amount"]
