from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import security as perms
from app.api.base import ClaimdeskModelRestApi
from app.models import Dependent, Member


class MemberApi(ClaimdeskModelRestApi):
    resource_name = "member"
    class_permission_name = perms.MEMBER
    datamodel = SQLAInterface(Member)
    list_columns = ["id", "member_number", "first_name", "last_name", "status", "membership_type.key"]
    show_columns = list_columns
    add_columns = ["first_name", "last_name", "date_of_birth", "membership_type", "status"]
    edit_columns = add_columns


class DependentApi(ClaimdeskModelRestApi):
    resource_name = "dependent"
    class_permission_name = perms.DEPENDENT
    datamodel = SQLAInterface(Dependent)
    list_columns = ["id", "member.id", "first_name", "last_name", "relationship_type", "status"]
    show_columns = list_columns
    add_columns = ["member", "first_name", "last_name", "relationship_type", "date_of_birth"]
    edit_columns = add_columns
