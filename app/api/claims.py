from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import security as perms
from app.api.base import ClaimdeskModelRestApi
from app.models import Claim, ClaimItem


class ClaimApi(ClaimdeskModelRestApi):
    resource_name = "claim"
    class_permission_name = perms.CLAIM
    datamodel = SQLAInterface(Claim)
    list_columns = ["id", "claim_number", "member.id", "claim_type", "status", "total_claimed"]
    show_columns = list_columns
    add_columns = ["member", "dependent", "claim_type", "provider", "first_visit_date"]
    edit_columns = add_columns


class ClaimItemApi(ClaimdeskModelRestApi):
    resource_name = "claimitem"
    class_permission_name = perms.CLAIM_ITEM
    datamodel = SQLAInterface(ClaimItem)
    list_columns = ["id", "claim.id", "line_no", "description", "quantity", "unit_cost", "claimed_amount"]
    show_columns = list_columns
    add_columns = ["claim", "description", "quantity", "unit_cost", "receipt_number"]
    edit_columns = add_columns
