"""Screens for claims and their items."""

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import security as perms
from app.models import Claim, ClaimItem
from app.views.base import ClaimdeskModelView


class ClaimItemView(ClaimdeskModelView):
    datamodel = SQLAInterface(ClaimItem)
    class_permission_name = perms.CLAIM_ITEM
    list_columns = ["claim.claim_number", "line_no", "description", "quantity", "unit_cost", "claimed_amount"]


class ClaimView(ClaimdeskModelView):
    datamodel = SQLAInterface(Claim)
    class_permission_name = perms.CLAIM
    list_columns = ["claim_number", "member.member_number", "claim_type", "status", "total_claimed"]
